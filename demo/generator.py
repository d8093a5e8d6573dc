"""Synthetic data at any size, in the shape of the demo: areas, units, users, key tasks with timelines
(ItemAction), 旬 reports (ProgressReport), milestones and co-units — for the benchmark and load tests
(`python -m bench`, `manage.py generate_data`). It lives in `demo` because it builds on the demo's
organisation (demo.org_demo); the apps below never import it.

THIS IS THE ONE PLACE THAT WRITES ROWS IN BULK WITHOUT items.services.perform(): items, their timeline
rows and reports are inserted with executemany in batches of 10,000 rows (COPY on PostgreSQL), ids assigned here so children
can point at their parents without reading them back. No audit rows are written for generated items
(the audit chain records what people did; this is fabricated load). Organisation rows (areas, units,
users) still go through org.services. The rows written are consistent with what perform() would leave:
state timestamps match the state, the stored light follows the shared rule (red = overdue, yellow = due
within 3 days or 旬 report missed, green otherwise; closed items have none), last_report_on is the
period of the latest report, every item has an 交办 action first.
"""
import datetime
import json
import random
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from core.requestcontext import use_context
from items.lights import Thresholds
from items.models import (
    OPEN_STATES,
    Item,
    ItemAction,
    ItemState,
    Light,
    NumberSequence,
    ProgressReport,
    SupervisionLevel,
)
from org import services as org_services
from org.models import Area, AreaLevel, Body, BodyKind, Mechanism, Person, Unit, UnitKind
from tasks.models import KeyTask, Milestone

from . import org_demo

BATCH = 10_000
TIMINGS = {}
PREFIX = "RW"

TITLES = [
    ("扫楼扫街", "摸清辖区企业底数，完善企业库信息"), ("千名干部进千企", "走访服务企业，收集企业诉求"),
    ("重大项目推进", "推进市重大重点项目建设"), ("招商引资", "开展招商活动，推动签约项目落地"),
    ("老旧小区改造", "完成老旧小区改造任务"), ("安置房建设", "加快安置房建设交付"),
    ("农村人居环境整治", "完成村点人居环境整治"), ("两整治一提升", "开展背街小巷整治"),
    ("垃圾分类", "推进生活垃圾分类示范片区建设"), ("三清三拆", "整治铁路沿线环境"),
    ("智慧平安小区", "推进智慧平安小区建设"), ("矛盾纠纷排查化解", "开展矛盾纠纷排查化解"),
    ("双提升攻坚", "提升群众安全感和满意度"), ("企业诉求办理", "办结企业诉求"),
]
NARRATIVES = ["按计划推进，本旬完成既定工作量。", "已召开专题调度会，协调解决用地问题。",
              "进度略有滞后，已加派人员。", "完成阶段性目标，资料已归档。", "现场施工正常推进。"]


def period_start(day):
    """Start of the 旬 containing `day`: the 1st, 11th or 21st."""
    return day.replace(day=1 if day.day <= 10 else (11 if day.day <= 20 else 21))


def previous_period_start(start):
    if start.day == 21:
        return start.replace(day=11)
    if start.day == 11:
        return start.replace(day=1)
    last_month_end = start - datetime.timedelta(days=1)
    return last_month_end.replace(day=21)


def _now():
    return timezone.now()


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _insert(model, columns, rows):
    """executemany INSERT of `rows` (tuples in `columns` order) in batches."""
    if not rows:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {_table(model)} ({cols}) VALUES ({marks})"
    t0 = time.monotonic()
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path: one statement per table instead of a round trip per row
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {_table(model)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        with connection.cursor() as cursor:
            for i in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[i:i + BATCH])
    TIMINGS[model._meta.db_table] = TIMINGS.get(model._meta.db_table, 0) + time.monotonic() - t0


def _defaults(model, known):
    """Column → default for concrete fields of `model` (own table only) that the generator does not set,
    so a field added later with a default does not break the raw insert."""
    out = {}
    for f in model._meta.local_concrete_fields:
        if f.column in known or f.primary_key:
            continue
        out[f.column] = f.get_db_prep_save(f.get_default(), connection)
    return out


