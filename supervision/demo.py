"""作风督查 demo: a year of weekly 督查日 (Wednesdays) up to this week, findings in every state, several
督办单 and the last two months' bulletins published.

Dates are relative to today, and every change goes through the services and items.services.perform with
`at=` that day, so timelines, evidence and the bulletins' frozen figures are real. Older findings are mostly
struck off; recent ones are still being rectified, waiting for verification, or overdue.
"""
import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.services import TRUSTED
from items.calendar import add_workdays
from items.services import perform

from . import services
from .bulletins import month_of
from .models import (
    FindingCategory,
    InspectionSchedule,
    InspectionState,
    InspectionType,
    RankingFormula,
    Severity,
)

WEEKS = 52

PROBLEMS = [
    ("施工现场扬尘防控措施不到位，裸土未覆盖", FindingCategory.QUALITY_SAFETY, "立即覆盖裸土，落实洒水降尘，每日巡查。"),
    ("项目推进缓慢，形象进度滞后于计划", FindingCategory.PROGRESS, "倒排工期，挂图作战，每周报送进度。"),
    ("窗口工作人员上班时间玩手机，服务态度生硬", FindingCategory.CONDUCT, "对当事人批评教育，完善考勤与服务规范。"),
    ("旬报内容照搬上期，未如实反映进展", FindingCategory.CONDUCT, "如实填报，专人审核后报送。"),
    ("专项资金拨付迟缓，未按进度支付", FindingCategory.FUNDS, "核实工程量，按合同进度拨付资金。"),
    ("工地临边防护缺失，存在安全隐患", FindingCategory.QUALITY_SAFETY, "立即设置临边防护，开展安全交底。"),
    ("企业诉求办理超期，未及时答复企业", FindingCategory.PROGRESS, "三日内答复企业，建立诉求跟踪台账。"),
    ("背街小巷环境卫生脏乱，垃圾清运不及时", FindingCategory.OTHER, "增加清运频次，落实门前三包。"),
    ("会议精神传达不到位，干部对任务不清楚", FindingCategory.CONDUCT, "组织专题学习，逐项明确责任人。"),
    ("老旧小区改造施工扰民，群众反映强烈", FindingCategory.QUALITY_SAFETY, "调整施工时间，设置公示牌和投诉电话。"),
]
TYPES = [InspectionType.ONSITE, InspectionType.ONSITE, InspectionType.SPECIAL_CHECK, InspectionType.UNANNOUNCED,
         InspectionType.SPECIAL]
PNG_COLORS = [(190, 60, 50), (60, 150, 80)]


def _png(color):
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (160, 120), color)
    ImageDraw.Draw(img).rectangle((20, 20, 140, 100), outline=(255, 255, 255), width=4)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _unit_staff(units):
    """Units that have a demo login (towns, departments …) → that login: they rectify their findings."""
    from accounts.models import User

    skip = {"leader", "supervisor", "auditor", "admin"}
    staff = {}
    for user in User.objects.filter(is_active=True, unit__isnull=False).exclude(username__in=skip).order_by("pk"):
        if user.roles.filter(code__in=("town", "department", "village", "task_force")).exists():
            staff.setdefault(user.unit_id, user)
    return {unit: staff[unit.pk] for unit in units.values() if unit.pk in staff}


def load(context):
    from accounts.models import User

    rng = random.Random(2023)
    supervisor = User.objects.get(username="supervisor")
    people = list(supervisor.person.seats.first().body.seats.values_list("person", flat=True)) \
        if supervisor.person_id and supervisor.person.seats.exists() else []
    from org.models import Person, Unit

    units = {u.short_name or u.name: u for u in Unit.objects.filter(is_active=True)}
    staff = _unit_staff(units)
    targets = [u for u in staff if u.kind in ("town_gov", "department")] or list(staff)
    team = list(Person.objects.filter(pk__in=people))
    today = timezone.localdate()

    schedule = InspectionSchedule.objects.create(name="每周三督查日", weekday=2, type=InspectionType.ONSITE)
    schedule.team.set(team)
    RankingFormula.objects.get_or_create(name="2023年度作风督查排名", defaults={
        "is_default": True, "w_report_on_time": 1, "w_overdue_items": 2, "w_findings": 1, "w_rectified_on_time": 1})
    RankingFormula.objects.get_or_create(name="重整改实效", defaults={
        "w_report_on_time": "0.5", "w_overdue_items": 1, "w_findings": 2, "w_rectified_on_time": 3})

    photos = {i: _png(c) for i, c in enumerate(PNG_COLORS)}
    this_wed = today - datetime.timedelta(days=(today.weekday() - 2) % 7)
    findings = []
    for week in range(WEEKS, 0, -1):
        day = this_wed - datetime.timedelta(weeks=week)
        kind = TYPES[week % len(TYPES)]
        chosen = rng.sample(targets, k=min(len(targets), rng.randint(1, 3)))
        n_findings = rng.choice([0, 1, 1, 2])
        record = (f"督查组于{day.month}月{day.day}日对{'、'.join(str(u) for u in chosen)}开展{kind.label}，"
                  f"发现问题{n_findings}个，已现场反馈并交办整改。")
        written = week > 1  # this week's is held, not yet written up
        insp = services.inspection_create(
            actor=supervisor, date=day, type=kind, title=f"{day.month}月{day.day}日督查日（{kind.label}）",
            team=team, target_units=chosen, schedule=schedule, record=record if written else "",
            state=InspectionState.WRITTEN_UP if written else InspectionState.HELD, at=_at(day, 8))
        if n_findings and week % 4 == 0:
            services.inspection_add_photo(actor=supervisor, inspection=insp, caption="督查现场",
                                          file=SimpleUploadedFile("现场.png", photos[0], content_type="image/png"))
        for k in range(n_findings):
            unit = chosen[k % len(chosen)]
            title, category, measures = PROBLEMS[(week * 3 + k) % len(PROBLEMS)]
            severity = rng.choice([Severity.MINOR, Severity.MINOR, Severity.SERIOUS, Severity.GRAVE])
            f = services.finding_from_inspection(
                actor=supervisor, inspection=insp, title=title, lead_unit=unit, category=category,
                severity=severity, measures=measures, rectify_workdays=rng.choice([5, 10, 15]),
                at=_at(day, 11 + k))
            findings.append((f, staff[unit], day, week))
    # the coming 督查日
    services.schedule_plan(actor=supervisor, schedule=schedule, count=3, start=today + datetime.timedelta(days=1))

    for f, user, day, week in findings:
        _advance(f, user, supervisor, day, week, today, rng, photos)

    _notices(supervisor, today)
    _bulletins(supervisor, today)
    from items.lights import recompute_all
    from items.models import Item

    recompute_all(queryset=Item.objects.filter(kind="finding"))
    return {"supervision_findings": len(findings)}


