"""Supervision services — the only code that changes inspections, findings, 督办单 and 通报.

Keyword-only, an explicit `actor`, one transaction each, an audit row for every change. Findings are items:
they are created with items.services.item_create and move only through items.services.perform (the
finding's own rows live in supervision.workflow). Writes here are for supervisors (role "supervisor",
作风督查组) and administrators; a unit's part — rectifying, replying to a 督办单 — goes through perform.

Each write is a `core.services.service`: a refusal (`deny()`) rolls the whole call back and is then audited
as DENIED. A change of an existing row needs the version the user saw (`expected_version`, required: missing
→ 428); a service that acts on a row it has just locked passes `TRUSTED`.
"""
from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_change, snapshot
from core.errors import ValidationError
from core.services import TRUSTED, create_object, delete_object, deny, service, update_object
from items.models import Item, ItemState, NumberSequence

from . import conf
from .models import (
    Bulletin,
    BulletinState,
    Finding,
    FindingCategory,
    Inspection,
    InspectionPhoto,
    InspectionSchedule,
    InspectionState,
    InspectionType,
    NoticeLevel,
    NoticeState,
    PeriodKind,
    RankingFormula,
    Severity,
    SupervisionNotice,
)
from .selectors import may_supervise  # noqa: F401  (re-exported for views and apps)


def _require_supervisor(actor, what):
    """Refuse (403, audited by the enclosing @service) unless `actor` is a supervisor or an administrator."""
    if not may_supervise(actor):
        deny(actor, str(what), _("只有督查人员可以%(what)s。") % {"what": what})


def _today(at=None):
    return timezone.localtime(at).date() if at is not None else timezone.localdate()


