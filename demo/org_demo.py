"""青山湖区 and its 2023 "1+5+2" mechanism, as seed 002 describes it. People are fictional.

Area and unit names come from the seeds (罗家镇, 青山路街道, 谢埠老街, 赵坊山上秦村, 石泉村 …) plus the
district's other towns and subdistricts; departments are the ones the seeds name.
"""
from django.conf import settings
from django.contrib.auth.models import Permission

from accounts.models import DataScope, Role, User
from core.requestcontext import use_context
from org import services
from org.models import Area, AreaLevel, BodyKind, Post, UnitKind

DISTRICT = "青山湖区"

# (name, level, [villages/communities])
AREAS = [
    ("罗家镇", AreaLevel.TOWN, [("谢埠村", AreaLevel.VILLAGE), ("赵坊村", AreaLevel.VILLAGE),
                               ("石泉村", AreaLevel.VILLAGE), ("罗家集社区", AreaLevel.COMMUNITY)]),
    ("塘山镇", AreaLevel.TOWN, [("塘山村", AreaLevel.VILLAGE), ("新溪桥社区", AreaLevel.COMMUNITY)]),
    ("湖坊镇", AreaLevel.TOWN, [("湖坊村", AreaLevel.VILLAGE), ("顺化门社区", AreaLevel.COMMUNITY)]),
    ("京东镇", AreaLevel.TOWN, [("京东村", AreaLevel.VILLAGE), ("北京东路社区", AreaLevel.COMMUNITY)]),
    ("扬子洲镇", AreaLevel.TOWN, [("扬子洲村", AreaLevel.VILLAGE)]),
    ("青山路街道", AreaLevel.SUBDISTRICT, [("青山路社区", AreaLevel.COMMUNITY), ("湖滨社区", AreaLevel.COMMUNITY)]),
    ("上海路街道", AreaLevel.SUBDISTRICT, [("上海路社区", AreaLevel.COMMUNITY)]),
    ("南钢街道", AreaLevel.SUBDISTRICT, [("南钢社区", AreaLevel.COMMUNITY)]),
    ("昌东工业园区", AreaLevel.PARK, [("针纺产业社区", AreaLevel.COMMUNITY)]),
]

# District departments named by the seeds (short name, full name).
DEPARTMENTS = [
    ("区委办", "中共青山湖区委员会办公室"),
    ("区政府办", "青山湖区人民政府办公室"),
    ("区委督查室", "青山湖区委督查室"),
    ("发改委", "青山湖区发展和改革委员会"),
    ("商务局", "青山湖区商务局"),
    ("科工局", "青山湖区科学技术和工业信息化局"),
    ("住建局", "青山湖区住房和城乡建设局"),
    ("城管局", "青山湖区城市管理局"),
    ("财政局", "青山湖区财政局"),
    ("医保中心", "青山湖区医疗保障服务中心"),
    ("政法委", "中共青山湖区委政法委员会"),
    ("公安分局", "南昌市公安局青山湖分局"),
    ("信访局", "青山湖区信访局"),
    ("营商办", "青山湖区优化营商环境办公室"),
    ("行政审批局", "青山湖区行政审批局"),
]

# Fictional people: (key, name, unit short name, title)
PEOPLE = [
    ("secretary", "林建华", "区委办", "区委书记"),
    ("mayor", "周明远", "区政府办", "区长"),
    ("deputy_party", "陈志强", "区委办", "区委副书记"),
    ("npc", "吴振邦", "区委办", "区人大常委会主任"),
    ("cppcc", "郑秀英", "区委办", "区政协主席"),
    ("exec_vice", "何立新", "区政府办", "常务副区长"),
    ("vice_economy", "黄晓东", "区政府办", "副区长"),
    ("vice_urban", "朱文斌", "区政府办", "副区长"),
    ("vice_manage", "宋雅琴", "区政府办", "副区长"),
    ("politics", "高卫国", "政法委", "区委常委、政法委书记"),
    ("discipline", "罗清源", "区委督查室", "区委常委、纪委书记"),
    ("commerce_head", "许海峰", "商务局", "局长"),
    ("commerce_staff", "孙佳怡", "商务局", "科员"),
    ("tech_head", "马骏", "科工局", "局长"),
    ("housing_head", "胡德明", "住建局", "局长"),
    ("housing_staff", "刘思远", "住建局", "科员"),
    ("urban_head", "韩立军", "城管局", "局长"),
    ("finance_head", "唐慧敏", "财政局", "局长"),
    ("inspect_head", "冯志刚", "区委督查室", "主任"),
    ("inspect_staff", "邓晓琳", "区委督查室", "督查专员"),
    ("luojia_head", "曹国栋", "罗家镇", "镇长"),
    ("luojia_staff", "王晓燕", "罗家镇", "党政办科员"),
    ("tangshan_staff", "彭俊", "塘山镇", "党政办科员"),
    ("xiebu_staff", "姚小梅", "谢埠村", "村委会委员"),
    ("dev_head", "蒋文涛", "发改委", "主任"),
]

