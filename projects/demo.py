"""Demo of 抓大引大 for 青山湖区 2023, reproducing the seed figures from rows:

- 20 provincial (省大中型) projects whose cumulative completed investment by November 2023 sums to
  1,341,500万元 (134.15亿元) against annual plans summing to 1,262,000万元: 106.3% (seed 001);
- 77 projects on the city (市重大重点) list — 15 of the provincial ones plus 62 more;
- 3 signing events in 2023 with 52 signed projects (seed 003), followed through the stages;
- carriers (招商载体) with their themes, placed on the schematic map (static/projects/qingshanhu.geojson).

Projects, plans, stages and signings go through the services; the monthly history (Jan–Nov) is
bulk-inserted as the rows offices would have typed, then the lights are computed as of 2023-12-01.
The money for these projects (中央预算内投资 11,890万元, seed 004) is the next demo step, funds.demo.
"""
import datetime
import random
from decimal import Decimal

from django.utils import timezone

from items.lights import refresh_light

from . import services
from .models import (
    STAGE_ORDER,
    CarrierKind,
    InvestmentReport,
    Project,
    ProjectCategory,
    ProjectLevel,
    SigningEventKind,
    Stage,
)

YEAR = 2023
AS_OF_MONTH = 11
PROVINCIAL_DONE = Decimal("1341500.00")  # 134.15亿元
PROVINCIAL_PLAN = Decimal("1262000.00")  # 1341500 / 1262000 = 106.30%

# Centre of each area's cell on the schematic map (see static/projects/qingshanhu.geojson).
_GRID = [["扬子洲镇", "罗家镇", "塘山镇"], ["湖坊镇", "青山路街道", "京东镇"], ["上海路街道", "南钢街道", "昌东工业园区"]]
CENTRES = {name: (Decimal("115.925") + c * Decimal("0.05"), Decimal("28.72") - r * Decimal("0.04"))
           for r, row in enumerate(_GRID) for c, name in enumerate(row)}

LEAD_UNITS = ["发改委", "商务局", "科工局", "住建局", "罗家镇", "京东镇", "昌东工业园区", "塘山镇", "湖坊镇", "青山路街道"]
LEADERS = ["exec_vice", "vice_economy", "vice_urban", "vice_manage", "deputy_party"]

PROVINCIAL_NAMES = [
    "南昌高新针纺服装产业园", "昌东智能制造产业园二期", "青山湖区城市更新综合开发", "赣江新区协同创新中心",
    "京东数字经济产业园", "罗家新能源汽车零部件基地", "湖坊片区棚户区改造", "扬子洲生态综合治理",
    "昌东大道快速化改造", "青山湖区人民医院新院区", "南昌东站综合交通枢纽配套", "塘山现代物流园",
    "针纺产业智能化改造", "京东科技城", "青山湖滨水商业综合体", "昌东污水处理厂提标扩建",
    "罗家生物医药产业园", "湖坊数字文创园", "青山路老旧小区改造提升", "青山湖区职业教育园",
]
CITY_WORDS = ["智能装备", "电子信息", "绿色食品", "现代服务", "商贸综合体", "标准厂房", "安置房", "道路提升",
              "学校扩建", "社区服务中心", "智慧停车", "供水管网", "产业孵化器", "冷链物流", "文旅街区", "医疗器械"]
SIGNED_WORDS = ["跨境电商", "光电显示", "汽车销售服务", "新能源汽车", "服装设计研发", "数字营销", "研发总部",
                "生物科技", "智能家居", "文旅消费", "汽车零部件", "预制菜加工", "人工智能", "检验检测"]
INVESTORS = ["江西华信实业有限公司", "南昌恒远科技有限公司", "赣商控股集团", "华东智造股份有限公司",
             "昌盛投资有限公司", "青山湖城投集团", "江西锦程纺织有限公司", "南昌市汇通物流有限公司"]

EVENTS = [
    ("2023青山湖区“三请三回”恳谈会暨招商引资签约推介会", SigningEventKind.FORUM, datetime.date(2023, 2, 18), 24),
    ("第二季度项目集中签约活动", SigningEventKind.CONCENTRATED, datetime.date(2023, 5, 26), 18),
    ("2023夏季文旅消费节启动暨“粽”情端午车友会汽车项目集中签约活动", SigningEventKind.CONCENTRATED,
     datetime.date(2023, 6, 21), 10),
]

