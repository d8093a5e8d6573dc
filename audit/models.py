"""AuditLog — 审计日志: append-only, hash-chained record of every change, login and export.

Who/what are kept as strings (NetBox's ObjectChange) so the log outlives deleted users and rows; the
database refuses UPDATE and DELETE on this table (triggers in migration 0002), and `audit_verify`
recomputes the hash chain so an edit made with the triggers dropped is still detected.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors


class AuditAction(ColoredChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    WORKFLOW = "workflow", _("流程操作")
    REVEAL = "reveal", _("查看个人信息")
    DENIED = "denied", _("拒绝")


@with_colors({"success": "success", "denied": "warning", "failed": "danger"})
class AuditOutcome(ColoredChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")


class AuditLog(models.Model):
    time = models.DateTimeField(_("时间"), db_index=True)
    user_id = models.BigIntegerField(_("用户ID"), null=True, blank=True)
    username = models.CharField(_("用户"), max_length=150, blank=True)
    unit_name = models.CharField(_("单位"), max_length=200, blank=True)
    ip = models.CharField(_("IP地址"), max_length=64, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=20, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    message = models.TextField(_("说明"), blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-id"]
        permissions = [("view_audit_log", _("可查看审计日志"))]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()} {self.object_repr}"


class AuditChainHead(models.Model):
    """One row holding the newest hash: writers lock it, so the chain never forks under concurrency."""

    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self):
        return self.last_hash