def _next_seq(prefix, year):
    """The next sequence number for (prefix, year), under a row lock (items.NumberSequence)."""
    NumberSequence.objects.get_or_create(prefix=prefix, year=year)
    seq = NumberSequence.objects.select_for_update().get(prefix=prefix, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


# ------------------------------------------------------------------------------------- inspections

INSPECTION_FIELDS = {"date", "type", "title", "record"}
INSPECTION_M2M = {"team", "target_units", "target_items"}


@service
def inspection_create(*, actor, date, title, type=InspectionType.ONSITE, team=(), target_units=(),
                      target_items=(), record="", schedule=None, state=InspectionState.PLANNED,
                      at=None) -> Inspection:
    """Plan (or record) an inspection."""
    _require_supervisor(actor, _("安排督查"))
    if state not in InspectionState.values:
        raise ValidationError({"state": _("状态无效。")})
    obj = Inspection(date=date, title=(title or "").strip(), type=type, record=record or "", schedule=schedule,
                     state=state, created_by=actor)
    now = at or timezone.now()
    if state in (InspectionState.HELD, InspectionState.WRITTEN_UP):
        obj.held_at = now
    if state == InspectionState.WRITTEN_UP:
        obj.written_up_at = now
        if not obj.record.strip():
            raise ValidationError({"record": _("成文时须填写督查记录。")})
    create_object(obj, actor=actor, m2m={"team": list(team), "target_units": list(target_units),
                                         "target_items": list(target_items)})
    if at is not None:
        Inspection.objects.filter(pk=obj.pk).update(created_at=at)
    return obj


@service
def inspection_update(*, actor, inspection, expected_version, **changes) -> Inspection:
    _require_supervisor(actor, _("修改督查"))
    unknown = set(changes) - INSPECTION_FIELDS - INSPECTION_M2M
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    m2m = {k: list(changes.pop(k)) for k in list(changes) if k in INSPECTION_M2M}
    return update_object(inspection, actor=actor, changes=changes, expected_version=expected_version, m2m=m2m)


@service
def inspection_hold(*, actor, inspection, expected_version, record=None, at=None) -> Inspection:
    """已开展: the inspection took place (on or after its date)."""
    _require_supervisor(actor, _("登记督查"))
    if inspection.state != InspectionState.PLANNED:
        raise ValidationError({"state": _("该督查已开展，不能重复登记。")})
    if inspection.date > _today(at):
        raise ValidationError({"date": _("督查日期（%(date)s）还没到，不能登记为已开展。") % {"date": inspection.date}})
    changes = {"state": InspectionState.HELD, "held_at": at or timezone.now()}
    if record is not None:
        changes["record"] = record
    return update_object(inspection, actor=actor, changes=changes, expected_version=expected_version)


@service
def inspection_write_up(*, actor, inspection, expected_version, record=None, at=None) -> Inspection:
    """已成文: the record is written (required)."""
    _require_supervisor(actor, _("登记督查"))
    if inspection.state == InspectionState.PLANNED:
        inspection = inspection_hold(actor=actor, inspection=inspection, expected_version=expected_version, at=at)
        expected_version = inspection.version
    if inspection.state == InspectionState.WRITTEN_UP:
        raise ValidationError({"state": _("该督查已成文。")})
    text = (record if record is not None else inspection.record or "").strip()
    if not text:
        raise ValidationError({"record": _("成文时须填写督查记录。")})
    return update_object(inspection, actor=actor, expected_version=expected_version,
                         changes={"state": InspectionState.WRITTEN_UP, "record": text,
                                  "written_up_at": at or timezone.now()})


@service
def inspection_delete(*, actor, inspection, expected_version):
    from core.services import delete_object

    _require_supervisor(actor, _("删除督查"))
    if inspection.state != InspectionState.PLANNED or inspection.findings.exists():
        raise ValidationError(_("只能删除尚未开展、没有督查问题的督查。"))
    delete_object(inspection, actor=actor, expected_version=expected_version)


@service
def inspection_add_photo(*, actor, inspection, file, caption="") -> InspectionPhoto:
    """A photo/document of the inspection, checked by content (items.attachments), images re-encoded."""
    from items.attachments import check_upload

    _require_supervisor(actor, _("上传督查照片"))
    checked = check_upload(file)
    photo = InspectionPhoto(inspection=inspection, original_name=checked.name, content_type=checked.content_type,
                            size=checked.size, sha256=checked.sha256, caption=(caption or "")[:200],
                            uploaded_by=actor)
    ext = checked.name.rsplit(".", 1)[-1].lower() if "." in checked.name else "bin"
    photo.file.save(f"{checked.sha256[:16]}.{ext}", ContentFile(checked.content), save=False)
    photo.save()
    audit_change(AuditAction.CREATE, photo, actor=actor)
    return photo


# ------------------------------------------------------------------------------------- 督查日 schedule

def default_schedule() -> InspectionSchedule:
    schedule = InspectionSchedule.objects.filter(is_active=True).order_by("id").first()
    return schedule or InspectionSchedule.objects.order_by("id").first() or InspectionSchedule.objects.create()


@service
def schedule_update(*, actor, schedule, expected_version, weekday=None, type=None, is_active=None,
                    name=None, team=None) -> InspectionSchedule:
    _require_supervisor(actor, _("修改督查日"))
    changes = {k: v for k, v in {"weekday": weekday, "type": type, "is_active": is_active, "name": name}.items()
               if v is not None}
    if "weekday" in changes:
        try:
            changes["weekday"] = int(changes["weekday"])
        except (TypeError, ValueError):
            changes["weekday"] = -1
        if not 0 <= changes["weekday"] <= 6:
            raise ValidationError({"weekday": _("督查日须为星期一到星期日之一。")})
    m2m = {"team": list(team)} if team is not None else None
    return update_object(schedule, actor=actor, changes=changes, expected_version=expected_version, m2m=m2m)


def schedule_dates(schedule, *, start, count):
    """The next `count` 督查日 from `start` on: the schedule's weekday, moved to the next working day when
    it is a holiday (items.calendar)."""
    from items.calendar import next_workday

    days = []
    d = start + datetime.timedelta(days=(schedule.weekday - start.weekday()) % 7)
    while len(days) < count:
        actual = next_workday(d)
        if actual >= start and actual not in days:
            days.append(actual)
        d += datetime.timedelta(days=7)
    return days


@service
def schedule_plan(*, actor, schedule=None, count=4, start=None) -> list[Inspection]:
    """Plan the next `count` 督查日 inspections (dates already planned are skipped)."""
    _require_supervisor(actor, _("安排督查"))
    schedule = schedule or default_schedule()
    if not schedule.is_active:
        raise ValidationError(_("该督查日安排已停用。"))
    if not 1 <= int(count) <= 52:
        raise ValidationError({"count": _("一次可安排 1 到 52 次督查。")})
    start = start or timezone.localdate()
    team = list(schedule.team.all())
    created = []
    for day in schedule_dates(schedule, start=start, count=int(count)):
        if Inspection.objects.filter(date=day, schedule=schedule).exists():
            continue
        title = schedule.title_template % {"date": f"{day.month}月{day.day}日"} if "%(date)s" in \
            schedule.title_template else f"{day.month}月{day.day}日{schedule.title_template}"
        created.append(inspection_create(actor=actor, date=day, title=title, type=schedule.type, team=team,
                                         schedule=schedule))
    return created


# ------------------------------------------------------------------------------------- findings

def _supervision_body(actor):
    """The 作风督查组 body of the current mechanism, if `actor` sits in it (then members are dispatchers)."""
    from accounts.scope import user_scope
    from org.models import Body

    body = (Body.objects.filter(short_name=conf.body_short_name()).order_by("-mechanism__year").first())
    if body is not None and body.pk in user_scope(actor).body_ids:
        return body
    return None


@service
def finding_create(*, actor, title, lead_unit, category=FindingCategory.OTHER, severity=Severity.MINOR,
                   description="", measures="", found_on=None, rectify_workdays=None, rectify_person=None,
                   assignee=None, inspection=None, source_item=None, area=None, at=None) -> Finding:
    """A finding, assigned to its rectifying unit at once, due `rectify_workdays` working days after it was
    found (items.calendar.add_workdays)."""
    from items.calendar import add_workdays
    from items.services import item_create

    _require_supervisor(actor, _("登记督查问题"))
    if lead_unit is None:
        raise ValidationError({"lead_unit": _("请指定整改单位。")})
    if category not in FindingCategory.values:
        raise ValidationError({"category": _("问题类别无效。")})
    if severity not in Severity.values:
        raise ValidationError({"severity": _("严重程度无效。")})
    found_on = found_on or _today(at)
    try:
        workdays = int(rectify_workdays or conf.rectify_workdays())
    except (TypeError, ValueError):
        workdays = 0
    if not 1 <= workdays <= 250:
        raise ValidationError({"rectify_workdays": _("整改时限须为 1 到 250 个工作日。")})
    finding = item_create(
        actor=actor, kind="finding", title=title, lead_unit=lead_unit, owning_body=_supervision_body(actor),
        area=area, assignee=assignee, due_date=add_workdays(found_on, workdays), description=description,
        assign=True, at=at, model=Finding,
        extra={"inspection": inspection, "source_item": source_item, "category": category,
               "severity": severity, "rectify_person": rectify_person, "rectify_workdays": workdays,
               "measures": measures or "", "found_on": found_on})
    if inspection is not None and lead_unit is not None:
        inspection.target_units.add(lead_unit)
    return Finding.objects.get(pk=finding.pk)


@service
def finding_from_inspection(*, actor, inspection, title, lead_unit, at=None, **fields) -> Finding:
    """A finding of an inspection: the inspection is marked held if it was only planned."""
    _require_supervisor(actor, _("登记督查问题"))
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.state == InspectionState.PLANNED:
        # the row is locked just above: its current version is the one acted on
        inspection = inspection_hold(actor=actor, inspection=inspection, expected_version=TRUSTED, at=at)
    fields.setdefault("found_on", inspection.date)
    return finding_create(actor=actor, title=title, lead_unit=lead_unit, inspection=inspection, at=at, **fields)


@service
def finding_from_item(*, actor, item, title=None, category=None, measures="", description="", at=None,
                      **fields) -> Finding:
    """Turn an item (typically a red one) into a finding in one step: same unit and area, linked to it,
    and a note on the item's own timeline."""
    from items.services import perform

    _require_supervisor(actor, _("登记督查问题"))
    item = Item.objects.select_related("lead_unit").get(pk=item.pk)
    if item.kind == "finding":
        raise ValidationError(_("督查问题本身不能再转为督查问题。"))
    if item.lead_unit_id is None:
        raise ValidationError({"lead_unit": _("该事项没有责任单位，不能转为督查问题。")})
    existing = Finding.objects.filter(source_item=item).exclude(state__in=(ItemState.STRUCK_OFF,)).first()
    if existing is not None:
        raise ValidationError(_("该事项已有未销号的督查问题（%(number)s）。") % {"number": existing.number})
    if category is None:
        category = FindingCategory.PROGRESS if item.light == "red" or (
            item.due_date and item.due_date < _today(at)) else FindingCategory.OTHER
    reason = item.light_reason or ""
    finding = finding_create(
        actor=actor, title=title or _("%(title)s（%(reason)s）") % {"title": item.title, "reason": reason or _("督查发现")},
        lead_unit=item.lead_unit, area=item.area, category=category, source_item=item, at=at,
        description=description or _("由事项%(number)s“%(title)s”转为督查问题。%(reason)s") % {
            "number": item.number, "title": item.title, "reason": reason},
        measures=measures, **fields)
    perform(item, "comment", actor, TRUSTED, at=at,
            note=_("已转为督查问题 %(number)s") % {"number": finding.number},
            data={"event": "finding_raised", "finding_id": finding.pk, "finding_number": finding.number})
    return finding


def finding_rectify(*, actor, finding, expected_version, note="", before=(), after=(), request_key=None, at=None):
    """整改: the lead unit uploads before/after evidence; the files go onto the finding's timeline. One call of
    perform() (which audits its own refusals), so no transaction of its own."""
    from items.services import perform

    before, after = list(before or ()), list(after or ())
    evidence = {"before": [getattr(f, "name", str(f)) if not isinstance(f, tuple) else f[0] for f in before],
                "after": [getattr(f, "name", str(f)) if not isinstance(f, tuple) else f[0] for f in after]}
    return perform(finding, "rectify", actor, expected_version, note=note, data={"evidence": evidence},
                   files=before + after, request_key=request_key, at=at)


# ------------------------------------------------------------------------------------- 督办单

def notice_level_for(item, today=None) -> tuple[str, str]:
    """蓝/黄/红 by urgency: overdue → red; behind schedule (a yellow light not due to the deadline) → yellow;
    near the deadline or otherwise → blue."""
    from items.calendar import workdays_between

    today = today or timezone.localdate()
    if item.due_date and item.due_date < today:
        return NoticeLevel.RED, _("已逾期%(n)s天") % {"n": (today - item.due_date).days}
    if item.light == "red":
        return NoticeLevel.RED, item.light_reason or _("红灯")
    near = item.due_date is not None and workdays_between(today, item.due_date) <= conf.near_deadline_workdays()
    if item.light == "yellow" and not near:
        return NoticeLevel.YELLOW, item.light_reason or _("进度滞后")
    if near:
        return NoticeLevel.BLUE, _("临近期限（%(due)s）") % {"due": item.due_date}
    return NoticeLevel.BLUE, _("常规督办")


def notice_data(notice):
    from .documents import NoticeData

    item = notice.item
    specific = item.specific
    responsible = ""
    if isinstance(specific, Finding) and specific.rectify_person_id:
        responsible = specific.rectify_person.name
    elif item.assignee_id:
        responsible = str(item.assignee)
    return NoticeData(number=notice.number, level=notice.level, item_number=item.number, item_title=item.title,
                      lead_unit=item.lead_unit.name if item.lead_unit_id else _("有关单位"), problem=notice.problem,
                      measures=notice.measures, deadline=notice.deadline, issued_on=notice.issued_on,
                      issuer=conf.issuer(), reason=notice.level_reason, responsible=responsible)


@service
def notice_issue(*, actor, item, level=None, problem="", measures="", deadline=None, at=None) -> SupervisionNotice:
    """Issue a 督办单 about `item`: numbered 〔year〕N号, the Word document generated and stored, and a row
    on the item's timeline."""
    from core.documents import document_number
    from items.services import perform

    from .documents import notice_docx

    _require_supervisor(actor, _("签发督办单"))
    item = Item.objects.select_related("lead_unit").get(pk=item.pk)
    if item.state in (ItemState.DRAFT, ItemState.CLOSED, ItemState.STRUCK_OFF):
        raise ValidationError(_("只能对办理中的事项签发督办单。"))
    today = _today(at)
    auto_level, reason = notice_level_for(item, today)
    if level in (None, ""):
        level = auto_level
    elif level not in NoticeLevel.values:
        raise ValidationError({"level": _("督办等级无效。")})
    elif level != auto_level:
        reason = _("督查人员指定")
    specific = item.specific
    problem = (problem or "").strip() or (specific.description if specific.description else item.title)
    if not measures and isinstance(specific, Finding):
        measures = specific.measures
    measures = (measures or "").strip() or _("请责任单位对照问题立即整改，按期报送整改情况。")
    deadline = deadline or item.due_date
    seq = _next_seq("DBD", today.year)
    notice = SupervisionNotice(number=document_number(conf.notice_prefix(), today.year, seq), year=today.year,
                               seq=seq, item=item, level=level, level_reason=reason[:100], problem=problem,
                               measures=measures, deadline=deadline, issued_by=actor, issued_on=today)
    notice.full_clean(exclude=["file"])
    notice.save()
    notice.file.save(f"{notice.number}.docx", ContentFile(notice_docx(notice_data(notice))), save=True)
    audit_change(AuditAction.CREATE, notice, actor=actor)
    perform(item, "comment", actor, TRUSTED, at=at,
            note=_("签发督办单 %(number)s（%(level)s）") % {"number": notice.number, "level": notice.get_level_display()},
            data={"event": "notice_issued", "notice_id": notice.pk, "notice_number": notice.number,
                  "level": level})
    return notice


@service
def notice_deliver(*, actor, notice, at=None) -> SupervisionNotice:
    """送达: the notice reached the unit (recorded by a supervisor, or signed for by the unit itself)."""
    from items.services import perform
    from items.workflow import roles_of

    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if not (may_supervise(actor) or {"lead_unit", "assignee"} & roles_of(actor, notice.item)):
        deny(actor, "notice_deliver", _("只有督查人员或责任单位可以登记送达。"), obj=notice)
    if notice.state != NoticeState.ISSUED:
        raise ValidationError(_("该督办单已送达。"))
    before = snapshot(notice)
    notice.state, notice.delivered_at = NoticeState.DELIVERED, at or timezone.now()
    notice.save(update_fields=["state", "delivered_at", "updated_at"])
    audit_change(AuditAction.UPDATE, notice, actor=actor, before=before)
    perform(notice.item, "comment", actor, TRUSTED, at=at, note=_("督办单 %(number)s 已送达") % {"number": notice.number},
            data={"event": "notice_delivered", "notice_id": notice.pk, "notice_number": notice.number})
    return notice


@service
def notice_reply(*, actor, notice, reply, files=(), at=None) -> SupervisionNotice:
    """回复: the responsible unit answers the 督办单 (files go onto the item's timeline)."""
    from items.services import perform
    from items.workflow import roles_of

    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if not {"lead_unit", "assignee", "admin"} & roles_of(actor, notice.item):
        deny(actor, "notice_reply", _("只有责任单位可以回复督办单。"), obj=notice)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("请填写回复内容。")})
    if notice.state == NoticeState.REPLIED:
        raise ValidationError(_("该督办单已回复。"))
    before = snapshot(notice)
    now = at or timezone.now()
    notice.state, notice.reply, notice.replied_at = NoticeState.REPLIED, reply, now
    notice.delivered_at = notice.delivered_at or now
    notice.save(update_fields=["state", "reply", "replied_at", "delivered_at", "updated_at"])
    audit_change(AuditAction.UPDATE, notice, actor=actor, before=before)
    perform(notice.item, "comment", actor, TRUSTED, at=at, files=files,
            note=_("回复督办单 %(number)s：%(reply)s") % {"number": notice.number, "reply": reply},
            data={"event": "notice_replied", "notice_id": notice.pk, "notice_number": notice.number})
    return notice


