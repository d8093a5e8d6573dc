"""Project services — the only code that creates projects, passes stage gates, sets annual plans, records
monthly investment, signing events and carriers. Keyword-only, explicit `actor`, one transaction each,
an audit row for every change; bad input raises ValidationError with a Chinese message, nothing half-written.

Who may do what (a relationship to the project, like items.workflow):
    dispatcher  accounts.roles.may_dispatch of the project's owning body — a seat in it or in a body above it,
                a leader, an administrator: creates projects, sets plans, passes stages, records investment
    lead unit   staff of the project's 责任单位: passes stages and records investment

A refusal is `deny()`-ed inside `@service` (core.services): the whole call rolls back, then the DENIED audit
row is written, and the caller gets the 403.
"""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_admin, may_dispatch
from audit.models import AuditAction
from audit.services import audit_change, audit_record, snapshot
from core.errors import Conflict
from core.services import (
    TRUSTED,
    create_object,
    deny,
    parse_amount,
    parse_date,
    parse_int,
    require_version,
    service,
    update_object,
)
from items.lights import refresh_light
from items.services import item_create, perform

from .models import (
    STAGE_ORDER,
    AnnualPlan,
    Carrier,
    InvestmentReport,
    Project,
    ProjectList,
    ProjectStage,
    SignedProject,
    SigningEvent,
    Stage,
)

# ------------------------------------------------------------------------------------------ permissions


def may_report(user, project):
    """May `user` record stages and investment for `project`? Its responsible unit, or a dispatcher of its
    body (accounts.roles.may_dispatch)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if project.lead_unit_id and user.unit_id == project.lead_unit_id:
        return True
    return may_dispatch(user, project.owning_body)


def _timeline(project, actor, note, data, at=None):
    """A line on the project's item timeline (a 备注 row through items.services.perform), written by a service
    that holds the project's row lock: on the current version (TRUSTED)."""
    perform(project, "comment", actor, TRUSTED, note=note, data=data, at=at)


def _refresh_light(project, today=None):
    refresh_light(Project.objects.get(pk=project.pk), today)


# ------------------------------------------------------------------------------------------ projects

PROJECT_FIELDS = ("category", "construction_content", "total_investment", "investor", "carrier", "lng", "lat",
                  "image_progress", "problems")


@service
def project_create(*, actor, title, owning_body, lead_unit, lists=(), responsible_leader=None, area=None,
                   co_units=(), due_date=None, description="", category="industry", construction_content="",
                   total_investment=0, investor="", carrier=None, lng=None, lat=None, image_progress="",
                   problems="", plan_year=None, planned_amount=None, assign=True, at=None,
                   supervision_level="normal", check_scope=True):
    """Create a project (重大重点项目, number XM-YYYY-NNNN) of `owning_body` for `lead_unit`, put it on
    `lists`, optionally with the annual plan of `plan_year`; `assign=True` also 交办 it."""
    if check_scope and not may_dispatch(actor, owning_body):
        deny(actor, "project_create", _("只有本专班（机构）的调度人员或系统管理员可以新建项目。"),
             object_type="projects.project", object_repr=str(owning_body or ""))
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写项目名称。")})
    total = parse_amount(total_investment, "total_investment", label=_("总投资"))
    if area is None and carrier is not None:
        area = carrier.area
    if area is None and lead_unit is not None:
        area = lead_unit.area
    project = item_create(
        actor=actor, kind="project", title=title.strip(), lead_unit=lead_unit, owning_body=owning_body, area=area,
        co_units=tuple(co_units), responsible_leader=responsible_leader, due_date=due_date,
        supervision_level=supervision_level, description=description, assign=assign, at=at, model=Project,
        extra={"category": category, "construction_content": construction_content or "", "total_investment": total,
               "investor": investor or "", "carrier": carrier, "lng": lng, "lat": lat,
               "image_progress": image_progress or "", "problems": problems or ""},
    )
    if lists:
        project.lists.set(lists)
    if plan_year is not None and planned_amount not in (None, ""):
        annual_plan_set(actor=actor, project=project, year=plan_year, planned_amount=planned_amount,
                        check_scope=False)
    return project