# The mechanism (seed 002): (key, kind, name, short name, lead unit, member units, [(person, post, note)])
HQ = ("hq", BodyKind.COMMAND, "“1+5+2”重点工作总指挥部", "总指挥部", "区委办", [], [
    ("secretary", Post.CHIEF, ""), ("mayor", Post.COMMANDER, ""),
    ("deputy_party", Post.DEPUTY_COMMANDER, "区委"), ("npc", Post.DEPUTY_COMMANDER, "区人大"),
    ("cppcc", Post.DEPUTY_COMMANDER, "区政协"), ("exec_vice", Post.DEPUTY_COMMANDER, "区政府"),
])
TASK_FORCES = [
    ("tf_economy", "扫楼扫街、做大经济总量工作专班", "扫楼扫街专班", "商务局",
     ["商务局", "科工局", "发改委", "营商办", "罗家镇", "塘山镇", "湖坊镇", "京东镇", "青山路街道", "上海路街道"],
     [("vice_economy", Post.LEADER, ""), ("commerce_head", Post.OFFICE_DIRECTOR, ""), ("commerce_staff", Post.MEMBER, "")]),
    ("tf_projects", "抓大引大、做强产业项目工作专班", "抓大引大专班", "发改委",
     ["发改委", "商务局", "科工局", "行政审批局", "昌东工业园区", "罗家镇", "京东镇"],
     [("exec_vice", Post.LEADER, ""), ("dev_head", Post.OFFICE_DIRECTOR, ""), ("commerce_staff", Post.MEMBER, "")]),
    ("tf_urban_build", "改旧建新、做优城市建设工作专班", "改旧建新专班", "住建局",
     ["住建局", "财政局", "罗家镇", "湖坊镇", "青山路街道", "上海路街道", "南钢街道"],
     [("vice_urban", Post.LEADER, ""), ("housing_head", Post.OFFICE_DIRECTOR, ""), ("housing_staff", Post.MEMBER, "")]),
    ("tf_urban_manage", "常态长效、做精城市管理工作专班", "城市管理专班", "城管局",
     ["城管局", "住建局", "罗家镇", "塘山镇", "扬子洲镇", "青山路街道", "南钢街道"],
     [("vice_manage", Post.LEADER, ""), ("urban_head", Post.OFFICE_DIRECTOR, "")]),
    ("tf_stability", "长治久安、维护社会稳定工作专班", "社会稳定专班", "政法委",
     ["政法委", "公安分局", "信访局", "罗家镇", "塘山镇", "京东镇", "青山路街道"],
     [("politics", Post.LEADER, ""), ("luojia_head", Post.MEMBER, "")]),
]
GROUPS = [
    ("g_funds", "资金保障领导小组", "资金保障组", "财政局", ["财政局", "发改委", "医保中心"],
     [("exec_vice", Post.LEADER, ""), ("finance_head", Post.OFFICE_DIRECTOR, "")]),
    ("g_inspect", "作风督查领导小组", "作风督查组", "区委督查室", ["区委督查室", "区委办", "区政府办"],
     [("discipline", Post.LEADER, ""), ("inspect_head", Post.OFFICE_DIRECTOR, ""), ("inspect_staff", Post.MEMBER, "")]),
]

ORG_PERMS = [f"{action}_{model}" for model in ("area", "unit", "person", "mechanism", "body", "seat")
             for action in ("add", "change", "delete")]

# Roles (code, name, data scope, permission codenames "app.codename")
ROLES = [
    ("district_leader", "区领导", DataScope.ALL, ["accounts.view_personal_data"]),
    ("task_force", "专班成员", DataScope.UNIT, []),
    ("department", "部门工作人员", DataScope.UNIT, []),
    ("town", "镇街工作人员", DataScope.UNIT_AND_BELOW, []),
    ("village", "村社区工作人员", DataScope.UNIT, []),
    ("supervisor", "督查人员", DataScope.ALL, []),
    ("auditor", "审计员", DataScope.ALL, ["audit.view_audit_log"]),
    ("admin", "系统管理员", DataScope.ALL,
     [f"org.{p}" for p in ORG_PERMS] + ["accounts.view_user", "accounts.add_user", "accounts.change_user",
                                        "items.change_workcalendarday",
                                        "ledgers.change_ledgerdefinition", "ops.manage_jobs"]),
]

# Demo logins: (username, person key, unit, role code, description)
LOGINS = [
    ("leader", "mayor", "区政府办", "district_leader", "区领导（总指挥）"),
    ("taskforce", "commerce_staff", "商务局", "task_force", "专班成员（扫楼扫街、抓大引大专班）"),
    ("dept", "housing_staff", "住建局", "department", "部门工作人员（住建局）"),
    ("town", "luojia_staff", "罗家镇", "town", "镇街工作人员（罗家镇）"),
    ("town2", "tangshan_staff", "塘山镇", "town", "镇街工作人员（塘山镇）"),
    ("village", "xiebu_staff", "谢埠村", "village", "村社区工作人员（谢埠村）"),
    ("supervisor", "inspect_staff", "区委督查室", "supervisor", "督查人员（作风督查组）"),
    ("auditor", None, "区委督查室", "auditor", "审计员"),
    ("admin", None, "区政府办", "admin", "系统管理员"),
]


