from django.utils.translation import gettext_lazy as _

from core.tables import Column, choice_badge
from core.views import ObjectListView

from .filters import AuditLogFilter
from .models import AuditLog, AuditOutcome


class AuditLogList(ObjectListView):
    """审计日志 search page — for the audit role only (permission audit.view_audit_log)."""

    queryset = AuditLog.objects.all()
    permission_required = "audit.view_audit_log"
    filterset = AuditLogFilter
    title = _("审计日志")
    default_ordering = ("-id",)
    columns = [
        Column("time", _("时间")),
        Column("username", _("用户")),
        Column("unit_name", _("单位")),
        Column("ip", _("IP地址")),
        Column("action", _("操作"), accessor=lambda e: e.get_action_display()),
        Column("outcome", _("结果"), badge=choice_badge("outcome", AuditOutcome)),
        Column("object_type", _("对象类型")),
        Column("object_repr", _("对象")),
        Column("message", _("说明")),
        Column("before", _("修改前")),
        Column("after", _("修改后")),
    ]
