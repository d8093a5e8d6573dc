from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def open_findings_badge(user):
    """Sidebar badge: findings awaiting verification, for supervisors only (one count per page)."""
    from accounts.roles import is_supervisor

    if not is_supervisor(user):
        return None
    from .selectors import awaiting_verification_count

    return awaiting_verification_count(user) or None


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("作风督查")

    def ready(self):
        from core import search
        from core.navigation import add_section
        from items.kinds import KindSpec, register_kind

        from .models import Finding, Inspection
        from .workflow import TRANSITIONS, finding_light

        register_kind(KindSpec(code="finding", model=Finding, prefix="DC", label=_("督查问题"),
                               transitions=TRANSITIONS, light_rule=finding_light,
                               url_name="supervision:finding_detail"))
        search.register(Finding, ["number", "title"], _("督查问题"))
        search.register(Inspection, ["title", "record"], _("督查"))
        add_section(_("作风督查"), [
            {"label": _("督查总览"), "url": "supervision:dashboard", "icon": "binoculars"},
            {"label": _("本周督查日"), "url": "supervision:this_week", "icon": "calendar-check"},
            {"label": _("督查记录"), "url": "supervision:inspection_list", "icon": "clipboard-check"},
            {"label": _("问题台账"), "url": "supervision:finding_list", "icon": "exclamation-triangle",
             "badge": open_findings_badge},
            {"label": _("督办单"), "url": "supervision:notice_list", "icon": "file-earmark-text"},
            {"label": _("通报"), "url": "supervision:bulletin_list", "icon": "megaphone"},
        ])
