"""Demo appeals reproducing the seed figures (2023), computed from rows like any real data:

- 企业诉求: 130 appeals raised on visits to demo enterprises — 125 district-level, solved; 5 city-level, explained.
- 12345热线 for 罗家镇: 457 work orders over the year, every one closed on time (按期办结率 100%).
- 12345热线 for the rest of the district: 420 work orders, mostly on time, some late, a few still open.
- 意见建议 (民情家访): 162 suggestions, 143 completed.

Speed: creating ~1,200 appeals through item_create/perform costs ~0.13 s each (≈ 2.5 min), far over the
demo's budget, so the history is written in bulk instead — consistent rows, exactly what perform() would have
left: the Item and Appeal rows (number from the NumberSequence block, due dates from the category SLA on the
work calendar, states, times), one ItemAction per step (派单 → 签收 → 答复办结 → 评价) with the same from/to
states, and lights. The audit log gets one row for the whole load (action "import"), not one per step.
A few appeals are created through the real services at the end, so the newest ones show a full audit trail.
"""
import datetime
import random

from django.db import connection
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from enterprises.models import Visit
from items.calendar import add_workdays, is_workday
from items.lights import compute_light
from items.models import Item, ItemAction, ItemKind, ItemState, Light, NumberSequence
from org.models import Unit

from . import services, sla
from .models import Appeal, Channel, Level, Outcome, Satisfaction
from .setup import ensure_categories, ensure_centre

YEAR = 2023
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林郑谢宋唐许韩冯邓曹彭曾"
GIVEN = ["秀兰", "建华", "桂英", "志明", "丽娟", "国强", "海燕", "德胜", "春花", "小龙", "文静", "家豪"]
HOTLINE_TOPICS = {
    "city-sanitation": ["小区门口垃圾清运不及时", "背街小巷卫生死角", "公厕保洁不到位"],
    "city-roads": ["路灯不亮", "人行道破损", "井盖缺失"],
    "city-noise": ["夜间施工噪音扰民", "广场舞音响声音过大"],
    "housing-property": ["物业不作为", "电梯故障维修不及时", "小区漏水"],
    "social-medical": ["医保报销咨询", "社保转移接续"],
    "safety": ["燃气管道疑似泄漏", "广告牌松动有坠落风险"],
    "complaint": ["反映窗口工作人员服务态度", "反映执法程序问题"],
}
ENTERPRISE_TOPICS = {
    "enterprise-labour": ["企业招工难，请求协助对接劳务资源"],
    "enterprise-permit": ["用电增容审批时间较长", "消防验收流程咨询"],
    "enterprise-land": ["厂区扩建用地规划咨询", "厂区周边道路破损影响运输"],
    "enterprise-finance": ["请求协调融资担保", "技改贴息申报"],
    "enterprise": ["门前停车难", "高新技术企业认定政策咨询"],
}
SUGGESTIONS = ["建议增设社区健身设施", "建议延长社区卫生服务中心开放时间", "建议加密公交班次", "建议增设老年食堂",
               "建议改造老旧小区雨污管网", "建议增加停车泊位"]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _workday(rng, year=YEAR, months=(1, 12)):
    while True:
        day = datetime.date(year, rng.randint(*months), rng.randint(1, 28))
        if is_workday(day):
            return day


def _phone(rng):
    return f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


