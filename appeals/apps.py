from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("诉求工单")

    def ready(self):
        from core import search
        from core.navigation import add_section
        from imports.targets import register
        from items.kinds import KindSpec, register_kind

        from .imports import HotlineTarget
        from .models import Appeal
        from .workflow import TRANSITIONS

        register(HotlineTarget())
        register_kind(KindSpec(code="appeal", model=Appeal, prefix="SQ", label=_("诉求工单"),
                               transitions=TRANSITIONS, url_name="appeals:appeal_detail",
                               dekad_reports=False))  # work orders run on their SLA, not on 旬 reports
        # number and title only: requester data is never searchable from the global search box
        search.register(Appeal, ["number", "title"], _("诉求工单"))
        add_section(_("诉求工单"), [
            {"label": _("诉求看板"), "url": "appeals:dashboard", "icon": "speedometer2"},
            {"label": _("工单台账"), "url": "appeals:appeal_list", "icon": "telephone-inbound"},
            {"label": _("登记诉求"), "url": "appeals:appeal_add", "icon": "plus-square"},
            {"label": _("诉求类别与时限"), "url": "appeals:category_list", "icon": "diagram-2"},
            {"label": _("派单规则"), "url": "appeals:routing_list", "icon": "signpost-split"},
            {"label": _("网上诉求平台"), "url": "appeals:portal", "icon": "phone"},
        ])
