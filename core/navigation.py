"""The sidebar, by area of work. Apps append their links here (a plain list: easy to read, easy to test)."""
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    {
        "label": _("总览"),
        "links": [
            {"label": _("推进机制"), "url": "org:mechanism_current", "icon": "diagram-3"},
        ],
    },
    {
        "label": _("组织"),
        "links": [
            {"label": _("行政区划"), "url": "org:area_list", "icon": "geo-alt"},
            {"label": _("单位"), "url": "org:unit_list", "icon": "building"},
            {"label": _("人员"), "url": "org:person_list", "icon": "people"},
            {"label": _("年度机制"), "url": "org:mechanism_list", "icon": "calendar3"},
        ],
    },
    {
        "label": _("系统"),
        "links": [
            {"label": _("用户与角色"), "url": "accounts:user_list", "icon": "person-badge", "perm": "accounts.view_user"},
            {"label": _("审计日志"), "url": "audit:log_list", "icon": "journal-text", "perm": "audit.view_audit_log"},
            {"label": _("接口文档"), "url": "api:docs", "icon": "code-slash"},
        ],
    },
]


def add_section(label, links, position=None):
    section = {"label": label, "links": links}
    if position is None:
        NAVIGATION.insert(1, section)
    else:
        NAVIGATION.insert(position, section)