class Loader:
    """Collects appeals with their steps, then writes them in a few bulk statements."""

    def __init__(self, centre):
        self.centre = centre
        self.rows = []  # (item fields, appeal fields, [steps])
        self.unit_users = {}
        for u in User.objects.filter(unit__isnull=False, is_active=True).order_by("pk"):
            self.unit_users.setdefault(u.unit_id, u)

    def add(self, *, category, channel, title, lead_unit, area=None, owning_body=None, dispatched, accept_after=0,
            close_after=None, outcome=Outcome.SOLVED, level=Level.DISTRICT, satisfaction="", enterprise=None,
            visit=None, requester=True, rng=None, reply=None):
        """One appeal dispatched at `dispatched`; signed for `accept_after` working days later; closed
        `close_after` working days after the clock starts (None: still open)."""
        _sign, finish, clock, _pauses = sla.sla_of(category)
        accepted = (dispatched + datetime.timedelta(minutes=30) if accept_after == 0
                    else _at(add_workdays(dispatched.date(), accept_after), 10, 30))
        start = dispatched if clock == "dispatch" else accepted
        due = sla.finish_deadline(category, start)
        sign_due = sla.sign_deadline(category, dispatched)
        closed = None
        if close_after is not None:
            day = add_workdays(start.date(), close_after) if close_after else start.date()
            closed = _at(day, 16, 0)
            if closed <= accepted:
                closed = accepted + datetime.timedelta(hours=1)
        state = ItemState.CLOSED if closed else ItemState.IN_PROGRESS
        user = self.unit_users.get(lead_unit.pk)
        steps = [("assign", ItemState.DRAFT, ItemState.ASSIGNED, dispatched, self.centre, ""),
                 ("accept", ItemState.ASSIGNED, ItemState.IN_PROGRESS, accepted, user, "")]
        reply_text = reply or (f"经核查，{title}问题已处理完毕。" if outcome == Outcome.SOLVED else
                               f"经核查，{title}属市级事权，已向诉求人解释说明并转市级部门。")
        if closed:
            steps.append(("reply", ItemState.IN_PROGRESS, ItemState.CLOSED, closed, user, ""))
            if satisfaction:
                steps.append(("rate", ItemState.CLOSED, ItemState.CLOSED, closed + datetime.timedelta(days=1),
                              self.centre, ""))
        item = {"kind": ItemKind.APPEAL, "title": title, "description": title, "lead_unit": lead_unit,
                "owning_body": owning_body, "area": area or lead_unit.area, "created_by": self.centre,
                "assignee": user, "original_due_date": due, "due_date": due, "state": state,
                "assigned_at": dispatched, "accepted_at": accepted, "closed_at": closed,
                "progress_percent": 100 if closed else 50, "created_at": dispatched - datetime.timedelta(minutes=20),
                "updated_at": (steps[-1][3])}
        appeal = {"channel": channel, "category": category, "enterprise": enterprise, "visit": visit,
                  "level": level, "sign_due_date": sign_due, "clock_started_at": start,
                  "outcome": outcome if closed else "", "reply": reply_text if closed else "",
                  "replied_at": closed, "satisfaction": satisfaction if closed else "",
                  "rated_at": closed + datetime.timedelta(days=1) if closed and satisfaction else None}
        if requester and rng is not None:
            appeal["requester_name"] = rng.choice(SURNAMES) + rng.choice(GIVEN)
            appeal["requester_phone"] = _phone(rng)
        self.rows.append((item, appeal, steps))

    def write(self):
        by_year = {}
        for item, _appeal, _steps in self.rows:
            by_year.setdefault(timezone.localtime(item["assigned_at"]).year, []).append(item)
        for year, items in by_year.items():
            seq, _created = NumberSequence.objects.get_or_create(prefix="SQ", year=year)
            start = seq.last
            NumberSequence.objects.filter(pk=seq.pk).update(last=start + len(items))
            for n, item in enumerate(sorted(items, key=lambda i: i["assigned_at"]), start=start + 1):
                item["number"] = f"SQ-{year}-{n:04d}"
        objs = [Item(**{k: v for k, v in item.items() if k not in ("created_at", "updated_at")})
                for item, _a, _s in self.rows]
        Item.objects.bulk_create(objs, batch_size=400)
        table = Item._meta.db_table
        with connection.cursor() as cursor:  # created_at/updated_at are auto_now fields: set them afterwards
            cursor.executemany(
                f"UPDATE {connection.ops.quote_name(table)} SET created_at = %s, updated_at = %s WHERE id = %s",
                [(connection.ops.adapt_datetimefield_value(item["created_at"]),
                  connection.ops.adapt_datetimefield_value(item["updated_at"]), obj.pk)
                 for obj, (item, _a, _s) in zip(objs, self.rows, strict=True)])
        self._insert_children(objs)
        actions = []
        for obj, (_item, _appeal, steps) in zip(objs, self.rows, strict=True):
            for action, source, target, when, actor, note in steps:
                actions.append(ItemAction(item_id=obj.pk, action=action, actor=actor,
                                          actor_name=str(actor) if actor else "", time=when,
                                          unit_id=getattr(actor, "unit_id", None), from_state=source,
                                          to_state=target, note=note))
        ItemAction.objects.bulk_create(actions, batch_size=1000)
        today = timezone.localdate()
        for obj in objs:
            if obj.state != ItemState.CLOSED:
                light, reason = compute_light(obj, today)
                Item.objects.filter(pk=obj.pk).update(light=light, light_reason=reason)
            elif obj.light != Light.NONE:
                Item.objects.filter(pk=obj.pk).update(light=Light.NONE, light_reason="")
        return objs

    def _insert_children(self, objs):
        """Appeal rows for the Item rows (Django's bulk_create does not do multi-table inheritance)."""
        fields = [f for f in Appeal._meta.local_concrete_fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(Appeal._meta.db_table)} ({columns}) VALUES ({marks})"
        values = []
        for obj, (_item, appeal, _steps) in zip(objs, self.rows, strict=True):
            child = Appeal(item_ptr_id=obj.pk, **appeal)
            child.pk = obj.pk
            values.append([f.get_db_prep_save(getattr(child, f.attname), connection) for f in fields])
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)