def _next_id(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) FROM {_table(model)}")
        value = cursor.fetchone()[0]
    return (value or 0) + 1


def ensure_org(*, units, seed=0, log=print):
    """The demo organisation plus generated towns and villages until there are `units` units, one login per
    unit, and the current year's mechanism. Returns (unit_rows, bodies, users_by_unit)."""
    with use_context(source="command"), transaction.atomic():
        if not Area.objects.exists():
            org_demo.load({})
        year = timezone.localdate().year
        if not Mechanism.objects.filter(year=year).exists():
            latest = Mechanism.objects.order_by("-year").first()
            org_services.mechanism_copy(actor=None, source=latest, year=year)
        district = Area.objects.get(level=AreaLevel.DISTRICT, parent=None)
        have = Unit.objects.count()
        n_town = Area.objects.filter(name__startswith="生成镇").count()
        while have < units:
            n_town += 1
            town_area = org_services.area_save(actor=None, data={
                "name": f"生成镇{n_town:03d}", "level": AreaLevel.TOWN, "parent": district, "sort_order": 1000 + n_town})
            town = org_services.unit_save(actor=None, data={
                "name": f"生成镇{n_town:03d}人民政府", "short_name": f"生成镇{n_town:03d}", "kind": UnitKind.TOWN_GOV,
                "area": town_area, "sort_order": 1000 + n_town})
            have += 1
            for v in range(min(9, units - have)):
                village_area = org_services.area_save(actor=None, data={
                    "name": f"生成村{n_town:03d}-{v + 1}", "level": AreaLevel.VILLAGE, "parent": town_area,
                    "sort_order": v})
                org_services.unit_save(actor=None, data={
                    "name": f"生成村{n_town:03d}-{v + 1}村民委员会", "short_name": f"生成村{n_town:03d}-{v + 1}",
                    "kind": UnitKind.VILLAGE_COMMITTEE, "area": village_area, "parent": town, "sort_order": v})
                have += 1
        # one login per unit (the password hash is computed once: hashing 1,000 passwords takes minutes)
        roles = {r.code: r for r in Role.objects.all()}
        password = make_password(settings.TAIZHANG_DEMO_PASSWORD)
        has_user = set(User.objects.exclude(unit=None).values_list("unit_id", flat=True))
        new_users = []
        unit_rows = list(Unit.objects.values_list("pk", "kind", "area_id", "parent_id"))
        for pk, _kind, _area, _parent in unit_rows:
            if pk not in has_user:
                new_users.append(User(username=f"gen_unit{pk}", password=password, unit_id=pk,
                                      display_name=f"经办人{pk}"))
        User.objects.bulk_create(new_users, batch_size=1000)
        role_for = {UnitKind.TOWN_GOV: "town", UnitKind.VILLAGE_COMMITTEE: "village"}
        through = User.roles.through
        kinds = dict((pk, kind) for pk, kind, _a, _p in unit_rows)
        through.objects.bulk_create([
            through(user_id=u.pk, role_id=roles[role_for.get(kinds[u.unit_id], "department")].pk)
            for u in User.objects.filter(username__startswith="gen_unit").exclude(roles__isnull=False)])
        bodies = list(Body.objects.filter(mechanism__year=year, kind__in=[BodyKind.TASK_FORCE, BodyKind.GROUP])
                      .values_list("pk", "lead_unit_id"))
        users_by_unit = {}
        for pk, unit_id in User.objects.exclude(unit=None).order_by("pk").values_list("pk", "unit_id"):
            users_by_unit.setdefault(unit_id, pk)
    log(f"org: {len(unit_rows)} units, {len(bodies)} bodies, {len(users_by_unit)} units with a login")
    return unit_rows, bodies, users_by_unit