CARRIERS = [
    ("青山湖科创大厦", CarrierKind.BUILDING, "青山路街道", "数字经济", 42000, 36000, 31800, "南昌恒远科技有限公司、江西数联网络科技有限公司"),
    ("针纺服装产业大楼", CarrierKind.BUILDING, "昌东工业园区", "针纺服装设计", 56000, 50000, 46500, "江西锦程纺织有限公司等23家"),
    ("昌东标准厂房（一期）", CarrierKind.FACTORY, "昌东工业园区", "智能制造", 120000, 110000, 88000, "华东智造股份有限公司"),
    ("罗家新能源产业园厂房", CarrierKind.FACTORY, "罗家镇", "新能源汽车零部件", 80000, 76000, 40500, "两家零部件企业"),
    ("京东电商直播基地", CarrierKind.BUILDING, "京东镇", "电商直播", 18000, 16000, 15200, "直播机构12家"),
    ("塘山物流地块", CarrierKind.PLOT, "塘山镇", "现代物流", 200000, 180000, 60000, "南昌市汇通物流有限公司"),
    ("湖坊文创街区", CarrierKind.BUILDING, "湖坊镇", "文化创意（一楼一特色）", 24000, 20000, 17600, "文创工作室30余家"),
    ("扬子洲生态农业地块", CarrierKind.PLOT, "扬子洲镇", "一村一品·生态农业", 150000, 140000, 21000, "合作社3家"),
]


def _money(x):
    return Decimal(x).quantize(Decimal("0.01"))


def _split(total, weights):
    """Split `total` into parts proportional to `weights`, in whole 万元, the last part taking the rest."""
    s = sum(weights)
    parts = [Decimal(int(total * Decimal(w) / Decimal(s))) for w in weights[:-1]]
    parts.append(total - sum(parts))
    return parts


