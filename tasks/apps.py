from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("重点任务")

    def ready(self):
        from core.navigation import add_section
        from items.kinds import KindSpec, register_kind

        from .lights import behind_schedule
        from .models import KeyTask
        from .workflow import TRANSITIONS

        # separation_of_duties and dekad_reports stay on (the defaults): nobody approves a task they submitted
        # or their own extension, and an open task owes a 旬报 every 旬.
        register_kind(KindSpec(code="task", model=KeyTask, prefix="RW", label=_("重点任务"),
                               transitions=TRANSITIONS, light_rule=behind_schedule, url_name="tasks:task_detail",
                               separation_of_duties=True, dekad_reports=True))
        add_section(_("重点任务"), [
            {"label": _("任务台账"), "url": "tasks:task_list", "icon": "list-task"},
            {"label": _("新建任务"), "url": "tasks:task_create", "icon": "plus-square"},
        ])
