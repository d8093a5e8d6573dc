from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def todo_badge(user):
    """The to-do count in the sidebar: one cheap count per page (items.selectors.todo_count)."""
    from .selectors import todo_count

    return todo_count(user) or None


def unread_badge(user):
    from .views import unread_count

    return unread_count(user)


class ItemsConfig(AppConfig):
    name = "items"
    verbose_name = _("事项")

    def ready(self):
        from core.navigation import add_section

        add_section(_("工作台"), [
            {"label": _("我的待办"), "url": "items:todo", "icon": "check2-square", "badge": todo_badge},
            {"label": _("事项总台账"), "url": "items:item_list", "icon": "card-checklist"},
            {"label": _("报送看板"), "url": "items:board", "icon": "grid-3x3-gap"},
            {"label": _("消息"), "url": "items:notifications", "icon": "bell", "badge": unread_badge},
            {"label": _("工作日历"), "url": "items:calendar", "icon": "calendar-week",
             "perm": "items.change_workcalendarday"},
        ])
