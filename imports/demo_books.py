"""The demo's office workbooks for the three seed ledgers (seed 003), built deterministically:

    矛盾纠纷排查化解台账   a year of disputes of 罗家镇: 198 resolved, 29 of them by the 镇调委会 (+ 8 not resolved)
    安全隐患排查整治台账   21 hazards found, every one rectified and verified (the demo step walks them through)
    防返贫动态监测台账     332 households surveyed, 2 taken into monitoring, ID numbers in full (masked on screen)

`closed_year_books()` gives the 2023 workbooks committed in imports/demo_data/ (scripts/make_demo_workbooks.py
writes them; a test checks the committed files are exactly what this module builds); `current_year_books(today)`
the rows of the running year, dated relative to the day the demo is loaded. Names and numbers are fictional.
"""
import datetime
import random

from core.validators import id_number_check_character

from .officebook import office_workbook, to_bytes

CLOSED_YEAR = 2023
TOWN = "罗家镇"
VILLAGES = ["谢埠村", "赵坊村", "石泉村", "罗家集社区"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红春梅建国志文斌婷雪琴云飞鹏辉"
DISPUTE_TYPES = ["邻里纠纷", "婚姻家庭", "土地山林", "劳动争议", "物业纠纷", "交通事故", "民间借贷", "其他"]
DISPUTE_SUMMARY = {"邻里纠纷": "宅基地边界及排水沟走向引发邻里争执", "婚姻家庭": "赡养老人费用分担产生家庭矛盾",
                   "土地山林": "承包地界址不清引发争议", "劳动争议": "务工人员追讨拖欠工资",
                   "物业纠纷": "小区停车位管理费收取争议", "交通事故": "电动车与行人碰撞赔偿纠纷",
                   "民间借贷": "亲友间借款到期未还", "其他": "装修噪音扰民投诉"}


def _rng(name, year):
    return random.Random(f"taizhang-demo-{name}-{year}")


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _phone(rng):
    return f"139{rng.randint(0, 99999999):08d}"


def _id_number(rng):
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 60 * 365))
    body = f"360111{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + id_number_check_character(body)