def _permission(label):
    app, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app, codename=codename)


def load(context, actor=None, year=2023):
    district = services.area_save(actor=actor, data={"name": DISTRICT, "level": AreaLevel.DISTRICT, "code": "360111"})
    areas = {DISTRICT: district}
    for i, (name, level, children) in enumerate(AREAS):
        town = services.area_save(actor=actor, data={"name": name, "level": level, "parent": district, "sort_order": i})
        areas[name] = town
        for j, (child, child_level) in enumerate(children):
            areas[child] = services.area_save(actor=actor, data={"name": child, "level": child_level,
                                                                 "parent": town, "sort_order": j})
    units = {}
    for i, (short, full) in enumerate(DEPARTMENTS):
        kind = UnitKind.PARTY_GOV if short in {"区委办", "区政府办"} else UnitKind.DEPARTMENT
        units[short] = services.unit_save(actor=actor, data={"name": full, "short_name": short, "kind": kind,
                                                             "area": district, "sort_order": i})
    for i, (name, level, children) in enumerate(AREAS):
        suffix = "人民政府" if level == AreaLevel.TOWN else ("办事处" if level == AreaLevel.SUBDISTRICT else "管委会")
        town_unit = services.unit_save(actor=actor, data={"name": f"{name}{suffix}", "short_name": name,
                                                          "kind": UnitKind.TOWN_GOV, "area": areas[name],
                                                          "sort_order": 100 + i})
        units[name] = town_unit
        for j, (child, child_level) in enumerate(children):
            committee = "村民委员会" if child_level == AreaLevel.VILLAGE else "居民委员会"
            units[child] = services.unit_save(actor=actor, data={
                "name": f"{child}{committee}", "short_name": child, "kind": UnitKind.VILLAGE_COMMITTEE,
                "area": areas[child], "parent": town_unit, "sort_order": j})
    people = {}
    for i, (key, name, unit, title) in enumerate(PEOPLE):
        phone = f"139{7000_0000 + i * 7919:08d}"
        people[key] = services.person_save(actor=actor, data={"name": name, "unit": units[unit], "title": title,
                                                              "phone": phone, "sort_order": i})

    mechanism = services.mechanism_save(actor=actor, data={
        "year": year, "name": "1+5+2",
        "description": "“1”即一个总指挥部，区委书记为总负责、区长为总指挥、区四套班子领导为副总指挥；"
                       "“5”即五大工作专班；“2”即资金保障领导小组和作风督查领导小组。"})
    bodies = {}

    def add_body(key, kind, name, short, lead, members, seats, parent=None, order=0):
        body = services.body_save(actor=actor, data={
            "mechanism": mechanism, "kind": kind, "name": name, "short_name": short, "parent": parent,
            "lead_unit": units[lead], "sort_order": order}, member_units=[units[m] for m in members])
        for k, (person, post, note) in enumerate(seats):
            services.seat_save(actor=actor, data={"body": body, "person": people[person], "post": post,
                                                  "note": note, "sort_order": k})
        bodies[key] = body
        return body

    hq = add_body(*HQ)
    for i, (key, name, short, lead, members, seats) in enumerate(TASK_FORCES):
        add_body(key, BodyKind.TASK_FORCE, name, short, lead, members, seats, parent=hq, order=10 + i)
    for i, (key, name, short, lead, members, seats) in enumerate(GROUPS):
        add_body(key, BodyKind.GROUP, name, short, lead, members, seats, parent=hq, order=20 + i)

    roles = {}
    for i, (code, name, scope, perms) in enumerate(ROLES):
        role = Role.objects.create(code=code, name=name, data_scope=scope, sort_order=i)
        role.permissions.set([_permission(p) for p in perms])
        roles[code] = role
    users = {}
    for username, person_key, unit, role_code, _description in LOGINS:
        person = people.get(person_key) if person_key else None
        user = User.objects.create_user(username=username, password=settings.TAIZHANG_DEMO_PASSWORD,
                                        person=person, unit=units[unit],
                                        display_name=person.name if person else _description)
        user.roles.set([roles[role_code]])
        users[username] = user
    return {"district": district, "areas": areas, "units": units, "people": people, "mechanism": mechanism,
            "bodies": bodies, "roles": roles, "users": users}


def load_if_empty():
    """Load the org demo unless it is there (tests: the session fixture, and after a transactional test
    flushed the database). Callers must have database access."""
    with use_context(source="command"):
        if not Area.objects.exists():
            load({})