# ------------------------------------------------------------------------------------- ranking formula

@service
def ranking_formula_save(*, actor, formula=None, expected_version=None, **fields) -> RankingFormula:
    """Create or change a ranking formula; weights must be ≥ 0 and not all zero (RankingFormula.clean).
    A change needs the version the user saw (`expected_version`: missing → 428, stale → 409)."""
    _require_supervisor(actor, _("设置排名公式"))
    allowed = {"name", "base", "w_report_on_time", "w_overdue_items", "w_findings", "w_rectified_on_time",
               "is_default"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    if fields.get("is_default"):
        RankingFormula.objects.filter(is_default=True).exclude(pk=getattr(formula, "pk", None)).update(
            is_default=False)
    if formula is None:
        return create_object(RankingFormula(**fields), actor=actor)
    return update_object(formula, actor=actor, changes=fields, expected_version=expected_version)


@service
def bulletin_formula_change(*, actor, bulletin, formula, expected_version) -> Bulletin:
    """Rank a draft bulletin with another formula (its preview follows); a published one is frozen."""
    _require_supervisor(actor, _("更换排名公式"))
    if bulletin.is_published:
        raise ValidationError({"formula": _("已发布的通报不能更换排名公式。")})
    return update_object(bulletin, actor=actor, changes={"formula": formula}, expected_version=expected_version)


def default_formula() -> RankingFormula:
    formula = RankingFormula.objects.filter(is_default=True).first() or RankingFormula.objects.first()
    if formula is None:
        formula = RankingFormula.objects.create(name=_("默认公式"), is_default=True, w_overdue_items=2)
    return formula


# ------------------------------------------------------------------------------------- 通报

def default_title(start, end):
    from .bulletins import period_label

    return _("关于%(period)s作风督查情况的通报") % {"period": period_label(start, end)}


@service
def bulletin_create(*, actor, start, end, formula=None, period_kind=PeriodKind.CUSTOM, title="") -> Bulletin:
    """A draft bulletin for [start, end]: its figures are computed live until it is published."""
    _require_supervisor(actor, _("编制通报"))
    if start is None or end is None:
        raise ValidationError(_("请填写起止日期。"))
    if end < start:
        raise ValidationError({"end": _("截止日期不能早于起始日期。")})
    if (end - start).days > 366:
        raise ValidationError({"end": _("通报期间不能超过一年。")})
    bulletin = Bulletin(title=(title or "").strip() or default_title(start, end), period_kind=period_kind,
                        start=start, end=end, formula=formula or default_formula(), created_by=actor)
    return create_object(bulletin, actor=actor)


def bulletin_preview(bulletin, *, as_of=None) -> dict:
    """The figures as they would be published now (drafts), or the frozen snapshot (published)."""
    from .bulletins import compile_bulletin

    if bulletin.is_published:
        return bulletin.snapshot
    return compile_bulletin(start=bulletin.start, end=bulletin.end, formula=bulletin.formula, as_of=as_of)


def bulletin_data(bulletin, snap, *, number=None, issued_on=None):
    from .documents import BulletinData

    return BulletinData(number=number or bulletin.number or _("（草稿，未编号）"), title=bulletin.title,
                        period_label=snap["period"]["label"], issued_on=issued_on or timezone.localdate(),
                        summary=snap["summary"], by_unit=snap["by_unit"], by_category=snap["by_category"],
                        cases=snap["cases"], ranking=snap["ranking"], formula_text=snap["formula"]["text"],
                        issuer=conf.issuer(), empty=snap["empty"])


@service
def bulletin_publish(*, actor, bulletin, expected_version=None, at=None) -> Bulletin:
    """Freeze the figures (snapshot with the row ids behind each), number it 〔year〕N号 and store the Word
    document and its Excel annex. A period without data publishes a "本期无数据" bulletin."""
    from core.documents import document_number

    from .bulletins import compile_bulletin
    from .documents import bulletin_docx, bulletin_xlsx

    _require_supervisor(actor, _("发布通报"))
    current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if current.is_published:
        raise ValidationError(_("该通报已发布，不能重复发布。"))
    if expected_version is not None and int(expected_version) != current.version:
        from core.errors import Conflict

        raise Conflict()
    before = snapshot(current)
    now = at or timezone.now()
    today = _today(now)
    snap = compile_bulletin(start=current.start, end=current.end, formula=current.formula, as_of=now)
    seq = _next_seq("TB", today.year)
    current.number = document_number(conf.bulletin_prefix(), today.year, seq)
    current.year, current.seq = today.year, seq
    current.snapshot = snap
    current.state = BulletinState.PUBLISHED
    current.published_at, current.published_by = now, actor
    data = bulletin_data(current, snap, issued_on=today)
    current.docx.save(f"{current.number}.docx", ContentFile(bulletin_docx(data)), save=False)
    current.xlsx.save(f"{current.number}附件.xlsx", ContentFile(bulletin_xlsx(data)), save=False)
    current.version += 1
    current.save()
    audit_change(AuditAction.UPDATE, current, actor=actor, before=before, message=_("发布通报"))
    return current


@service
def bulletin_delete(*, actor, bulletin, expected_version):
    _require_supervisor(actor, _("删除通报"))
    if bulletin.is_published:
        raise ValidationError(_("已发布的通报不能删除。"))
    delete_object(bulletin, actor=actor, expected_version=expected_version)