def _day(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _iso(day):
    return day.strftime("%Y.%m.%d").replace(".0", ".")  # as offices type it: 2023.5.1


# --- 矛盾纠纷 ---------------------------------------------------------------------------------------------

DISPUTE_TOP = [("序号", 1), ("纠纷情况", 5), ("当事人情况", 2), ("调处情况", 5), ("调处经过", 1)]
DISPUTE_BOTTOM = ["排查日期", "纠纷类型", "纠纷简况", "涉及人数", "涉及金额（万元）", "当事人", "联系电话",
                  "调解组织", "调解主体", "调解结果", "化解时限", "化解日期"]


def dispute_rows(year, start, end, *, resolved, by_town, unresolved, today=None):
    """`resolved` disputes (the first `by_town` mediated by the 镇调委会) and `unresolved` ones, found between
    start and end, in the order they were found."""
    rng = _rng("disputes", year)
    plan = ([("town", "调解成功")] * by_town + [("village", "调解成功")] * (resolved - by_town)
            + [("village", "正在调解")] * max(unresolved - unresolved // 3, 0) + [("police", "移交处理")] * (unresolved // 3))
    rows = []
    for mediator, result in plan:
        found = _day(rng, start, end)
        kind = rng.choice(DISPUTE_TYPES)
        if mediator == "village" and result == "调解成功" and rng.random() < 0.08:
            mediator = rng.choice(["police", "court"])
        unit = TOWN if mediator != "village" else rng.choice(VILLAGES)
        done = found + datetime.timedelta(days=rng.randint(2, 14))
        if today is not None and done > today:
            result, done = "正在调解", None
        if result != "调解成功":
            done = None
        amount = round(rng.uniform(0.2, 30), 1) if kind in ("劳动争议", "民间借贷", "交通事故", "物业纠纷") else None
        rows.append({"found": found, "type": kind, "summary": f"{VILLAGES[rng.randrange(4)]}{DISPUTE_SUMMARY[kind]}",
                     "people": rng.randint(2, 8), "amount": amount, "party": _person(rng), "phone": _phone(rng),
                     "unit": unit, "mediator": {"town": "镇调委会", "village": "村（社区）调委会", "police": "派出所",
                                                 "court": "诉调对接"}[mediator],
                     "result": result, "deadline": found + datetime.timedelta(days=15), "done": done,
                     "process": "双方当面调解，达成书面协议并履行。" if result == "调解成功" else "正在组织双方协商。"})
    rows.sort(key=lambda r: r["found"])
    return rows


def disputes_workbook(year, rows):
    cells = [(i, _iso(r["found"]), r["type"], r["summary"], r["people"], r["amount"], r["party"], r["phone"], r["unit"],
              r["mediator"], r["result"], _iso(r["deadline"]), _iso(r["done"]) if r["done"] else None, r["process"])
             for i, r in enumerate(rows, start=1)]
    total = ("合计", None, None, None, sum(r["people"] for r in rows),
             round(sum(r["amount"] or 0 for r in rows), 1))
    return office_workbook(f"{year}年罗家镇矛盾纠纷排查化解台账", DISPUTE_TOP, DISPUTE_BOTTOM, cells,
                           unit_line="填报单位：罗家镇综治中心（盖章）            金额单位：万元", total=total,
                           notes=["注：1. 调解组织填写承办调解的镇、村（社区）；2. 调解主体为镇调委会的，单独统计。",
                                  "填报人：王晓燕          审核人：曹国栋          联系电话：0791-88123456"],
                           widths={4: 36, 14: 30}, sheet=f"{year}年")


# --- 安全隐患 ---------------------------------------------------------------------------------------------

HAZARD_TOP = [("序号", 1), ("隐患基本情况", 5), ("负责人信息", 2), ("整改情况", 4)]
HAZARD_BOTTOM = ["排查日期", "隐患场所", "隐患类别", "隐患等级", "隐患描述", "场所负责人", "负责人电话", "整改责任单位",
                 "整改措施", "整改期限", "整改投入（元）"]
HAZARDS = [("九小场所", "沿街小餐馆", "后厨燃气软管老化，未安装燃气泄漏报警装置", "更换金属波纹管，加装报警器"),
           ("电动自行车乱停乱充", "出租屋楼道", "楼道内电动自行车充电，私拉电线", "清理楼道，设集中充电点"),
           ("消防安全", "小型加工厂", "安全出口堵塞，灭火器过期", "清理通道，更换灭火器"),
           ("烟花爆竹", "便利店", "无证储存烟花爆竹", "依法收缴，责令停止销售"),
           ("安全生产", "针织厂车间", "设备防护罩缺失", "加装防护罩，开展安全培训"),
           ("燃气安全", "农家乐", "液化气钢瓶与灶具同处一室", "钢瓶间独立设置，加装切断阀"),
           ("房屋安全", "老旧民房", "墙体开裂，存在倒塌风险", "撤离人员，加固墙体")]


def hazard_rows(year, start, end, count):
    rng = _rng("hazards", year)
    rows = []
    for _n in range(count):
        kind, place, finding, measure = rng.choice(HAZARDS)
        found = _day(rng, start, end)
        rows.append({"found": found, "place": f"{rng.choice(VILLAGES)}{place}", "type": kind,
                     "level": "重大隐患" if rng.random() < 0.1 else "一般隐患", "finding": finding,
                     "contact": _person(rng), "phone": _phone(rng), "unit": TOWN, "measures": measure,
                     "rectify_by": found + datetime.timedelta(days=rng.choice([7, 10, 15])),
                     "cost": rng.choice([0, 300, 800, 1200, 2500, 5000])})
    rows.sort(key=lambda r: r["found"])
    return rows


def hazards_workbook(year, rows):
    cells = [(i, _iso(r["found"]), r["place"], r["type"], r["level"], r["finding"], r["contact"], r["phone"], r["unit"],
              r["measures"], _iso(r["rectify_by"]), r["cost"]) for i, r in enumerate(rows, start=1)]
    total = ("合计", None, None, None, None, None, None, None, None, None, None, sum(r["cost"] for r in rows))
    return office_workbook(f"{year}年罗家镇安全隐患排查整治台账", HAZARD_TOP, HAZARD_BOTTOM, cells,
                           unit_line="填报单位：罗家镇安监办            单位：元", total=total,
                           notes=["注：排查发现的隐患逐条登记，整改完成后由镇安委会办公室组织核验销号。"],
                           widths={3: 20, 6: 34, 10: 28}, sheet=f"{year}年")


# --- 防返贫监测 ---------------------------------------------------------------------------------------------

HOUSEHOLD_TOP = [("序号", 1), ("户编号", 1), ("户主信息", 3), ("家庭情况", 4), ("监测帮扶", 4), ("包联单位", 1),
                 ("入户调查日期", 1)]
HOUSEHOLD_BOTTOM = ["户主姓名", "身份证号码", "联系电话", "所在村（社区）", "家庭人口", "人均纯收入（元）", "家庭情况",
                    "监测对象类别", "风险类型", "帮扶措施", "帮扶资金（万元）"]
PREFIX = {"谢埠村": "XB", "赵坊村": "ZF", "石泉村": "SQ", "罗家集社区": "LJ"}


def household_rows(year, start, end, count, *, monitored, first=1):
    rng = _rng("households", year)
    rows, ids = [], set()
    monitored_at = set(rng.sample(range(count), monitored)) if monitored else set()
    for n in range(count):
        village = VILLAGES[n % 4]
        watched = n in monitored_at
        id_number = _id_number(rng)
        while id_number in ids:  # 一户一档: an ID number once
            id_number = _id_number(rng)
        ids.add(id_number)
        rows.append({"no": f"{PREFIX[village]}-{year % 100:02d}-{first + n:04d}", "head": _person(rng),
                     "id": id_number, "phone": _phone(rng), "village": village, "members": rng.randint(1, 6),
                     "income": rng.randint(9000, 26000) if not watched else rng.randint(5200, 7800),
                     "notes": "家庭收入稳定，无返贫风险。" if not watched else "家庭主要劳动力患病，医疗支出大。",
                     "status": "已排查（未纳入）" if not watched else rng.choice(["边缘易致贫户", "突发严重困难户"]),
                     "risks": "" if not watched else "因病、因意外事故",
                     "measures": "" if not watched else "医疗救助、公益性岗位",
                     "aid": None if not watched else rng.choice([0.6, 1.2]),
                     "unit": village, "surveyed": _day(rng, start, end)})
    return rows


def households_workbook(year, rows, title=None):
    cells = [(i, r["no"], r["head"], r["id"], r["phone"], r["village"], r["members"], r["income"], r["notes"],
              r["status"], r["risks"] or None, r["measures"] or None, r["aid"], r["unit"], _iso(r["surveyed"]))
             for i, r in enumerate(rows, start=1)]
    total = ("合计", None, None, None, None, None, sum(r["members"] for r in rows), None, None, None, None, None,
             round(sum(r["aid"] or 0 for r in rows), 1))
    return office_workbook(title or f"{year}年罗家镇防返贫动态监测入户调查台账（一户一档）", HOUSEHOLD_TOP,
                           HOUSEHOLD_BOTTOM, cells,
                           unit_line="填报单位：罗家镇乡村振兴办            帮扶资金单位：万元", total=total,
                           notes=["注：对上级推送人员逐户入户调查，核实收入及家庭情况，经会议研究纳入监测的填写监测对象类别。"],
                           widths={4: 22, 9: 30}, sheet=f"{year}年")


# --- the books --------------------------------------------------------------------------------------------

LEDGERS = ("disputes", "hazards", "households")
FILE_NAMES = {"disputes": "2023年矛盾纠纷排查化解台账.xlsx", "hazards": "2023年安全隐患排查整治台账.xlsx",
              "households": "2023年防返贫动态监测台账（一户一档）.xlsx"}


def closed_year_rows():
    start, end = datetime.date(CLOSED_YEAR, 1, 3), datetime.date(CLOSED_YEAR, 12, 15)
    return {"disputes": dispute_rows(CLOSED_YEAR, start, end, resolved=198, by_town=29, unresolved=8),
            "hazards": hazard_rows(CLOSED_YEAR, start, end, 21),
            "households": household_rows(CLOSED_YEAR, start, end, 332, monitored=2)}


BUILDERS = {"disputes": disputes_workbook, "hazards": hazards_workbook, "households": households_workbook}


def closed_year_books() -> dict[str, bytes]:
    """{ledger code: the 2023 workbook's bytes} — what imports/demo_data/ holds."""
    rows = closed_year_rows()
    return {code: to_bytes(BUILDERS[code](CLOSED_YEAR, rows[code])) for code in LEDGERS}


def current_year_rows(today):
    """The running year's rows up to `today` (the day the demo is loaded): about one dispute every four days,
    one hazard every fortnight, a few households surveyed each month."""
    start = datetime.date(today.year, 1, 2)
    end = today - datetime.timedelta(days=1)
    if end < start:  # the first days of January: nothing of this year yet
        return {code: [] for code in LEDGERS}
    days = max((end - start).days, 1)
    return {"disputes": dispute_rows(today.year, start, end, resolved=max(days // 4, 1), by_town=max(days // 30, 0),
                                     unresolved=2, today=today),
            "hazards": hazard_rows(today.year, start, end, max(days // 14, 1)),
            "households": household_rows(today.year, start, end, max(days // 10, 2), monitored=0, first=1)}


def current_year_books(today) -> dict[str, bytes]:
    """{ledger code: this year's workbook} — only the ledgers that have rows yet."""
    rows = current_year_rows(today)
    return {code: to_bytes(BUILDERS[code](today.year, rows[code])) for code in LEDGERS if rows[code]}
