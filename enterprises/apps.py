from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业库")

    def ready(self):
        from core import search
        from core.navigation import add_section
        from imports.targets import register

        from .imports import EnterpriseTarget
        from .models import Enterprise

        register(EnterpriseTarget())

        search.register(Enterprise, ["name", "credit_code"], _("企业"))
        add_section(_("企业服务"), [
            {"label": _("企业库"), "url": "enterprises:enterprise_list", "icon": "buildings"},
            {"label": _("走访记录"), "url": "enterprises:visit_list", "icon": "person-walking"},
            {"label": _("扫楼扫街进度"), "url": "enterprises:coverage", "icon": "map"},
        ])
