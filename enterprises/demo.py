"""Demo enterprise database for 青山湖区 ("扫楼扫街", "千名干部进千企", 2023): fictional enterprises with valid
统一社会信用代码, cadre pairings and visits. Visits leave some enterprises unvisited so the coverage page has
work to show. Written through enterprises.services (audited); takes a few seconds."""
import datetime
import random

from django.contrib.auth.models import Permission

from accounts.models import Role, User
from core.validators import credit_code_check_character
from org.models import Area, AreaLevel, Person, Unit, UnitKind

from . import services

YEAR = 2023
PREFIXES = ["江西", "南昌", "青山湖", "赣江", "洪城", "昌东", "豫章", "滕王", "瑶湖", "艾溪湖"]
TRADES = [("针织服饰", "textile"), ("智能制造", "manufacturing"), ("软件科技", "it"), ("物流", "logistics"),
          ("建材", "construction"), ("食品", "manufacturing"), ("商贸", "wholesale_retail"), ("餐饮管理", "hospitality"),
          ("电子科技", "manufacturing"), ("企业管理咨询", "business_services"), ("检测技术", "tech_services"),
          ("置业", "real_estate")]
SUFFIXES = ["有限公司", "股份有限公司", "有限责任公司"]
BUILDINGS = ["谢埠老街1号楼", "昌东大道创业园A座", "青山路商务中心", "京东大道科技园2栋", "湖坊商业广场", "", ""]
FINDINGS = ["企业反映招工难，一线操作工缺口较大。", "企业希望协调解决厂区周边道路破损问题。", "企业咨询技改补贴申报流程。",
            "企业反映用电增容审批时间较长。", "生产经营正常，暂无诉求。", "企业希望协调融资担保。",
            "企业反映门前停车难。", "企业咨询高新技术企业认定政策。"]
CONTACT_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林"
CONTACT_NAMES = ["建国", "晓燕", "志强", "丽华", "海涛", "春梅", "文斌", "秀英", "国庆", "婷婷"]

ENTERPRISE_PERMS = ["enterprises.add_enterprise", "enterprises.change_enterprise", "enterprises.add_visit",
                    "enterprises.add_pairing", "enterprises.delete_pairing"]


def credit_code(serial):
    """A valid 统一社会信用代码: 91 (企业) + 360111 (青山湖区) + a 9-character body + check character."""
    body = "91360111" + f"{serial:09d}"
    body = body[:17]
    return body + credit_code_check_character(body)


def grant_permissions():
    """Town, department and task-force roles keep the enterprise database: add, change, visit, pair."""
    perms = [Permission.objects.get(content_type__app_label=p.split(".")[0], codename=p.split(".")[1])
             for p in ENTERPRISE_PERMS]
    for role in Role.objects.filter(code__in=["town", "department", "task_force", "admin"]):
        role.permissions.add(*perms)


def load(context):
    rng = random.Random(YEAR)
    grant_permissions()
    admin = User.objects.filter(username="admin").first() or User.objects.filter(is_superuser=True).first()
    towns = list(Area.objects.filter(level__in=[AreaLevel.TOWN, AreaLevel.SUBDISTRICT, AreaLevel.PARK]).order_by("path"))
    villages = {t.pk: list(t.children.all()) for t in towns}
    enterprises = []
    for i in range(150):
        town = towns[i % len(towns)]
        area = rng.choice(villages[town.pk] or [town])
        trade, industry = rng.choice(TRADES)
        name = f"{rng.choice(PREFIXES)}{trade}{rng.choice(SUFFIXES)}"
        if any(e.name == name for e in enterprises):
            name = f"{rng.choice(PREFIXES)}{area.name[:2]}{trade}{rng.choice(SUFFIXES)}"
        scale = "above" if i % 5 == 0 else ("individual" if i % 7 == 0 else "below")
        contact = rng.choice(CONTACT_SURNAMES) + rng.choice(CONTACT_NAMES)
        enterprises.append(services.enterprise_create(actor=admin, data={
            "credit_code": credit_code(100000 + i * 37), "name": name, "industry": industry, "scale": scale,
            "area": area, "address": f"{area.name}{rng.randint(1, 300)}号", "building": rng.choice(BUILDINGS),
            "contact_name": contact, "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "tags": "重点企业" if scale == "above" else ""}))
    # cadres: the district's people, each paired with a few enterprises of their own town (or anywhere for departments)
    cadres = list(Person.objects.select_related("unit").order_by("pk"))
    by_town = {}
    for p in cadres:
        if p.unit.kind in (UnitKind.TOWN_GOV, UnitKind.VILLAGE_COMMITTEE):
            town_unit = p.unit if p.unit.kind == UnitKind.TOWN_GOV else p.unit.parent
            by_town.setdefault(town_unit.area_id if town_unit else None, []).append(p)
    dept_cadres = [p for p in cadres if p.unit.kind == UnitKind.DEPARTMENT] or cadres
    visits = []
    for i, e in enumerate(enterprises):
        locals_ = by_town.get(e.unit.area_id if e.unit else None, [])
        cadre = rng.choice(locals_ or dept_cadres)
        services.pairing_create(actor=admin, person=cadre, enterprise=e, year=YEAR)
        if i % 6 == 5:
            continue  # 25 enterprises not visited in the year: the 扫楼扫街 coverage page lists them
        for _n in range(1 if i % 3 else 2):
            day = datetime.date(YEAR, rng.randint(2, 11), rng.randint(1, 28))
            visits.append(services.visit_create(actor=admin, enterprise=e, date=day, unit=cadre.unit,
                                                cadres=[cadre], findings=rng.choice(FINDINGS)))
    return {"enterprises": enterprises, "visits": visits, "enterprise_year": YEAR,
            "enterprise_units": {u.short_name or u.name: u for u in Unit.objects.all()}}
