"""The key-task demo step (`load(context)`, in demo/management/commands/load_demo.py STEPS after the org step):
the five task forces' 重点任务, from the seeds' own work, with a history of 旬 reports.

The 2023 "1+5+2" mechanism stays as history: a few of its tasks, closed in 2023. The mechanism is copied to
the current year (org.services.mechanism_copy) and this year's tasks run over the last ~five months with
dates relative to today, so that the lights, the submission board and every persona's to-do list show a
believable mix *now*: green, yellow (missed 旬 report, due soon, behind a milestone), red (overdue),
closed, awaiting acceptance, submitted for review, returned, bounced, an instruction awaiting reply, an
extension pending. Every state change goes through items.services.perform(…, at=<that day>), so the
timelines are real; lights are recomputed for today at the end.
"""
import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User
from items.lights import recompute_all
from items.periods import current_period, last_completed_period, period_of, periods_between
from items.services import perform
from org import services as org_services
from org.models import Mechanism, Seat, Unit

from . import services
from .models import KeyTask

HISTORY_DAYS = 150  # this year's tasks were assigned this many days ago

# Staff logins for units that act in the demo but have none in org_demo (fictional people):
# unit short name → (username, name, title)
EXTRA_STAFF = {
    "发改委": ("fgw", "钟立伟", "项目科科长"),
    "湖坊镇": ("hufang", "李雯", "党政办科员"),
    "京东镇": ("jingdong", "方志鹏", "党政办科员"),
    "扬子洲镇": ("yangzizhou", "袁梦", "党政办科员"),
    "青山路街道": ("qingshanlu", "杨帆", "党政办科员"),
    "城管局": ("cgj", "熊小军", "市容科科员"),
    "政法委": ("zfw", "章晓峰", "综治科科员"),
    "公安分局": ("gaj", "邹建平", "治安大队民警"),
}
# Task-force office directors who dispatch for their force (they have seats, not logins, in org_demo); the
# first three review what `taskforce` and `dept` submit for their own units (nobody approves their own work)
DISPATCH_LOGINS = [("economy", "commerce_head", "商务局", "专班办公室主任（扫楼扫街专班）"),
                   ("investment", "dev_head", "发改委", "专班办公室主任（抓大引大专班）"),
                   ("housing", "housing_head", "住建局", "局长（改旧建新专班）"),
                   ("urban", "urban_head", "城管局", "专班办公室主任（城市管理专班）"),
                   ("stability", "politics", "政法委", "专班组长（社会稳定专班）")]