@service
def project_update(*, actor, project, expected_version, changes, lists=None):
    """Change a project's own fields (形象进度, 存在问题, 建设内容 …). The responsible unit may update
    形象进度 and 存在问题; the other fields are the dispatcher's. `expected_version`: the version the user saw
    (core.services.require_version: missing → 428), or TRUSTED."""
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    dispatcher = may_dispatch(actor, project.owning_body)
    if not dispatcher:
        if not may_report(actor, project):
            deny(actor, "project_update", _("您不能修改该项目。"), obj=project)
        if set(changes) - {"image_progress", "problems"} or lists is not None:
            deny(actor, "project_update", _("责任单位只能更新形象进度和存在问题。"), obj=project)
    if "total_investment" in changes:
        changes = {**changes, "total_investment": parse_amount(changes["total_investment"], "total_investment",
                                                               label=_("总投资"))}
    return update_object(project, actor=actor, changes=changes, expected_version=expected_version,
                         m2m={"lists": lists} if lists is not None else None)


# ------------------------------------------------------------------------------------------ stage gates

def _check_stage(project, recorded, stage, date, skip_reason, today):
    """Validate passing `stage` on `date` given the stages already `recorded`; return the stages skipped."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("未知的项目阶段。")})
    if date > today:
        raise ValidationError({"date": _("阶段日期不能晚于今天。")})
    if stage in recorded:
        raise ValidationError({"stage": _("“%(stage)s”阶段已记录，不能重复记录。") % {"stage": Stage(stage).label}})
    target = STAGE_ORDER.index(stage)
    later = [s for s in STAGE_ORDER[target + 1:] if s in recorded]
    if later:
        raise ValidationError({"stage": _("项目已进入“%(stage)s”阶段，不能再记录之前的阶段。") % {
            "stage": Stage(later[-1]).label}})
    missing = [s for s in STAGE_ORDER[:target] if s not in recorded]
    if missing and not skip_reason:
        raise ValidationError({"skip_reason": _("尚未完成“%(stages)s”阶段，跳过须填写原因。") % {
            "stages": "、".join(str(Stage(s).label) for s in missing)}})
    previous = max((r.date for r in recorded.values() if r.date), default=None)
    if previous and date < previous:
        raise ValidationError({"date": _("阶段日期不能早于上一阶段的日期（%(d)s）。") % {"d": previous.isoformat()}})
    return missing


def stage_record(*, actor, project, stage, date, evidence=None, note="", skip_reason="", at=None, today=None):
    """Pass stage gate `stage` on `date` (签约→注册→供地→开工→竣工/投产).

    Stages are passed in order. Passing a later stage while earlier ones are open records those as skipped,
    which needs `skip_reason`. A date before the previous passed stage's date, or in the future, is refused.
    """
    return stage_backfill(actor=actor, project=project, steps=[(stage, date)], evidence=evidence, note=note,
                          skip_reason=skip_reason, at=at, today=today)[-1]


@service
def stage_backfill(*, actor, project, steps, evidence=None, note="", skip_reason="", at=None, today=None):
    """Pass several stage gates at once, in order: `steps` = [(stage, date), …] (e.g. an import or the
    demo's history). Every step is checked as stage_record checks it; all or nothing; one timeline line."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not may_report(actor, project):
        deny(actor, "stage_record", _("只有项目责任单位或本专班调度人员可以记录项目阶段。"), obj=project)
    if not steps:
        raise ValidationError({"stage": _("请选择阶段。")})
    today = today or timezone.localdate()
    skip_reason = (skip_reason or "").strip()
    if evidence is not None and evidence.item_id != project.pk:
        raise ValidationError({"evidence": _("佐证材料必须是本项目的附件。")})
    recorded = {s.stage: s for s in ProjectStage.objects.filter(project=project)}
    rows, skipped = [], []
    for i, (stage, date) in enumerate(steps):
        date = parse_date(date, "date")
        missing = _check_stage(project, recorded, stage, date, skip_reason, today)
        last = i == len(steps) - 1
        new = [ProjectStage(project=project, stage=s, skipped=True, skip_reason=skip_reason, recorded_by=actor)
               for s in missing]
        new.append(ProjectStage(project=project, stage=stage, date=date, evidence=evidence if last else None,
                                note=(note or "") if last else "", recorded_by=actor))
        for row in new:
            row.full_clean(validate_constraints=False)
            recorded[row.stage] = row
        rows += new
        skipped += missing
    ProjectStage.objects.bulk_create(rows)
    for row in ProjectStage.objects.filter(project=project, stage__in=[r.stage for r in rows]):
        audit_change(AuditAction.CREATE, row, actor=actor)
    stage, date = rows[-1].stage, rows[-1].date
    before = snapshot(project, ["current_stage"])
    Project.objects.filter(pk=project.pk).update(current_stage=stage)
    project.current_stage = stage
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=project, before=before,
                 after=snapshot(project, ["current_stage"]), message="stage_record")
    text = "；".join(_("“%(stage)s”（%(date)s）") % {"stage": Stage(r.stage).label, "date": r.date.isoformat()}
                    for r in rows if not r.skipped)
    text = _("项目阶段：%(steps)s") % {"steps": text}
    if skipped:
        text += _("；跳过“%(stages)s”，原因：%(reason)s") % {
            "stages": "、".join(str(Stage(s).label) for s in skipped), "reason": skip_reason}
    _timeline(project, actor, text, {"stages": [[r.stage, r.date.isoformat() if r.date else None] for r in rows]},
              at=at)
    return rows