def _history(done, months, rng):
    """A rising cumulative series for months 1..`months` ending exactly at `done`."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(months)]
    total = sum(weights)
    series, acc = [], 0.0
    for w in weights[:-1]:
        acc += w
        series.append(_money(done * Decimal(acc / total)))
    series.append(_money(done))
    return series


def _coords(area_name, rng):
    lng, lat = CENTRES.get(area_name, (Decimal("115.975"), Decimal("28.68")))
    return (lng + Decimal(rng.uniform(-0.018, 0.018)).quantize(Decimal("0.000001")),
            lat + Decimal(rng.uniform(-0.014, 0.014)).quantize(Decimal("0.000001")))


def load(context):
    rng = random.Random(2023)
    users, units, people = context["users"], context["units"], context["people"]
    actor = users["admin"]
    body = context["bodies"]["tf_projects"]
    at = timezone.make_aware(datetime.datetime(YEAR, 1, 6, 9, 0))

    lists = {level: services.project_list_get_or_create(actor=actor, year=YEAR, level=level,
                                                        name=f"{YEAR}年{label}项目")
             for level, label in ProjectLevel.choices}

    carriers = []
    for name, kind, area, theme, total, usable, occupied, tenants in CARRIERS:
        lng, lat = _coords(area, rng)
        carriers.append(services.carrier_save(actor=actor, data={
            "name": name, "kind": kind, "area": context["areas"][area], "managing_unit": units.get(area) or units["商务局"],
            "address": f"南昌市青山湖区{area}", "total_area": total, "usable_area": usable,
            "occupied_area": occupied, "tenants": tenants, "theme": theme, "lng": lng, "lat": lat}))

    def make(title, *, i, on_lists, plan=None, stage=None, category=ProjectCategory.INDUSTRY, total=None,
             unit=None, carrier=None):
        unit_name = unit or LEAD_UNITS[i % len(LEAD_UNITS)]
        lead = units[unit_name]
        area_name = lead.area.name if lead.area and lead.area.name in CENTRES else rng.choice(list(CENTRES))
        lng, lat = _coords(area_name, rng)
        project = services.project_create(
            actor=actor, title=title, owning_body=body, lead_unit=lead, lists=on_lists,
            area=context["areas"].get(area_name), responsible_leader=people[LEADERS[i % len(LEADERS)]],
            category=category, construction_content=f"建设{title}主体工程及配套设施",
            total_investment=total if total is not None else (plan or Decimal(50000)) * 3,
            investor=INVESTORS[i % len(INVESTORS)], carrier=carrier, lng=lng, lat=lat,
            image_progress="", problems="", plan_year=YEAR if plan is not None else None, planned_amount=plan,
            assign=True, at=at)
        if stage:
            _stages(project, stage, rng)
        return project

    def _stages(project, final, rng):
        day = datetime.date(YEAR, 1, 10) + datetime.timedelta(days=rng.randint(0, 20))
        steps = []
        for code in STAGE_ORDER[:STAGE_ORDER.index(final) + 1]:
            steps.append((code, day))
            day = min(day + datetime.timedelta(days=rng.randint(10, 40)), datetime.date(YEAR, 11, 30))
        services.stage_backfill(actor=actor, project=project, steps=steps, today=datetime.date(YEAR, 12, 1), at=at)

    reports = []

    def history(project, done, months=AS_OF_MONTH):
        for m, amount in enumerate(_history(done, months, rng), start=1):
            reports.append(InvestmentReport(project=project, year=YEAR, month=m, cumulative_amount=amount,
                                            reported_by=actor, note="",
                                            reported_at=timezone.make_aware(datetime.datetime(YEAR, m, 28, 10))))

    # 20 provincial projects: plans sum to 1,262,000, November cumulatives to 1,341,500 (106.3%)
    plan_weights = [rng.randint(30, 120) for _ in PROVINCIAL_NAMES]
    plans = _split(PROVINCIAL_PLAN, plan_weights)
    done_weights = [float(p) * rng.uniform(0.85, 1.3) for p in plans]
    dones = _split(PROVINCIAL_DONE, done_weights)
    provincial = []
    for i, (name, plan, done) in enumerate(zip(PROVINCIAL_NAMES, plans, dones, strict=True)):
        on = [lists[ProjectLevel.PROVINCIAL]] + ([lists[ProjectLevel.CITY]] if i < 15 else [])
        category = [ProjectCategory.INDUSTRY, ProjectCategory.URBAN, ProjectCategory.LIVELIHOOD,
                    ProjectCategory.SOCIAL][i % 4]
        p = make(name, i=i, on_lists=on, plan=plan, stage=Stage.STARTED if i % 5 else Stage.COMPLETED,
                 category=category, total=plan * rng.randint(2, 5))
        history(p, done)
        provincial.append(p)

    # 62 more on the city list (77 in all), some behind schedule
    city = []
    for k in range(62):
        i = 20 + k
        plan = Decimal(rng.randint(8, 60) * 500)
        share = rng.choice([1.05, 0.98, 0.95, 0.93, 0.9, 0.8, 0.7, 0.55])
        p = make(f"{CITY_WORDS[k % len(CITY_WORDS)]}项目（{k + 1}号）", i=i, on_lists=[lists[ProjectLevel.CITY]],
                 plan=plan, stage=rng.choice([Stage.LAND, Stage.STARTED, Stage.STARTED, Stage.COMPLETED]),
                 category=rng.choice(ProjectCategory.values))
        history(p, _money(plan * Decimal(share)))
        city.append(p)

    # 3 signing events, 52 signed projects: 46 new (区重点 list) and 6 from the city list
    signed_new = []
    for k in range(46):
        unit = ["商务局", "罗家镇", "京东镇", "昌东工业园区", "塘山镇"][k % 5]
        carrier = carriers[k % len(carriers)] if k % 3 == 0 else None
        stage = ([Stage.COMPLETED] * 2 + [Stage.STARTED] * 8 + [Stage.LAND] * 6 + [Stage.REGISTERED] * 16
                 + [Stage.SIGNED] * 14)[k]
        signed_new.append(make(f"{SIGNED_WORDS[k % len(SIGNED_WORDS)]}项目（签约{k + 1}号）", i=k, unit=unit,
                               on_lists=[lists[ProjectLevel.DISTRICT]], stage=stage, carrier=carrier,
                               total=Decimal(rng.randint(5, 200) * 100)))
    signed_pool = signed_new + city[:6]
    rng.shuffle(signed_pool)
    start = 0
    for name, kind, date, count in EVENTS:
        event = services.signing_event_create(actor=actor, name=name, kind=kind, date=date, owning_body=body,
                                              place="南昌市青山湖区")
        for project in signed_pool[start:start + count]:
            services.signed_project_add(actor=actor, event=event, project=project,
                                        amount=project.total_investment or Decimal(10000))
        start += count

    InvestmentReport.objects.bulk_create(reports, batch_size=500)

    # lights as of the day after the November figures
    as_of = datetime.date(YEAR, 12, 1)
    for project in Project.objects.filter(pk__in=[p.pk for p in provincial + city + signed_new]):
        refresh_light(project, as_of)
    return {"projects": {"provincial": provincial, "city": city, "signed": signed_pool},
            "project_lists": lists, "carriers": carriers}
