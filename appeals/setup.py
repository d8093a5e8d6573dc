"""Reference data of the appeals ledger: the category tree with its SLAs, routing rules, and the 12345
centre (a role, an operator login seated in the dispatching body). Idempotent; used by the demo and tests."""
from django.conf import settings
from django.contrib.auth.models import Permission

from accounts.models import DataScope, Role, User
from org.models import Area, Body, Person, Post, Seat, Unit
from org.selectors import mechanism_current

from .models import AppealCategory, ClockStart, RoutingRule

TEMPLATE = "您反映的问题（工单{number}）已由{unit}办理：{title}。感谢您对我区工作的支持。"

# (code, name, parent code, sign days, finish days, clock start, template, public)
CATEGORIES = [
    ("city", "城市管理", None, 1, 5, ClockStart.DISPATCH, TEMPLATE, True),
    ("city-sanitation", "环境卫生", "city", 1, 5, ClockStart.DISPATCH, "", True),
    ("city-roads", "道路设施", "city", 1, 5, ClockStart.DISPATCH, "", True),
    ("city-noise", "噪音扰民", "city", 1, 3, ClockStart.DISPATCH, "", True),
    ("housing", "住房建设", None, 1, 10, ClockStart.ACCEPT, TEMPLATE, True),
    ("housing-property", "物业管理", "housing", 1, 10, ClockStart.ACCEPT, "", True),
    ("social", "民生服务", None, 1, 5, ClockStart.DISPATCH, TEMPLATE, True),
    ("social-medical", "医保社保", "social", 1, 5, ClockStart.DISPATCH, "", True),
    ("safety", "安全隐患（紧急）", None, 0, 0, ClockStart.DISPATCH, TEMPLATE, True),
    ("complaint", "投诉举报", None, 1, 13, ClockStart.DISPATCH, TEMPLATE, True),
    ("suggestion", "意见建议", None, 2, 20, ClockStart.ACCEPT, TEMPLATE, True),
    ("enterprise", "企业诉求", None, 1, 10, ClockStart.ACCEPT, TEMPLATE, False),
    ("enterprise-land", "用地规划", "enterprise", 1, 15, ClockStart.ACCEPT, "", False),
    ("enterprise-permit", "审批服务", "enterprise", 1, 5, ClockStart.ACCEPT, "", False),
    ("enterprise-labour", "用工招工", "enterprise", 1, 10, ClockStart.ACCEPT, "", False),
    ("enterprise-finance", "融资金融", "enterprise", 1, 10, ClockStart.ACCEPT, "", False),
]

# (category code, area name or None, unit short name)
ROUTING = [
    ("city", None, "城管局"), ("city-sanitation", "罗家镇", "罗家镇"), ("city-sanitation", "塘山镇", "塘山镇"),
    ("city-roads", None, "住建局"), ("city-noise", None, "公安分局"), ("housing", None, "住建局"),
    ("housing-property", "罗家镇", "罗家镇"), ("social", None, "区政府办"), ("social-medical", None, "医保中心"),
    ("safety", None, "城管局"), ("complaint", None, "信访局"), ("suggestion", None, "区政府办"),
    ("enterprise", None, "营商办"), ("enterprise-land", None, "住建局"), ("enterprise-permit", None, "行政审批局"),
    ("enterprise-labour", None, "商务局"), ("enterprise-finance", None, "财政局"),
    ("city", "罗家镇", "罗家镇"), ("social", "罗家镇", "罗家镇"), ("complaint", "罗家镇", "罗家镇"),
    ("city", "塘山镇", "塘山镇"),
]

REFERENCE_PERMS = ["appeals.add_appealcategory", "appeals.change_appealcategory", "appeals.add_routingrule",
                   "appeals.change_routingrule", "appeals.delete_routingrule"]
CENTRE_ROLE = ("appeal_centre", "12345热线中心", DataScope.ALL, ["accounts.view_personal_data", *REFERENCE_PERMS])


def ensure_categories():
    by_code = {c.code: c for c in AppealCategory.objects.all()}
    for i, (code, name, parent, sign, finish, clock, template, public) in enumerate(CATEGORIES):
        if code in by_code:
            continue
        by_code[code] = AppealCategory.objects.create(
            code=code, name=name, parent=by_code.get(parent), sign_days=sign, finish_days=finish, clock_start=clock,
            reply_template=template, is_public=public, sort_order=i)
    units = {(u.short_name or u.name): u for u in Unit.objects.all()}
    areas = {a.name: a for a in Area.objects.all()}
    for code, area, unit in ROUTING:
        if unit in units and (area is None or area in areas):
            RoutingRule.objects.get_or_create(category=by_code[code], area=areas.get(area) if area else None,
                                              defaults={"lead_unit": units[unit]})
    return by_code


def ensure_centre():
    """The 12345 centre: a role seeing all appeals, and the operator login `centre` seated in the dispatching
    body (so the workflow treats it as 交办方). Public submissions act as this login."""
    code, name, scope, perms = CENTRE_ROLE
    role, _created = Role.objects.get_or_create(code=code, defaults={"name": name, "data_scope": scope,
                                                                      "sort_order": 50})
    for label in perms:
        app, codename = label.split(".")
        role.permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    admin = Role.objects.filter(code="admin").first()
    if admin is not None:  # administrators maintain the categories and routing rules too
        for label in REFERENCE_PERMS:
            app, codename = label.split(".")
            admin.permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    username = getattr(settings, "TAIZHANG_APPEALS_INTAKE_USERNAME", "centre")
    unit = Unit.objects.filter(short_name="区政府办").first() or Unit.objects.order_by("path").first()
    user = User.objects.filter(username=username).first()
    if user is None:
        person = Person.objects.create(name="许晴", unit=unit, title="12345热线中心话务员")
        user = User.objects.create_user(username=username, password=settings.TAIZHANG_DEMO_PASSWORD,
                                        person=person, unit=unit, display_name="12345热线中心")
        user.roles.set([role])
    mechanism = mechanism_current()
    if mechanism is not None and user.person_id:
        for short in (settings.TAIZHANG_APPEALS_DISPATCH_BODY,):
            body = Body.objects.filter(mechanism=mechanism, short_name=short).first()
            if body is not None and not Seat.objects.filter(body=body, person=user.person).exists():
                Seat.objects.create(mechanism=mechanism, body=body, person=user.person, post=Post.MEMBER,
                                    note="12345热线派单")
    return user
