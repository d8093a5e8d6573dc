from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("重大重点项目")

    def ready(self):
        from core.navigation import add_section
        from imports.targets import register
        from items.kinds import KindSpec, register_kind

        from .imports import ProjectTarget
        from .lights import investment_behind
        from .models import Project

        register(ProjectTarget())
        register_kind(KindSpec(code="project", model=Project, prefix="XM", label=_("重大重点项目"),
                               light_rule=investment_behind, url_name="projects:project_detail"))
        add_section(_("抓大引大"), [
            {"label": _("专班看板"), "url": "projects:dashboard", "icon": "speedometer2"},
            {"label": _("项目台账"), "url": "projects:project_list", "icon": "buildings"},
            {"label": _("签约活动"), "url": "projects:event_list", "icon": "pen"},
            {"label": _("招商载体"), "url": "projects:carrier_list", "icon": "house-door"},
            {"label": _("载体地图"), "url": "projects:carrier_map", "icon": "map"},
        ])