def generate(*, items, units=None, seed=0, today=None, log=print):
    """Add `items` key tasks (with timelines, 旬 reports, milestones) spread over the organisation."""
    started = time.monotonic()
    rng = random.Random(seed)
    if connection.vendor == "sqlite":
        # a bigger page cache for this connection only: the item indexes no longer fit in the default 2 MB
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -400000")
    units = units or max(40, min(1000, items // 2000))
    unit_rows, bodies, users_by_unit = ensure_org(units=units, seed=seed, log=log)
    today = today or timezone.localdate()
    # raw inserts store what Django would: UTC (naive on SQLite, which has no time zone type)
    tz = None if connection.vendor == "sqlite" else datetime.UTC
    unit_area = {pk: area for pk, _k, area, _p in unit_rows}
    unit_ids = [pk for pk, *_ in unit_rows]
    # towns and departments carry more items than villages
    weights = [1 if kind == "village" else 4 for _pk, kind, _a, _p in unit_rows]
    cum_weights = []
    total = 0
    for w in weights:
        total += w
        cum_weights.append(total)
    first_id = _next_id(Item)
    action_id = _next_id(ItemAction)
    report_id = _next_id(ProgressReport)
    milestone_id = _next_id(Milestone)
    leaders = list(_people_ids())

    item_known = ["id", "kind", "number", "title", "description", "owning_body_id", "area_id", "lead_unit_id",
                  "responsible_leader_id", "assignee_id", "created_by_id", "parent_id", "original_due_date",
                  "due_date", "supervision_level", "state", "light", "light_reason", "progress_percent",
                  "last_report_on", "assigned_at", "accepted_at", "submitted_at", "closed_at", "version",
                  "created_at", "updated_at"]
    item_extra = _defaults(Item, set(item_known))
    item_cols = item_known + list(item_extra)
    item_extra_values = tuple(item_extra.values())
    task_known = ["item_ptr_id", "target", "measures", "target_value", "target_unit", "year"]
    task_extra = _defaults(KeyTask, set(task_known))
    task_cols = task_known + list(task_extra)
    task_extra_values = tuple(task_extra.values())
    action_known = ["id", "item_id", "action", "actor_id", "actor_name", "unit_id", "time", "from_state",
                    "to_state", "note", "reason_code", "data", "request_key"]
    action_extra = _defaults(ItemAction, set(action_known))
    action_cols = action_known + list(action_extra)
    action_extra_values = tuple(action_extra.values())
    report_known = ["id", "item_id", "period_start", "percent", "narrative", "problems", "next_steps", "figures",
                    "reported_by_id", "reported_at", "is_late"]
    report_extra = _defaults(ProgressReport, set(report_known))
    report_cols = report_known + list(report_extra)
    report_extra_values = tuple(report_extra.values())
    ms_cols = ["id", "task_id", "title", "due_date", "done_at", "sort_order"]
    co_table = Item.co_units.through
    co_cols = ["item_id", "unit_id"]

    # numbers continue the per-year sequence so later item_create() calls never collide
    seq = {(p, y): last for p, y, last in NumberSequence.objects.filter(prefix=PREFIX)
           .values_list("prefix", "year", "last")}
    empty_json = "{}"
    json_dump = _json_dumper()
    thresholds = Thresholds.for_day(today)
    open_states = set(OPEN_STATES)
    yellow_until = thresholds.yellow_until
    owed_start = thresholds.report_period.start
    owed_before = thresholds.report_accepted_before.astimezone(datetime.UTC)
    if tz is None:
        owed_before = owed_before.replace(tzinfo=None)
    red_reason, soon_reason = str(thresholds.overdue_reason()), str(thresholds.due_soon_reason())
    missed_reason = str(thresholds.missed_report_reason())

    S, L = ItemState, Light
    done = 0
    item_id = first_id
    chunk = 20_000
    while done < items:
        n = min(chunk, items - done)
        item_rows, task_rows, action_rows, report_rows, ms_rows, co_rows = [], [], [], [], [], []
        for _ in range(n):
            r = rng.random()
            created_day = today - datetime.timedelta(days=int(r * r * 900))  # more recent items than old ones
            year = created_day.year
            key = (PREFIX, year)
            seq[key] = seq.get(key, 0) + 1
            number = f"{PREFIX}-{year}-{seq[key]:04d}"
            unit = unit_ids[_pick(cum_weights, rng.random() * total)]
            body, _body_lead = bodies[rng.randrange(len(bodies))]
            user = users_by_unit.get(unit)
            theme, target = TITLES[rng.randrange(len(TITLES))]
            created_at = datetime.datetime.combine(created_day, datetime.time(1, rng.randrange(60)), tz)  # 09:xx in China
            due = created_day + datetime.timedelta(days=rng.randrange(20, 300))
            original_due = due
            if rng.random() < 0.05:
                due = due + datetime.timedelta(days=30)  # an approved extension
            if due < today:
                state = S.CLOSED if rng.random() < 0.85 else rng.choice((S.IN_PROGRESS, S.IN_PROGRESS, S.SUBMITTED))
            else:
                x = rng.random()
                state = (S.ASSIGNED if x < 0.10 else S.SUBMITTED if x < 0.18 else S.BOUNCED if x < 0.19
                         else S.CLOSED if x < 0.25 else S.IN_PROGRESS)
            supervision = (SupervisionLevel.LISTED if rng.random() < 0.02 else
                           SupervisionLevel.KEY if rng.random() < 0.1 else SupervisionLevel.NORMAL)
            accepted_at = submitted_at = closed_at = None
            t = created_at
            iid = item_id
            item_id += 1
            action_rows.append((action_id, iid, "assign", None, "专班调度员", None, created_at, S.DRAFT, S.ASSIGNED,
                                "", "", empty_json, None) + action_extra_values)
            action_id += 1
            percent = 0
            last_report = None
            if state not in (S.ASSIGNED, S.BOUNCED):
                t = created_at + datetime.timedelta(hours=rng.randrange(2, 60))
                accepted_at = t
                action_rows.append((action_id, iid, "accept", user, "", unit, t, S.ASSIGNED, S.IN_PROGRESS, "", "",
                                    empty_json, None) + action_extra_values)
                action_id += 1
                # 旬 reports: the latest up to the current period for on-track items, older for laggards
                end_day = min(due, today) if state != S.CLOSED else min(due, today - datetime.timedelta(days=3))
                last_period = period_start(end_day)
                if state == S.IN_PROGRESS and rng.random() < 0.25:
                    # the last completed 旬's report is missing → yellow
                    last_period = previous_period_start(previous_period_start(last_period))
                k = rng.randrange(1, 5)
                periods = []
                p = last_period
                for _k in range(k):
                    if p < period_start(created_day):
                        break
                    periods.append(p)
                    p = previous_period_start(p)
                periods.reverse()
                for j, p in enumerate(periods):
                    percent = min(100, int(100 * (j + 1) / (len(periods) + (0 if state == S.CLOSED else 1))))
                    rt = datetime.datetime.combine(p + datetime.timedelta(days=rng.randrange(0, 9)),
                                                   datetime.time(7, 0), tz)
                    rt = max(rt, t)
                    narrative = NARRATIVES[rng.randrange(len(NARRATIVES))]
                    report_rows.append((report_id, iid, p, percent, narrative, "", "", empty_json, user, rt,
                                        False) + report_extra_values)
                    report_id += 1
                    action_rows.append((action_id, iid, "report", user, "", unit, rt, S.IN_PROGRESS, S.IN_PROGRESS,
                                        narrative, "", json_dump({"percent": percent, "period": p.isoformat()}),
                                        None) + action_extra_values)
                    action_id += 1
                    t = rt
                last_report = periods[-1] if periods else None
                if state in (S.SUBMITTED, S.CLOSED):
                    t = t + datetime.timedelta(hours=rng.randrange(1, 48))
                    submitted_at = t
                    action_rows.append((action_id, iid, "submit", user, "", unit, t, S.IN_PROGRESS, S.SUBMITTED,
                                        "已完成，申请办结。", "", empty_json, None) + action_extra_values)
                    action_id += 1
                if state == S.CLOSED:
                    t = t + datetime.timedelta(hours=rng.randrange(1, 72))
                    closed_at = t
                    percent = 100
                    action_rows.append((action_id, iid, "approve", None, "专班调度员", None, t, S.SUBMITTED, S.CLOSED,
                                        "同意办结。", "", empty_json, None) + action_extra_values)
                    action_id += 1
            elif state == S.BOUNCED:
                t = created_at + datetime.timedelta(hours=rng.randrange(2, 30))
                action_rows.append((action_id, iid, "bounce", user, "", unit, t, S.ASSIGNED, S.BOUNCED,
                                    "不属于本单位职责。", "not_ours", empty_json, None) + action_extra_values)
                action_id += 1
            # milestone (30 %): done, or left undone past its date (behind schedule)
            ms = None
            if rng.random() < 0.3:
                ms_due = created_day + (due - created_day) / 2
                ms_done = (datetime.datetime.combine(ms_due, datetime.time(2), tz)
                           if state == S.CLOSED or ms_due >= today or rng.random() < 0.7 else None)
                ms = (milestone_id, iid, "阶段性目标完成", ms_due, ms_done, 0)
                ms_rows.append(ms)
                milestone_id += 1
            # the light, by items.lights' rule and the key-task rule (tasks.lights)
            if state not in open_states:
                light, reason = L.NONE, ""
            elif due < today:
                light, reason = L.RED, red_reason
            elif due <= yellow_until:
                light, reason = L.YELLOW, soon_reason
            elif (state == S.IN_PROGRESS and accepted_at < owed_before
                  and (last_report is None or last_report < owed_start)):
                light, reason = L.YELLOW, missed_reason
            elif ms is not None and ms[4] is None and ms[3] < today:
                light, reason = L.YELLOW, f"节点滞后：{ms[2]}（{ms[3]:%Y-%m-%d}）"
            else:
                light, reason = L.GREEN, ""
            updated_at = t
            item_rows.append((iid, "task", number, f"{theme}（{number}）", target, body, unit_area[unit], unit,
                              leaders[rng.randrange(len(leaders))] if leaders else None, user, None, None,
                              original_due, due, supervision, state, light, reason, percent, last_report,
                              created_at, accepted_at, submitted_at, closed_at, 1, created_at,
                              updated_at) + item_extra_values)
            task_rows.append((iid, f"{target}，按期完成。", "明确责任人和时间节点，每旬调度。",
                              Decimal(rng.randrange(1, 200)), "个", year) + task_extra_values)
            if rng.random() < 0.1:
                co = unit_ids[rng.randrange(len(unit_ids))]
                if co != unit:
                    co_rows.append((iid, co))
        with transaction.atomic():
            _insert(Item, item_cols, item_rows)
            _insert(KeyTask, task_cols, task_rows)
            _insert(ItemAction, action_cols, action_rows)
            _insert(ProgressReport, report_cols, report_rows)
            _insert(Milestone, ms_cols, ms_rows)
            _insert(co_table, co_cols, co_rows)
        done += n
        log(f"  {done:>9,} items  ({time.monotonic() - started:6.1f} s)")
    with transaction.atomic():
        for (prefix, year), last in seq.items():
            NumberSequence.objects.update_or_create(prefix=prefix, year=year, defaults={"last": last})
        _reset_sequences([Item, ItemAction, ProgressReport, Milestone, co_table])
    log(f"insert times: {TIMINGS}")
    log(f"generated {items:,} items in {time.monotonic() - started:.1f} s")
    return items


def _people_ids():
    return Person.objects.order_by("pk").values_list("pk", flat=True)[:20]


def _pick(cum, x):
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _json_dumper():
    def dump(value):
        return json.dumps(value, ensure_ascii=False)

    return dump


def _reset_sequences(models):
    """PostgreSQL: move the id sequences past the ids given here (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