def load(context):
    rng = random.Random(12345)
    cats = ensure_categories()
    centre = ensure_centre()
    units = {(u.short_name or u.name): u for u in Unit.objects.all()}
    loader = Loader(centre)
    enterprise_body = services.dispatch_body(Channel.ENTERPRISE)
    dispatch_body = services.dispatch_body(Channel.HOTLINE)

    # 1. 企业诉求: 130 from visits to demo enterprises (125 district-level solved, 5 city-level explained)
    visits = list(context.get("visits") or [])
    if not visits:
        visits = list(Visit.objects.select_related("enterprise").order_by("date", "pk"))
    visits.sort(key=lambda v: (v.date, v.pk))
    ent_codes = list(ENTERPRISE_TOPICS)
    for i in range(130 if visits else 0):
        visit = visits[(i * 7) % len(visits)]
        code = ent_codes[i % len(ent_codes)]
        city = i % 26 == 25  # 5 of 130
        cat = cats[code]
        lead = services.suggest_lead_unit(cat, visit.enterprise.area)
        day = visit.date if is_workday(visit.date) else add_workdays(visit.date, 1)
        loader.add(category=cat, channel=Channel.ENTERPRISE, title=f"{visit.enterprise.name}：{rng.choice(ENTERPRISE_TOPICS[code])}",
                   lead_unit=lead, area=visit.enterprise.area, owning_body=enterprise_body,
                   dispatched=_at(day, 15, 0), accept_after=1, close_after=rng.randint(2, cat.effective("finish_days") or 5),
                   outcome=Outcome.EXPLAINED if city else Outcome.SOLVED, level=Level.CITY if city else Level.DISTRICT,
                   satisfaction=Satisfaction.SATISFIED, enterprise=visit.enterprise, visit=visit, requester=False)
    # 2. 12345热线, 罗家镇: 457 work orders, all closed on time
    luojia = units["罗家镇"]
    hotline_codes = ["city-sanitation", "city-roads", "city-noise", "housing-property", "social-medical", "complaint"]
    for i in range(457):
        code = hotline_codes[i % len(hotline_codes)]
        cat = cats[code]
        finish = cat.effective("finish_days")
        loader.add(category=cat, channel=Channel.HOTLINE, title=rng.choice(HOTLINE_TOPICS[code]), lead_unit=luojia,
                   area=luojia.area, owning_body=dispatch_body, dispatched=_at(_workday(rng), rng.randint(8, 16)),
                   accept_after=0, close_after=rng.randint(0, max(finish - 1, 0)), rng=rng,
                   satisfaction=rng.choice([Satisfaction.SATISFIED] * 8 + [Satisfaction.BASICALLY] * 2))
    # 3. 12345热线, the rest of the district: mostly on time, some late, a few still open
    others = [units[n] for n in ("塘山镇", "湖坊镇", "京东镇", "青山路街道", "城管局", "住建局") if n in units]
    for i in range(420):
        code = hotline_codes[i % len(hotline_codes)]
        cat = cats[code]
        finish = cat.effective("finish_days")
        unit = others[i % len(others)]
        late = i % 17 == 0
        still_open = i % 53 == 0
        loader.add(category=cat, channel=Channel.HOTLINE, title=rng.choice(HOTLINE_TOPICS[code]), lead_unit=unit,
                   area=unit.area, owning_body=dispatch_body, dispatched=_at(_workday(rng), rng.randint(8, 16)),
                   accept_after=rng.choice([0, 0, 1]),
                   close_after=None if still_open else (finish + rng.randint(1, 4) if late else rng.randint(0, finish)),
                   rng=rng, satisfaction=rng.choice([Satisfaction.SATISFIED] * 6 + [Satisfaction.BASICALLY] * 3
                                                    + [Satisfaction.DISSATISFIED]))
    # 4. 意见建议 (民情家访): 162 collected, 143 completed
    sugg_units = [units[n] for n in ("区政府办", "住建局", "城管局", "医保中心") if n in units]
    cat = cats["suggestion"]
    for i in range(162):
        unit = sugg_units[i % len(sugg_units)]
        loader.add(category=cat, channel=Channel.HOME_VISIT, title=SUGGESTIONS[i % len(SUGGESTIONS)], lead_unit=unit,
                   owning_body=dispatch_body, dispatched=_at(_workday(rng, months=(1, 10)), 10),
                   accept_after=1, close_after=None if i % 162 >= 143 else rng.randint(5, 20), rng=rng,
                   outcome=Outcome.SOLVED)
    objs = loader.write()
    for visit in visits:
        n = Appeal.objects.filter(visit=visit).count()
        if n:
            type(visit).objects.filter(pk=visit.pk).update(appeals_raised=n)
    audit_record(action=AuditAction.IMPORT, actor=None, object_type="appeals.appeal",
                 object_repr="演示数据", message=f"demo: {len(objs)} appeals with their timelines bulk-loaded")
    return {"appeal_categories": cats, "centre": centre, "appeals_loaded": len(objs)}