def _advance(f, user, supervisor, day, week, today, rng, photos):
    """Move a finding along: older ones end struck off, recent ones stop somewhere on the way."""
    def when(d, hour=10):
        return _at(min(d, today), hour)

    accept_day = add_workdays(day, 1)
    if accept_day > today:
        return
    perform(f, "accept", user, TRUSTED, at=when(accept_day, 9))
    if week <= 1 or (week <= 3 and rng.random() < 0.5):
        return  # still being rectified (recent)
    late = rng.random() < 0.15
    rectify_day = add_workdays(f.due_date, 2) if late else add_workdays(day, rng.randint(2, f.rectify_workdays))
    if rectify_day >= today or (week <= 6 and rng.random() < 0.35):
        return  # overdue or in progress
    before = SimpleUploadedFile("整改前.png", photos[0], content_type="image/png")
    after = SimpleUploadedFile("整改后.png", photos[1], content_type="image/png")
    services.finding_rectify(actor=user, finding=f, expected_version=TRUSTED, note="已按要求完成整改，附整改前后照片。",
                             before=[before], after=[after], at=when(rectify_day, 15))
    verify_day = add_workdays(rectify_day, rng.randint(1, 3))
    if verify_day >= today or (week <= 8 and rng.random() < 0.5):
        return  # waiting for verification
    if rng.random() < 0.15:
        perform(f, "fail_verification", supervisor, TRUSTED, note="整改不彻底，现场仍有问题，请继续整改。",
                at=when(verify_day, 10))
        return
    perform(f, "verify", supervisor, TRUSTED, note="经现场核验，整改到位，予以销号。", at=when(verify_day, 16))


def _notices(supervisor, today):
    """督办单 for the most overdue open findings (red), and a couple near their deadline."""
    from items.models import OPEN_STATES, ItemState

    from .models import Finding

    overdue = list(Finding.objects.filter(state__in=OPEN_STATES, due_date__lt=today)
                   .exclude(state=ItemState.RECTIFIED).order_by("due_date")[:4])
    for i, f in enumerate(overdue):
        issued = min(today, add_workdays(f.due_date, 1))
        notice = services.notice_issue(actor=supervisor, item=f, at=_at(issued, 9))
        if i < 3:
            services.notice_deliver(actor=supervisor, notice=notice, at=_at(issued, 15))
        if i < 2:
            from accounts.models import User

            unit_user = User.objects.filter(unit_id=f.lead_unit_id, is_active=True).exclude(
                username__in=("supervisor", "leader", "auditor", "admin")).first()
            if unit_user is not None:
                services.notice_reply(actor=unit_user, notice=notice, at=_at(issued, 17),
                                      reply="已成立整改专班，倒排工期，三日内整改到位并报送佐证材料。")
    for f in Finding.objects.filter(state=ItemState.IN_PROGRESS, due_date__gte=today).order_by("due_date")[:2]:
        services.notice_issue(actor=supervisor, item=f, at=_at(today, 9))


def _bulletins(supervisor, today):
    """The last two full months, published on the 3rd of the month after."""
    first_this_month = today.replace(day=1)
    prev_end = first_this_month - datetime.timedelta(days=1)
    for start, end in (month_of(prev_end.replace(day=1) - datetime.timedelta(days=1)), month_of(prev_end)):
        publish_day = min(today, end + datetime.timedelta(days=3))
        draft = services.bulletin_create(actor=supervisor, start=start, end=end, period_kind="month")
        services.bulletin_publish(actor=supervisor, bulletin=draft, at=_at(publish_day, 10))
    # and this month's draft, for the preview
    start, end = month_of(today)
    services.bulletin_create(actor=supervisor, start=start, end=end, period_kind="month")