# ------------------------------------------------------------------------------------------ investment

@service
def annual_plan_set(*, actor, project, year, planned_amount, check_scope=True):
    """Set (create or change) the annual investment plan of `project` for `year` (万元)."""
    if check_scope and not may_dispatch(actor, project.owning_body):
        deny(actor, "annual_plan_set", _("只有本专班调度人员或系统管理员可以下达年度计划。"), obj=project)
    year = parse_int(year, "year", _("年度"), 2000, 2100)
    amount = parse_amount(planned_amount, "planned_amount", label=_("年度计划投资"))
    plan = AnnualPlan.objects.select_for_update().filter(project_id=project.pk, year=year).first()
    if plan is None:
        plan = create_object(AnnualPlan(project_id=project.pk, year=year, planned_amount=amount), actor=actor)
    elif plan.planned_amount != amount:
        before = snapshot(plan)
        plan.planned_amount = amount
        plan.full_clean()
        plan.save(update_fields=["planned_amount", "updated_at"])
        audit_change(AuditAction.UPDATE, plan, actor=actor, before=before)
    return plan


@service
def investment_report(*, actor, project, year, month, cumulative_amount, note="", correction_note="", at=None,
                      today=None, refresh=True, timeline=True):
    """Record the cumulative completed investment of `year` up to `month` (万元) for `project`.

    A figure lower than the latest earlier month's — or a change to a month already reported — is a
    correction: refused without `correction_note`, flagged `is_correction` with it. A month still to come
    is refused. The project's light (序时进度) is recomputed."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not may_report(actor, project):
        deny(actor, "investment_report", _("只有项目责任单位或本专班调度人员可以填报投资完成情况。"), obj=project)
    year = parse_int(year, "year", _("年度"), 2000, 2100)
    month = parse_int(month, "month", _("月份"), 1, 12)
    amount = parse_amount(cumulative_amount, "cumulative_amount", label=_("累计完成投资"))
    today = today or timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValidationError({"month": _("不能填报尚未到来的月份。")})
    correction_note = (correction_note or "").strip()
    reports = {r.month: r for r in InvestmentReport.objects.select_for_update().filter(project=project, year=year)}
    earlier = [r for m, r in reports.items() if m < month]
    previous = max(earlier, key=lambda r: r.month) if earlier else None
    existing = reports.get(month)
    is_correction = False
    if previous is not None and amount < previous.cumulative_amount:
        if not correction_note:
            raise ValidationError({"cumulative_amount": _(
                "年度累计完成投资（%(amount)s万元）低于%(month)s月的%(prev)s万元；如确需更正，请填写更正说明。") % {
                "amount": amount, "month": previous.month, "prev": previous.cumulative_amount}})
        is_correction = True
    if existing is not None and existing.cumulative_amount != amount:
        if not correction_note:
            raise ValidationError({"cumulative_amount": _(
                "%(month)s月已填报%(prev)s万元；修改已填报的数据须填写更正说明。") % {
                "month": month, "prev": existing.cumulative_amount}})
        is_correction = True
    when = at or timezone.now()
    if existing is None:
        row = InvestmentReport(project=project, year=year, month=month, cumulative_amount=amount, note=note or "",
                               is_correction=is_correction, correction_note=correction_note if is_correction else "",
                               reported_by=actor, reported_at=when)
        row.full_clean()
        row.save()
        audit_change(AuditAction.CREATE, row, actor=actor)
    else:
        before = snapshot(existing)
        existing.cumulative_amount = amount
        existing.note = note or existing.note
        existing.is_correction = existing.is_correction or is_correction
        if is_correction:
            existing.correction_note = correction_note
        existing.reported_by, existing.reported_at = actor, when
        existing.full_clean()
        existing.save()
        audit_change(AuditAction.UPDATE, existing, actor=actor, before=before)
        row = existing
    if timeline:
        text = _("填报%(year)s年%(month)s月累计完成投资%(amount)s万元") % {"year": year, "month": month, "amount": amount}
        if is_correction:
            text += _("（更正：%(note)s）") % {"note": correction_note}
        _timeline(project, actor, text, {"investment": {"year": year, "month": month, "amount": str(amount)}}, at=at)
    if refresh:
        _refresh_light(project, today)
    return row


@service
def monthly_update(*, actor, project, expected_version, year, month, cumulative_amount, note="", correction_note="",
                   image_progress=None, problems=None, today=None):
    """The responsible unit's monthly form in one go (填一次): the month's cumulative investment plus the
    ledger's 形象进度 and 存在问题 columns — all or nothing. `expected_version`: the project's version the form
    showed (missing → 428, stale → 409 before anything is written), or TRUSTED."""
    expected = require_version(expected_version)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if expected is not TRUSTED and locked.version != expected:
        raise Conflict(data={"current_version": locked.version})
    row = investment_report(actor=actor, project=project, year=year, month=month,
                            cumulative_amount=cumulative_amount, note=note, correction_note=correction_note,
                            today=today)
    changes = {}
    current = Project.objects.get(pk=project.pk)
    if image_progress is not None and image_progress != current.image_progress:
        changes["image_progress"] = image_progress
    if problems is not None and problems != current.problems:
        changes["problems"] = problems
    if changes:  # the project is locked since the version check: the version it has now is the one checked
        project_update(actor=actor, project=current, changes=changes, expected_version=TRUSTED)
    return row


# ------------------------------------------------------------------------------------------ lists

@service
def project_list_get_or_create(*, actor, year, level, name):
    found = ProjectList.objects.filter(year=year, level=level, name=name).first()
    return found or create_object(ProjectList(year=year, level=level, name=name), actor=actor)


# ------------------------------------------------------------------------------------------ signing events

def _may_manage_events(actor, body):
    return may_dispatch(actor, body)


@service
def signing_event_create(*, actor, name, kind, date, owning_body, place="", note=""):
    if not _may_manage_events(actor, owning_body):
        deny(actor, "signing_event_create", _("只有本专班调度人员或系统管理员可以登记签约活动。"),
             object_type="projects.signingevent", object_repr=str(owning_body or ""))
    event = SigningEvent(name=(name or "").strip(), kind=kind, date=parse_date(date, "date"), place=place or "",
                         owning_body=owning_body, note=note or "")
    return create_object(event, actor=actor)


@service
def signed_project_add(*, actor, event, project, amount):
    """Record that `project` was signed at `event` for `amount` (签约金额, 万元)."""
    if not _may_manage_events(actor, event.owning_body):
        deny(actor, "signed_project_add", _("只有本专班调度人员或系统管理员可以登记签约项目。"), obj=event)
    amount = parse_amount(amount, "amount", label=_("签约金额"))
    if SignedProject.objects.filter(event=event, project_id=project.pk).exists():
        raise ValidationError({"project": _("该项目已在本次活动中签约。")})
    return create_object(SignedProject(event=event, project_id=project.pk, amount=amount), actor=actor)


# ------------------------------------------------------------------------------------------ carriers

CARRIER_FIELDS = ("name", "kind", "area", "managing_unit", "address", "total_area", "usable_area", "occupied_area",
                  "tenants", "theme", "lng", "lat")


def may_manage_carrier(actor, carrier=None):
    if is_admin(actor):
        return True
    if carrier is not None and carrier.managing_unit_id and actor.unit_id == carrier.managing_unit_id:
        return True
    return actor.has_perm("projects.change_carrier")


def _clean_carrier_data(data):
    data = {k: v for k, v in data.items() if k in CARRIER_FIELDS}
    labels = {"total_area": _("总面积"), "usable_area": _("可招商面积"), "occupied_area": _("已入驻面积")}
    for key, label in labels.items():
        if key in data:
            data[key] = parse_amount(data[key], key, label=label, unit=_("平方米"))
    return data


@service
def carrier_save(*, actor, carrier=None, data, expected_version=None):
    """Create (carrier=None) or change a carrier (招商载体); utilisation is computed, never typed. A change needs
    `expected_version`, the version the user saw (missing → 428, stale → 409), or TRUSTED."""
    if not may_manage_carrier(actor, carrier):
        deny(actor, "carrier_save", _("只有载体管理单位或系统管理员可以维护招商载体。"), obj=carrier,
             object_type="" if carrier else "projects.carrier")
    data = _clean_carrier_data(data)
    if carrier is None:
        return create_object(Carrier(**data), actor=actor)
    return update_object(carrier, actor=actor, changes=data, expected_version=expected_version)
