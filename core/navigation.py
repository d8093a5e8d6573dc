"""The sidebar, by area of work. Apps append their links here (a plain list: easy to read, easy to test)."""
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    {
        "order": 0,
        "label": _("总览"),
        "links": [
            {"label": _("推进机制"), "url": "org:mechanism_current", "icon": "diagram-3"},
        ],
    },
    {
        "order": 90,
        "label": _("组织"),
        "links": [
            {"label": _("行政区划"), "url": "org:area_list", "icon": "geo-alt"},
            {"label": _("单位"), "url": "org:unit_list", "icon": "building"},
            {"label": _("人员"), "url": "org:person_list", "icon": "people"},
            {"label": _("年度机制"), "url": "org:mechanism_list", "icon": "calendar3"},
        ],
    },
    {
        "order": 100,
        "label": _("系统"),
        "links": [
            {"label": _("用户与角色"), "url": "accounts:user_list", "icon": "person-badge", "perm": "accounts.view_user"},
            {"label": _("审计日志"), "url": "audit:log_list", "icon": "journal-text", "perm": "audit.view_audit_log"},
            {"label": _("接口文档"), "url": "api:docs", "icon": "code-slash"},
        ],
    },
]


# Where each area of work sits in the sidebar: the mechanism first, then the daily desk, then the ledgers
# in the order of the "1+5+2" work, then the organisation and the system.
SECTION_ORDER = {"工作台": 10, "重点任务": 20, "抓大引大": 30, "企业服务": 40, "诉求工单": 50, "作风督查": 60,
                 "资金保障": 70}


def add_section(label, links, order=None):
    """Add an app's sidebar section (from its AppConfig.ready); sections stay sorted by `order`."""
    order = SECTION_ORDER.get(str(label), 80) if order is None else order
    NAVIGATION.append({"order": order, "label": label, "links": links})
    NAVIGATION.sort(key=lambda section: section.get("order", 80))