class Demo:
    def __init__(self, context):
        self.units = context["units"]
        self.users = context["users"]
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.roles = {r.code: r for r in Role.objects.all()}
        self.password = settings.TAIZHANG_DEMO_PASSWORD
        self.made = []

    # --- people ---------------------------------------------------------------------------------------
    def staff(self, unit):
        """The demo login of `unit` (org_demo's, or a fictional clerk created here)."""
        for user in self.users.values():
            if (user.unit_id == self.units[unit].pk and user.person_id
                    and user.username not in ("leader", "supervisor", *(d[0] for d in DISPATCH_LOGINS))):
                return user
        username, name, title = EXTRA_STAFF[unit]
        person = org_services.person_save(actor=None, data={"name": name, "unit": self.units[unit], "title": title,
                                                            "phone": f"1380791{len(self.users):04d}"})
        kind = self.units[unit].kind
        role = self.roles["town"] if kind == "town_gov" else self.roles["department"]
        user = User.objects.create_user(username=username, password=self.password, person=person,
                                        unit=self.units[unit], display_name=name)
        user.roles.set([role])
        self.users[username] = user
        return user

    def dispatch_logins(self, people):
        for username, person_key, unit, _label in DISPATCH_LOGINS:
            person = people[person_key]
            user = User.objects.create_user(username=username, password=self.password, person=person,
                                            unit=self.units[unit], display_name=person.name)
            user.roles.set([self.roles["task_force"]])
            self.users[username] = user

    def reviewer(self, task, unit_user, dispatcher):
        """Who reviews `task`: its dispatcher — unless that is the unit's own clerk who submitted it
        (separation of duties), then a dispatch login seated in the task's body."""
        if dispatcher.pk != unit_user.pk:
            return dispatcher
        seated = set(Seat.objects.filter(body_id=task.owning_body_id).values_list("person_id", flat=True))
        logins = {d[0] for d in DISPATCH_LOGINS}
        return next(u for name, u in self.users.items() if name in logins and u.person_id in seated)

    # --- time -----------------------------------------------------------------------------------------
    def at(self, day, hour=10, minute=0):
        """An aware datetime on `day` (local), never later than now."""
        value = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)
        return min(value, self.now - datetime.timedelta(minutes=5))

    def day(self, offset):
        return self.today + datetime.timedelta(days=offset)

    # --- stories --------------------------------------------------------------------------------------
    def act(self, task, action, actor, when, **kw):
        task.refresh_from_db(fields=["version", "state"])
        return perform(task, action, actor, task.version, at=when, **kw)

    def reports(self, task, actor, start_day, last_period, first_percent, last_percent, narratives):
        """One report per 旬 from the one after `start_day` to `last_period` (inclusive), on time."""
        periods = [p for p in periods_between(start_day + datetime.timedelta(days=3), last_period.start)
                   if p.start >= period_of(start_day).start]
        n = len(periods)
        for i, p in enumerate(periods):
            pct = first_percent + (last_percent - first_percent) * (i + 1) // max(n, 1)
            text = narratives[i % len(narratives)]
            when = self.at(min(p.start + datetime.timedelta(days=7), p.end), 16, 30)
            if when.date() < start_day:
                continue
            self.act(task, "report", actor, when, data={"percent": pct, "narrative": text,
                                                        "period_start": p.start.isoformat()})

    def milestones(self, task, actor, behind=False):
        """Complete the milestones whose date has passed (leaving the latest one undone when behind)."""
        due = [m for m in task.milestones.order_by("due_date") if m.due_date < self.today]
        if behind and due:
            due = due[:-1]
        for m in due:
            services.milestone_complete(actor=actor, milestone=m, at=self.at(m.due_date - datetime.timedelta(days=1), 17))

    def story(self, task, unit_user, dispatcher, kind, start, percent=(10, 70), narratives=None, **extra):
        """Drive `task` (assigned at `start`) to the state its story `kind` needs."""
        narratives = narratives or ["按计划推进，本旬完成既定工作量。"]
        if kind == "to_accept":
            return task
        if kind == "bounced":
            self.act(task, "bounce", unit_user, self.at(start + datetime.timedelta(days=1), 9, 30),
                     reason_code=extra.get("reason_code", "wrong_area"), note=extra.get("note", ""))
            return task
        self.act(task, "accept", unit_user, self.at(start + datetime.timedelta(days=1), 9, 0))
        last = {
            "missed": period_of(last_completed_period(self.today).start - datetime.timedelta(days=12)),
        }.get(kind, last_completed_period(self.today))
        if kind in ("closed",):
            close_day = extra["close_day"]
            last = period_of(close_day - datetime.timedelta(days=3))
        stop_at = None
        if kind == "returned":
            stop_at = self.day(-20)
        if stop_at:
            self.reports(task, unit_user, start, period_of(stop_at - datetime.timedelta(days=10)), percent[0],
                         (percent[0] + percent[1]) // 2, narratives)
            self.act(task, "submit", unit_user, self.at(stop_at, 10), note="已完成阶段任务，申请办结。")
            self.act(task, "return", self.reviewer(task, unit_user, dispatcher),
                     self.at(stop_at + datetime.timedelta(days=1), 15),
                     note=extra.get("return_note", "佐证材料不全，请补充现场照片和验收资料后再提交。"))
            self.reports(task, unit_user, stop_at + datetime.timedelta(days=2), last, (percent[0] + percent[1]) // 2,
                         percent[1], narratives)
        else:
            self.reports(task, unit_user, start, last, percent[0], percent[1] if kind != "closed" else 100,
                         narratives)
        if kind != "closed":
            self.milestones(task, unit_user, behind=(kind == "behind"))
        if extra.get("current_report"):
            p = current_period(self.now)
            self.act(task, "report", unit_user, self.at(self.today, 9, 0),
                     data={"percent": percent[1] + 5, "narrative": extra["current_report"],
                           "period_start": p.start.isoformat()})
        if kind == "submitted":
            self.act(task, "submit", unit_user, self.at(self.day(-2), 11), note="任务已完成，请审核。")
        if kind == "closed":
            close_day = extra["close_day"]
            for m in task.milestones.all():
                services.milestone_complete(actor=unit_user, milestone=m,
                                            at=self.at(min(m.due_date, close_day - datetime.timedelta(days=3)), 17))
            self.act(task, "submit", unit_user, self.at(close_day - datetime.timedelta(days=2), 10),
                     note="任务全部完成，佐证材料已上传。")
            self.act(task, "approve", self.reviewer(task, unit_user, dispatcher), self.at(close_day, 15),
                     note="经现场核查，同意办结。")
        return task


def _task(demo, d, body, spec):
    """Create one task from a spec dict and run its story."""
    start = spec.get("start") or demo.day(-HISTORY_DAYS)
    dispatcher = spec["dispatcher"]
    milestones = [(t, demo.day(o) if isinstance(o, int) else o) for t, o in spec.get("milestones", [])]
    due = demo.day(spec["due"]) if isinstance(spec["due"], int) else spec["due"]
    if "units" in spec:
        parent, children = services.task_assign_bulk(
            actor=dispatcher, title=spec["title"], owning_body=body, units=[demo.units[u] for u in spec["units"]],
            due_date=due, target=spec["target"], measures=spec.get("measures", ""), milestones=milestones,
            target_value=spec.get("target_value"), target_unit=spec.get("target_unit", ""),
            responsible_leader=spec.get("leader"), at=demo.at(start, 9))
        for child, (unit, kind, extra) in zip(children, spec["stories"], strict=True):
            demo.story(child, demo.staff(unit), dispatcher, kind, start, narratives=spec.get("narratives"), **extra)
        demo.made += [parent, *children]
        return parent
    if spec["story"] in ("to_accept", "bounced"):
        start = demo.day(-1) if spec["story"] == "to_accept" else demo.day(-2)
    task = services.task_create(
        actor=dispatcher, title=spec["title"], owning_body=body, lead_unit=demo.units[spec["unit"]], due_date=due,
        target=spec["target"], measures=spec.get("measures", ""), milestones=milestones,
        co_units=[demo.units[u] for u in spec.get("co_units", ())], responsible_leader=spec.get("leader"),
        target_value=spec.get("target_value"), target_unit=spec.get("target_unit", ""),
        supervision_level=spec.get("level", "normal"), at=demo.at(start, 9))
    unit_user = demo.staff(spec["unit"])
    demo.story(task, unit_user, dispatcher, spec["story"], start, percent=spec.get("percent", (10, 70)),
               narratives=spec.get("narratives"), **spec.get("extra", {}))
    for action, actor, offset, kw in spec.get("then", ()):
        demo.act(task, action, actor, demo.at(demo.day(offset), 10), **kw)
    demo.made.append(task)
    return task


def _context_from_db(context):
    """What the org step returned, read back from the database where missing (a step run on its own). The
    people (org step's keys → Person: "vice_economy" → 黄晓东) must come from the org step's context."""
    context = dict(context)
    if "units" not in context:
        context["units"] = {(u.short_name or u.name): u for u in Unit.objects.all()}
    if "users" not in context:
        context["users"] = {u.username: u for u in User.objects.all()}
    if "mechanism" not in context:
        context["mechanism"] = Mechanism.objects.get(year=2023)
    return context


def load(context):
    context = _context_from_db(context)
    demo = Demo(context)
    people = context["people"]
    demo.dispatch_logins(people)
    users = demo.users
    leader, supervisor = users["leader"], users["supervisor"]
    tf, dept, urban, stability = users["taskforce"], users["dept"], users["urban"], users["stability"]
    P = people

    # --- 2023: the mechanism's first year, kept as history -------------------------------------------
    m2023 = context["mechanism"]
    b2023 = {b.short_name: b for b in m2023.bodies.all()}
    history = [
        ("扫楼扫街专班", tf, dict(title="扫楼扫街：摸清辖区企业底数", unit="商务局", due=datetime.date(2023, 6, 30),
                                target="对辖区楼宇、园区、沿街商铺开展地毯式摸排，摸清企业底数，建立企业库",
                                start=datetime.date(2023, 3, 1), story="closed",
                                extra={"close_day": datetime.date(2023, 6, 26)}, dispatcher=tf, percent=(20, 100))),
        ("抓大引大专班", tf, dict(title="举办3场招商活动，签约项目52个", unit="商务局", due=datetime.date(2023, 11, 30),
                                target="全年举办3场招商引资签约活动，签约项目52个", target_value=52, target_unit="个",
                                start=datetime.date(2023, 3, 1), story="closed",
                                extra={"close_day": datetime.date(2023, 11, 20)}, dispatcher=tf, percent=(10, 100))),
        ("改旧建新专班", dept, dict(title="2023年老旧小区改造", unit="住建局", due=datetime.date(2023, 12, 31),
                                 target="完成65个小区、794栋、176万平方米老旧小区改造", target_value=65,
                                 target_unit="个", start=datetime.date(2023, 3, 10), story="closed",
                                 extra={"close_day": datetime.date(2023, 12, 22)}, dispatcher=dept, percent=(5, 100))),
    ]
    for short, _actor, spec in history:
        _task(demo, None, b2023[short], {**spec, "leader": None})

    # --- this year ------------------------------------------------------------------------------------
    year = demo.today.year
    mechanism = Mechanism.objects.filter(year=year).first() or org_services.mechanism_copy(
        actor=None, source=m2023, year=year)
    bodies = {b.short_name: b for b in mechanism.bodies.all()}
    # fresh user objects: data scopes are cached per user object and this year's seats are new
    demo.users = {name: User.objects.get(pk=u.pk) for name, u in demo.users.items()}
    users = demo.users
    leader, supervisor = users["leader"], users["supervisor"]
    tf, dept, urban, stability = users["taskforce"], users["dept"], users["urban"], users["stability"]

    s = "扫楼扫街专班"
    _task(demo, None, bodies[s], dict(
        title="摸清企业底数，完善企业库", unit="商务局", dispatcher=tf, due=45, story="green",
        leader=P["vice_economy"], percent=(15, 80),
        target="对楼宇、园区、沿街商铺企业全覆盖摸排，建立“一企一档”企业库，新增入库企业全部核验",
        measures="按网格划片，每周调度；与市场监管登记信息比对，查漏补缺。",
        milestones=[("完成楼宇、园区摸排", -100), ("企业库上线运行", -40), ("入库信息全面核验", 30)],
        narratives=["本旬新摸排楼宇12栋，新增入库企业86家。", "完成与登记信息比对，核减注销企业31家。",
                    "沿街商铺摸排推进至第三网格，入库信息核验率82%。"],
        extra={"current_report": "本旬已完成第四网格摸排，核验率88%。"}))
    _task(demo, None, bodies[s], dict(
        title="千名干部进千企走访服务", dispatcher=tf, due=38, leader=P["vice_economy"],
        units=["罗家镇", "塘山镇", "湖坊镇", "京东镇", "青山路街道"],
        target="每名干部联系服务企业不少于3家，每月走访不少于1次，收集的企业诉求当周交办",
        measures="建立干部联系企业台账，走访情况每旬报送，诉求纳入企业诉求台账闭环办理。",
        milestones=[("完成干部结对分组", -120), ("上半年走访全覆盖", -60), ("年度走访总结", 30)],
        narratives=["本旬走访企业45家，收集诉求6条，已交办4条。", "组织政企茶话会1场，现场解决用工问题2个。",
                    "走访覆盖率达到93%，诉求办结率90%。"],
        stories=[("罗家镇", "green", {"current_report": "本旬已走访企业18家，收集诉求2条。"}),
                 ("塘山镇", "missed", {}),
                 ("湖坊镇", "submitted", {}),
                 ("京东镇", "closed", {"close_day": demo.day(-25)}),
                 ("青山路街道", "returned", {"return_note": "走访记录缺企业签字确认，请补充后再提交。"})]))

    s = "抓大引大专班"
    _task(demo, None, bodies[s], dict(
        title="77个市重大重点项目推进", unit="发改委", dispatcher=tf, due=38, story="behind",
        leader=P["exec_vice"], percent=(10, 75), target_value=77, target_unit="个",
        target="推进77个市重大重点项目建设，年度完成投资不低于计划的100%",
        measures="项目“一个项目、一名领导、一个专班”推进，每旬调度开工、投资进度，问题清单化交办。",
        milestones=[("一季度新开工项目开工", -110), ("三季度开工率达到90%", -15), ("全年投资计划完成", 35)],
        narratives=["本旬新开工项目2个，累计完成投资计划的78%。", "协调解决3个项目用地报批问题。"]))
    _task(demo, None, bodies[s], dict(
        title="举办3场招商活动，签约项目52个", unit="商务局", dispatcher=tf, due=-20, story="closed",
        leader=P["vice_economy"], percent=(10, 100), target_value=52, target_unit="个",
        target="举办3场招商引资签约活动，签约项目52个，签约项目当年注册率不低于80%",
        milestones=[("第一场签约活动", -120), ("第二场签约活动", -70), ("第三场签约活动", -35)],
        extra={"close_day": demo.day(-28)}))
    _task(demo, None, bodies[s], dict(
        title="编制招商载体地图", unit="商务局", dispatcher=tf, due=15, story="extension",
        leader=P["vice_economy"], percent=(20, 60),
        target="梳理全区楼宇、厂房、地块等招商载体，编制招商载体地图并上线",
        milestones=[("完成载体摸底", -60), ("地图初稿", 10)],
        then=[("request_extension", tf, -2, {"data": {"due_date": demo.day(45).isoformat()},
                                              "note": "新增昌东工业园区载体数据需重新测绘，申请延期30天。"})]))
    _task(demo, None, bodies[s], dict(
        title="重大项目征地拆迁保障", unit="京东镇", dispatcher=tf, due=-12, story="overdue",
        leader=P["exec_vice"], percent=(10, 80),
        target="完成京东片区3个重大项目征地拆迁，保障项目按期开工",
        narratives=["完成入户调查和评估，签约率62%。", "签约率提升至79%，剩余户逐户做工作。"]))

    s = "改旧建新专班"
    _task(demo, None, bodies[s], dict(
        title="老旧小区改造65个小区", unit="住建局", dispatcher=dept, due=40, story="green",
        leader=P["vice_urban"], percent=(10, 82), target_value=65, target_unit="个",
        target="完成65个小区、794栋、176万平方米老旧小区改造，同步完善停车、养老托育等配套",
        measures="一小区一方案，居民议事会先行；按月调度开工、完工数量。",
        milestones=[("完成方案设计和居民意见征集", -110), ("全部小区开工", -50), ("竣工验收", 35)],
        narratives=["本旬新完工小区4个，累计完工41个。", "雨污分流改造完成78%，加装电梯签约12部。"],
        then=[("urge", leader, -6, {"note": "年底前必须全部完工，请倒排工期。"})]))
    _task(demo, None, bodies[s], dict(
        title="农村人居环境整治34个村点", dispatcher=dept, due=35, leader=P["vice_urban"],
        units=["罗家镇", "塘山镇", "湖坊镇", "京东镇", "扬子洲镇"], target_value=34, target_unit="个",
        target="完成34个村点人居环境整治，改厕、污水治理、村庄绿化同步推进",
        measures="镇街负总责，村点“一点一策”，整治完成一个验收一个。",
        milestones=[("村点规划编制完成", -100), ("整治工程全部开工", -45)],
        narratives=["本旬完成2个村点污水管网铺设。", "村庄绿化完成80%，改厕完成率92%。"],
        stories=[("罗家镇", "green", {}),
                 ("塘山镇", "green", {"current_report": "本旬完成塘山村点验收准备。"}),
                 ("湖坊镇", "missed", {}),
                 ("京东镇", "submitted", {}),
                 ("扬子洲镇", "behind", {})]))
    _task(demo, None, bodies[s], dict(
        title="安置房建设交付", unit="住建局", dispatcher=dept, due=-5, story="overdue",
        leader=P["vice_urban"], percent=(20, 90),
        target="完成2个安置房项目建设并交付，保障被征收群众按期回迁",
        milestones=[("主体结构封顶", -90), ("竣工验收", -10)],
        narratives=["1号项目外立面施工完成，2号项目室内装修推进中。", "消防验收资料整改中。"],
        then=[("escalate", leader, -3, {"note": "群众回迁关切，列为挂牌督办。"}),
              ("escalate", leader, -2, {"note": "挂牌督办，每周报告进展。"})]))
    _task(demo, None, bodies[s], dict(
        title="谢埠村村点人居环境整治", unit="谢埠村", dispatcher=dept, due=50, story="green",
        leader=P["vice_urban"], percent=(10, 65),
        target="完成谢埠村主干道沿线立面整治和污水管网接户",
        narratives=["立面整治完成18户，管网接户完成60%。"]))

    s = "城市管理专班"
    _task(demo, None, bodies[s], dict(
        title="两整治一提升：背街小巷整治", unit="城管局", dispatcher=urban, due=40, story="green",
        leader=P["vice_manage"], percent=(15, 80), co_units=["青山路街道", "南钢街道"],
        target="整治背街小巷60条，规范占道经营和乱停乱放，提升市容环境",
        narratives=["本旬整治背街小巷5条，清理占道经营点位23处。", "累计完成整治47条。"],
        extra={"current_report": "本旬整治背街小巷4条，累计51条。"}))
    _task(demo, None, bodies[s], dict(
        title="生活垃圾分类示范片区建设", unit="塘山镇", dispatcher=urban, due=2, story="green",
        leader=P["vice_manage"], percent=(10, 85),
        target="建成垃圾分类示范片区1个，覆盖小区12个，分类投放点规范设置",
        narratives=["新增分类投放点8处，督导员到岗率100%。", "示范片区验收资料整理中。"]))
    _task(demo, None, bodies[s], dict(
        title="三清三拆：昌景黄高铁沿线环境整治", unit="罗家镇", dispatcher=urban, due=-8, story="overdue",
        leader=P["vice_manage"], percent=(10, 70), co_units=["谢埠村"],
        target="清理高铁沿线垃圾杂物，拆除违章建筑、破旧棚房，沿线环境全面达标",
        narratives=["清理沿线垃圾42吨，拆除破旧棚房6处。", "剩余违建3处正在做当事人工作。"],
        then=[("urge", supervisor, -4, {"note": "督查发现沿线仍有3处违建未拆除，请立即整改。"})]))

    s = "社会稳定专班"
    _task(demo, None, bodies[s], dict(
        title="智慧平安小区建设（建成率80%）", dispatcher=stability, due=36, leader=P["politics"],
        units=["罗家镇", "塘山镇", "京东镇", "青山路街道"],
        target="年内智慧平安小区建成率达到80%，人脸识别门禁、车辆识别全部接入平台",
        milestones=[("完成小区摸底和建设方案", -110), ("建成率达到60%", -20), ("建成率达到80%", 30)],
        narratives=["本旬新建成智慧平安小区3个，建成率66%。", "完成平台接入调试。"],
        stories=[("罗家镇", "instruction", {}),
                 ("塘山镇", "submitted", {}),
                 ("京东镇", "behind", {}),
                 ("青山路街道", "closed", {"close_day": demo.day(-10)})]))
    _task(demo, None, bodies[s], dict(
        title="矛盾纠纷排查化解", unit="政法委", dispatcher=stability, due=38, story="green",
        leader=P["politics"], percent=(20, 85), co_units=["信访局", "公安分局"],
        target="每月开展一次矛盾纠纷全面排查，化解率不低于95%，不发生“民转刑”案件",
        narratives=["本旬排查矛盾纠纷36起，化解34起。", "重点信访积案化解2件。"]))
    _task(demo, None, bodies[s], dict(
        title="双提升攻坚：群众安全感和满意度", unit="公安分局", dispatcher=stability, due=37, story="missed",
        leader=P["politics"], percent=(10, 60),
        target="群众安全感、政法队伍满意度测评排名较上年提升",
        narratives=["开展入户宣传2000户。", "夜间巡逻防控常态化。"]))
    _task(demo, None, bodies[s], dict(
        title="冬季消防安全隐患排查整治", unit="罗家镇", dispatcher=stability, due=40, story="to_accept",
        leader=P["politics"], target="排查“三合一”场所、出租房消防隐患，整改率100%"))
    _task(demo, None, bodies[s], dict(
        title="昌东片区治安卡点建设", unit="扬子洲镇", dispatcher=stability, due=60, story="bounced",
        leader=P["politics"], target="在昌东片区建设治安卡点2处",
        extra={"reason_code": "wrong_area", "note": "昌东片区属昌东工业园区管辖，不在本镇辖区。"}))

    # instruction awaiting reply: the district leader on 罗家镇's 智慧平安小区
    child = KeyTask.objects.get(title="智慧平安小区建设（建成率80%）", lead_unit=demo.units["罗家镇"])
    demo.act(child, "instruct", leader, demo.at(demo.day(-3), 11),
             note="请罗家镇加快老旧小区门禁改造，月底前报送建成率和存在问题。",
             data={"due_date": demo.day(4).isoformat()})

    recompute_all()
    return {"key_tasks": demo.made, "users": demo.users}

