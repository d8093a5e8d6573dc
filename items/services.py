"""Item services — the only code that creates items and moves them through the workflow.

`perform()` is the one function pages, the API, management commands, imports and the demo use to apply a
row of items.workflow.TRANSITIONS. In one transaction it locks the item, checks scope and role, validates
the input, compares the version (compare-and-swap), applies the action's side effects, writes the timeline
row (ItemAction), the attachments and the audit row, recomputes the traffic light, bumps the version and —
once the transaction has committed — sends the notifications. A repeated request key returns the timeline
row already written for it and does nothing else.
"""
from __future__ import annotations

import datetime
import functools
import logging
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import user_scope, visible_to
from audit.models import AuditAction
from audit.services import audit_change, audit_record, diff, snapshot
from core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from core.services import TRUSTED, Denied, parse_date, refusal_error, require_version, update_object
from org.models import BodyKind, Unit

from . import calendar as workcal  # noqa: F401  (connects the calendar cache invalidation)
from .attachments import check_upload, save_attachment
from .kinds import kind_spec
from .lights import compute_light
from .models import (
    ExtensionRequest,
    Instruction,
    Item,
    ItemAction,
    ItemKind,
    ItemState,
    NumberSequence,
    ProgressReport,
    RequestStatus,
    SupervisionLevel,
)
from .notifications import notify as send_notification
from .periods import is_late, period_of
from .workflow import (
    ADMIN,
    BOUNCE_REASONS,
    DISPATCHER,
    EXTENSION_DECISIONS,
    LEADER,
    action_label,
    bounce_window_open,
    find_transition,
    known_actions,
    roles_of,
    separation_violated,
    user_roles,
)

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "SX"  # 事项: kinds without a KindSpec


def retry_when_locked(fn):
    """SQLite's shared-cache in-memory database (the test database) reports a concurrent writer as "database
    table is locked" at once instead of waiting like a file database does (busy timeout). The whole
    transaction is then retried for up to LOCK_RETRY_SECONDS. Only when the call is the outermost
    transaction; inside a caller's transaction the error goes up to the caller."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        deadline = time.monotonic() + LOCK_RETRY_SECONDS
        while True:
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                if (connection.vendor != "sqlite" or connection.in_atomic_block
                        or "table is locked" not in str(exc) or time.monotonic() > deadline):
                    raise
                time.sleep(0.01 + random.random() * 0.04)

    return wrapper


LOCK_RETRY_SECONDS = 20


# --- numbers ------------------------------------------------------------------------------------------

def next_number(prefix: str, year: int) -> str:
    """The next number "RW-2024-0012" for (prefix, year), taken under a row lock on NumberSequence so two
    concurrent creations never get the same number. Call inside a transaction."""
    with transaction.atomic():
        NumberSequence.objects.get_or_create(prefix=prefix, year=year)
        seq = NumberSequence.objects.select_for_update().get(prefix=prefix, year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
    return f"{prefix}-{year}-{seq.last:04d}"


def next_numbers(prefix: str, year: int, count: int) -> list[str]:
    """`count` consecutive numbers for (prefix, year) under one row lock (a bulk import takes its block at once)."""
    with transaction.atomic():
        NumberSequence.objects.get_or_create(prefix=prefix, year=year)
        seq = NumberSequence.objects.select_for_update().get(prefix=prefix, year=year)
        first = seq.last + 1
        seq.last += count
        seq.save(update_fields=["last"])
    return [f"{prefix}-{year}-{n:04d}" for n in range(first, first + count)]


# --- creating -----------------------------------------------------------------------------------------

def may_create(actor, *, owning_body=None, lead_unit=None) -> bool:
    """May `actor` create an item for this body/unit? An administrator anywhere; a leader anywhere; a member
    of the owning body for that body; without a body, a user whose data scope covers the lead unit."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    roles = user_roles(actor)
    if ADMIN in roles or LEADER in roles:
        return True
    scope = user_scope(actor)
    if owning_body is not None:
        return owning_body.pk in scope.body_ids
    if lead_unit is not None:
        return scope.everything or lead_unit.pk in scope.unit_ids
    return False


@retry_when_locked
@transaction.atomic
def item_create(*, actor, kind, title, lead_unit=None, owning_body=None, area=None, co_units=(),
                responsible_leader=None, assignee=None, due_date=None, supervision_level="normal",
                description="", parent=None, assign=False, at=None, model=None, extra=None,
                notify=None) -> Item:
    """Create an item of `kind` (a draft, or assigned right away with assign=True).

    `model` is the kind's Item subclass (default: the registered one, or Item itself); `extra` the
    subclass's own fields. The number (RW-2024-0012) comes from NumberSequence with the KindSpec's prefix.
    """
    spec = kind_spec(kind)
    if kind not in ItemKind.values and spec is None:
        raise ValidationError({"kind": _("未知的台账类别：%(kind)s") % {"kind": kind}})
    if not may_create(actor, owning_body=owning_body, lead_unit=lead_unit):
        raise PermissionDenied(_("您无权在该机构或单位下创建事项。"))
    if supervision_level not in SupervisionLevel.values:
        raise ValidationError({"supervision_level": _("督办级别无效。")})
    model = model or (spec.model if spec else None) or Item
    prefix = spec.prefix if spec else DEFAULT_PREFIX
    now = at or timezone.now()
    year = timezone.localtime(now).year if timezone.is_aware(now) else now.year
    obj = model(kind=kind, title=(title or "").strip(), description=description or "", lead_unit=lead_unit,
                owning_body=owning_body, area=area or (lead_unit.area if lead_unit is not None else None),
                responsible_leader=responsible_leader, assignee=assignee, due_date=due_date,
                original_due_date=due_date, supervision_level=supervision_level, parent=parent,
                created_by=actor, state=ItemState.DRAFT, **(extra or {}))
    obj.number = "-"  # placeholder so full_clean can run before a number is spent
    # kind: checked above against ItemKind and the registry (a registered kind needs no ItemKind value)
    obj.full_clean(exclude=["number", "kind"])
    obj.number = next_number(prefix, year)
    obj.save()
    if at is not None:
        Item.objects.filter(pk=obj.pk).update(created_at=at)
        obj.created_at = at
    if co_units:
        obj.co_units.set(co_units)
    audit_change(AuditAction.CREATE, obj, actor=actor)
    if assign:
        perform(obj, "assign", actor, obj.version, at=at, notify=notify)
        obj.refresh_from_db()
    return obj


# Fields editable after creation; the others move only through the workflow (state, due date …).
EDITABLE_ALWAYS = {"title", "description", "area", "responsible_leader", "assignee", "co_units"}
EDITABLE_IN_DRAFT = {"lead_unit", "owning_body", "due_date", "supervision_level", "parent"}


@transaction.atomic
def item_update_fields(*, item, actor, expected_version, changes) -> Item:
    """Edit an item's descriptive fields (not its state) with a compare-and-swap on the version and an
    audit row. Lead unit, body and due date may change only while the item is a draft (afterwards:
    重新交办 and 延期); a kind's own fields are always editable by the dispatcher."""
    current = _load_for_actor(item, actor)
    roles = roles_of(actor, current)
    if not roles & {DISPATCHER, ADMIN}:
        raise PermissionDenied(_("只有交办方可以修改事项内容。"))
    base_fields = {f.name for f in Item._meta.get_fields()}
    bad = []
    for name in changes:
        if name in base_fields:
            allowed = EDITABLE_ALWAYS | (EDITABLE_IN_DRAFT if current.state == ItemState.DRAFT else set())
            if name not in allowed:
                bad.append(name)
    if bad:
        raise ValidationError({name: _("该字段不能在此修改（请通过流程操作）。") for name in bad})
    expected_version = require_version(expected_version)
    changes = dict(changes)
    m2m = {"co_units": changes.pop("co_units")} if "co_units" in changes else None
    if "due_date" in changes:
        changes["original_due_date"] = changes["due_date"]
    try:
        specific = current.specific
    except ObjectDoesNotExist:  # created with model=Item before the kind registered its own table
        specific = current
    known = {f.name for f in type(specific)._meta.get_fields() if f.concrete and not f.primary_key}
    unknown = [name for name in changes if name not in known and name not in (m2m or {})]
    if unknown:
        raise ValidationError({name: _("未知字段。") for name in unknown})
    obj = update_object(specific, actor=actor, changes=changes, expected_version=expected_version, m2m=m2m)
    light, reason = compute_light(obj)
    if (light, reason) != (obj.light, obj.light_reason):
        Item.objects.filter(pk=obj.pk).update(light=light, light_reason=reason)
        obj.light, obj.light_reason = light, reason
    return obj


def _load_for_actor(item, actor, lock=False):
    pk = item.pk if isinstance(item, Item) else item
    qs = Item.objects.all()
    if lock:
        qs = qs.select_for_update()
    try:
        obj = qs.get(pk=pk)
    except Item.DoesNotExist as exc:
        raise NotFound() from exc
    if not visible_to(actor, Item.objects.filter(pk=pk)).exists():
        raise NotFound()
    return obj


# --- the workflow -------------------------------------------------------------------------------------

@dataclass
class ActionContext:
    """What a transition's handler gets: the locked item (changed in place), who acts, the cleaned input,
    and where to put follow-ups (extra data for the timeline row, notifications sent on commit)."""

    item: Item
    actor: object
    transition: object
    note: str
    reason_code: str
    data: dict
    cleaned: dict
    now: datetime.datetime
    today: datetime.date
    action_data: dict = field(default_factory=dict)
    notifications: list = field(default_factory=list)  # (users, verb, text)
    changed: set = field(default_factory=set)

    def set(self, **fields):
        for name, value in fields.items():
            setattr(self.item, name, value)
            self.changed.add(name)

    def notify(self, users, verb, text):
        self.notifications.append((users, verb, text))


def _parse_date(value):
    """A date from action input, or None when it is missing or not a date (the caller names the field)."""
    try:
        return parse_date(value, required=False)
    except ValidationError:
        return None


def _clean_required(transition, item, note, reason_code, data):
    """Check the transition's required input; return cleaned values or raise ValidationError with
    Chinese messages per field."""
    errors, cleaned = {}, {}
    for code in transition.required:
        if code == "note":
            if not (note or "").strip():
                errors["note"] = _("请填写说明。")
        elif code == "reason_code":
            codes = dict(BOUNCE_REASONS)
            if not reason_code:
                errors["reason_code"] = _("请选择原因。")
            elif transition.action == "bounce" and reason_code not in codes:
                errors["reason_code"] = _("原因代码无效。")
        elif code == "due_date":
            value = _parse_date(data.get("due_date"))
            if value is None:
                errors["due_date"] = _("请输入有效的日期（YYYY-MM-DD）。")
            else:
                cleaned["due_date"] = value
        elif code == "percent":
            try:
                value = int(data.get("percent"))
            except (TypeError, ValueError):
                value = None
            if value is None or not 0 <= value <= 100:
                errors["percent"] = _("完成进度须为 0 到 100 之间的整数。")
            else:
                cleaned["percent"] = value
        elif code in ("narrative", "reply"):
            value = str(data.get(code) or "").strip()
            if not value:
                errors[code] = _("请填写进展情况。") if code == "narrative" else _("请填写回复内容。")
            else:
                cleaned[code] = value
        elif code in ("instruction_id", "extension_id"):
            try:
                cleaned[code] = int(data.get(code))
            except (TypeError, ValueError):
                errors[code] = _("请选择批示。") if code == "instruction_id" else _("请选择延期申请。")
        elif code == "decision":
            value = data.get("decision")
            if value not in dict(EXTENSION_DECISIONS):
                errors["decision"] = _("请选择同意或不同意。")
            else:
                cleaned["decision"] = value
        else:
            value = data.get(code)
            if value in (None, ""):
                errors[code] = _("此项为必填项。")
            else:
                cleaned[code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lead_unit_users(item):
    users = list(User.objects.filter(unit_id=item.lead_unit_id, is_active=True)) if item.lead_unit_id else []
    if item.assignee_id and all(u.pk != item.assignee_id for u in users):
        users.append(item.assignee)
    return users


def _dispatcher_users(item):
    users = {}
    if item.owning_body_id:
        for u in User.objects.filter(person__seats__body_id=item.owning_body_id, is_active=True).distinct():
            users[u.pk] = u
    if item.created_by_id and item.created_by_id not in users:
        users[item.created_by_id] = item.created_by
    return list(users.values())


def _leader_users(item):
    qs = User.objects.filter(is_active=True).filter(
        Q(roles__code="district_leader") | Q(person__seats__body__kind=BodyKind.COMMAND)).distinct()
    users = {u.pk: u for u in qs}
    if item.responsible_leader_id:
        account = User.objects.filter(person_id=item.responsible_leader_id, is_active=True).first()
        if account:
            users[account.pk] = account
    return list(users.values())


# Side effects of the shared rows, by action code. Each gets an ActionContext.

def _h_assign(ctx):
    item = ctx.item
    if item.lead_unit_id is None:
        raise ValidationError({"lead_unit": _("请先指定责任单位再交办。")})
    ctx.set(assigned_at=ctx.now, accepted_at=None)
    if item.original_due_date is None and item.due_date is not None:
        ctx.set(original_due_date=item.due_date)
    ctx.notify(_lead_unit_users(item), "assign", _("新交办事项：%(item)s") % {"item": item})


def _h_accept(ctx):
    ctx.set(accepted_at=ctx.now)
    if ctx.item.assignee_id is None and ctx.actor.unit_id == ctx.item.lead_unit_id:
        ctx.set(assignee=ctx.actor)


def _h_bounce(ctx):
    if not bounce_window_open(ctx.item, ctx.today):
        raise ValidationError({"reason_code": _("已超过回退期限（交办后 %(n)s 个工作日内可回退），如有争议请申请协调。")
                               % {"n": getattr(settings, "ITEM_BOUNCE_WORKING_DAYS", 2)}})
    ctx.action_data["reason_label"] = str(dict(BOUNCE_REASONS).get(ctx.reason_code, ctx.reason_code))
    ctx.notify(_dispatcher_users(ctx.item), "bounce", _("事项被回退：%(item)s（%(reason)s）")
               % {"item": ctx.item, "reason": ctx.action_data["reason_label"]})


def _h_reassign(ctx):
    new_unit = ctx.data.get("lead_unit")
    if new_unit not in (None, ""):
        unit_id = new_unit.pk if isinstance(new_unit, Unit) else new_unit
        try:
            unit = Unit.objects.get(pk=int(unit_id), is_active=True)
        except (Unit.DoesNotExist, TypeError, ValueError) as exc:
            raise ValidationError({"lead_unit": _("责任单位无效。")}) from exc
        if unit.pk != ctx.item.lead_unit_id:
            ctx.action_data["from_lead_unit"] = ctx.item.lead_unit_id
            ctx.action_data["lead_unit"] = unit.pk
            ctx.set(lead_unit=unit, assignee=None)
    _h_assign(ctx)


def _h_report(ctx):
    item = ctx.item
    period = period_of(ctx.today)
    if ctx.data.get("period_start"):
        requested = _parse_date(ctx.data.get("period_start"))
        if requested is None or period_of(requested).start != requested or requested > period.start:
            raise ValidationError({"period_start": _("所属旬无效。")})
        period = period_of(requested)
    figures = ctx.data.get("figures") or {}
    if not isinstance(figures, dict):
        raise ValidationError({"figures": _("数据格式无效。")})
    values = {"percent": ctx.cleaned["percent"], "narrative": ctx.cleaned["narrative"],
              "problems": str(ctx.data.get("problems") or ""), "next_steps": str(ctx.data.get("next_steps") or ""),
              "figures": figures, "reported_by": ctx.actor, "reported_at": ctx.now,
              "is_late": is_late(period, ctx.now)}
    report, created = ProgressReport.objects.update_or_create(item=item, period_start=period.start, defaults=values)
    ctx.action_data.update({"report_id": report.pk, "period_start": period.start.isoformat(),
                            "period": period.label, "replaced": not created, "is_late": values["is_late"]})
    ctx.set(progress_percent=ctx.cleaned["percent"])
    if item.last_report_on is None or period.start > item.last_report_on:
        ctx.set(last_report_on=period.start)


def _h_submit(ctx):
    ctx.set(submitted_at=ctx.now)
    ctx.notify(_dispatcher_users(ctx.item), "submit", _("事项提交审核：%(item)s") % {"item": ctx.item})


def _h_approve(ctx):
    ctx.set(closed_at=ctx.now, progress_percent=100)
    ctx.notify(_lead_unit_users(ctx.item), "approve", _("事项已办结：%(item)s") % {"item": ctx.item})


def _h_return(ctx):
    ctx.set(submitted_at=None)
    ctx.notify(_lead_unit_users(ctx.item), "return", _("事项被退回：%(item)s") % {"item": ctx.item})


def _h_request_extension(ctx):
    item = ctx.item
    requested = ctx.cleaned["due_date"]
    if item.due_date is None:
        raise ValidationError({"due_date": _("该事项未设办理期限，无需申请延期。")})
    if requested <= item.due_date:
        raise ValidationError({"due_date": _("申请延至的日期须晚于当前期限（%(due)s）。") % {"due": item.due_date}})
    if item.extensions.filter(status=RequestStatus.PENDING).exists():
        raise ValidationError({"due_date": _("已有一条待审批的延期申请。")})
    ext = ExtensionRequest.objects.create(item=item, requested_by=ctx.actor, requested_at=ctx.now,
                                         current_due=item.due_date, requested_due=requested, reason=ctx.note)
    ctx.action_data.update({"extension_id": ext.pk, "requested_due": requested.isoformat()})
    ctx.notify(_dispatcher_users(item), "request_extension",
               _("延期申请待审批：%(item)s 申请延至 %(due)s") % {"item": item, "due": requested})


def _h_decide_extension(ctx):
    item = ctx.item
    try:
        ext = item.extensions.select_for_update().get(pk=ctx.cleaned["extension_id"])
    except ExtensionRequest.DoesNotExist as exc:
        raise ValidationError({"extension_id": _("延期申请不存在。")}) from exc
    if ext.status != RequestStatus.PENDING:
        raise ValidationError({"extension_id": _("该延期申请已审批过。")})
    approve = ctx.cleaned["decision"] == "approve"
    ext.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    ext.decided_by, ext.decided_at, ext.decision_note = ctx.actor, ctx.now, ctx.note
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    ctx.action_data.update({"extension_id": ext.pk, "decision": ctx.cleaned["decision"],
                            "requested_due": ext.requested_due.isoformat()})
    if approve:
        ctx.set(original_due_date=item.original_due_date or item.due_date, due_date=ext.requested_due)
    text = (_("延期申请已同意：%(item)s 期限延至 %(due)s") if approve else _("延期申请未同意：%(item)s"))
    ctx.notify([ext.requested_by], "decide_extension", text % {"item": item, "due": ext.requested_due})


def _h_urge(ctx):
    ctx.notify(_lead_unit_users(ctx.item), "urge", _("催办：%(item)s %(note)s") % {"item": ctx.item, "note": ctx.note})


ESCALATION = {SupervisionLevel.NORMAL: SupervisionLevel.KEY, SupervisionLevel.KEY: SupervisionLevel.LISTED}


def _h_escalate(ctx):
    item = ctx.item
    new = ESCALATION.get(item.supervision_level)
    if new is None:
        raise ValidationError({"supervision_level": _("该事项已是挂牌督办，不能再提高督办级别。")})
    ctx.action_data.update({"from_level": item.supervision_level, "to_level": str(new)})
    ctx.set(supervision_level=new)
    text = _("督办（%(level)s）：%(item)s") % {"level": SupervisionLevel(new).label, "item": item}
    ctx.notify(_leader_users(item), "escalate", text)
    ctx.notify(_lead_unit_users(item), "escalate", text)


def _h_instruct(ctx):
    if ctx.cleaned["due_date"] < ctx.today:
        raise ValidationError({"due_date": _("回复期限不能早于今天。")})
    ins = Instruction.objects.create(item=ctx.item, leader=ctx.actor, text=ctx.note.strip(),
                                     reply_due=ctx.cleaned["due_date"], created_at=ctx.now)
    ctx.action_data.update({"instruction_id": ins.pk, "reply_due": ins.reply_due.isoformat()})
    ctx.notify(_lead_unit_users(ctx.item), "instruct", _("领导批示：%(item)s，请于 %(due)s 前回复")
               % {"item": ctx.item, "due": ins.reply_due})


def _h_reply_instruction(ctx):
    try:
        ins = ctx.item.instructions.select_for_update().get(pk=ctx.cleaned["instruction_id"])
    except Instruction.DoesNotExist as exc:
        raise ValidationError({"instruction_id": _("批示不存在。")}) from exc
    if ins.replied_at is not None:
        raise ValidationError({"instruction_id": _("该批示已回复。")})
    ins.reply, ins.replied_at, ins.replied_by = ctx.cleaned["reply"], ctx.now, ctx.actor
    ins.save(update_fields=["reply", "replied_at", "replied_by"])
    ctx.action_data.update({"instruction_id": ins.pk, "on_time": ctx.today <= ins.reply_due})
    ctx.notify([ins.leader], "reply_instruction", _("批示已回复：%(item)s") % {"item": ctx.item})


def _h_reopen(ctx):
    ctx.set(closed_at=None, submitted_at=None)
    ctx.notify(_lead_unit_users(ctx.item), "reopen", _("事项重新打开：%(item)s") % {"item": ctx.item})


def _h_comment(ctx):
    pass


HANDLERS = {
    "assign": _h_assign, "accept": _h_accept, "bounce": _h_bounce, "reassign": _h_reassign,
    "report": _h_report, "submit": _h_submit, "approve": _h_approve, "return": _h_return,
    "request_extension": _h_request_extension, "decide_extension": _h_decide_extension, "urge": _h_urge,
    "escalate": _h_escalate, "instruct": _h_instruct, "reply_instruction": _h_reply_instruction,
    "reopen": _h_reopen, "comment": _h_comment,
}

# Item fields an action may change (saved with update_fields).
STATE_FIELDS = ("state", "light", "light_reason", "version", "updated_at")


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@retry_when_locked
def perform(item, action, actor, expected_version, *, note="", reason_code="", data=None, files=(),
            request_key=None, at=None, notify=None) -> ItemAction:
    """Apply `action` to `item` as `actor`. See the module docstring.

    expected_version: the version the user saw (`core.services.require_version`: missing → 428, malformed →
    400), or `TRUSTED` for callers that act on the current version — commands, imports, the demo, a service
    acting on an item it has just changed. request_key: idempotency key; a repeat returns the first ItemAction.
    at: "now" for backfills and imports. notify: send notifications (default: yes, unless `at` is given).
    Raises NotFound (404), PermissionDenied (403), ValidationError (400), Conflict (409).
    """
    data = dict(data or {})
    request_key = (str(request_key)[:64] or None) if request_key else None
    item_id = item.pk if isinstance(item, Item) else int(item)
    # Read and check uploads before taking any lock: a bad file refuses the whole action.
    checked_files = [check_upload(f) for f in (files or ())]
    try:
        with transaction.atomic():
            row, ctx = _perform_locked(item_id, action, actor, expected_version, note=note or "",
                                       reason_code=reason_code or "", data=data, checked_files=checked_files,
                                       request_key=request_key, at=at)
    except Denied as denied:
        raise refusal_error(denied) from None
    except IntegrityError:
        # Two identical requests raced past the check: the loser returns the winner's row.
        if request_key:
            existing = ItemAction.objects.filter(item_id=item_id, request_key=request_key).first()
            if existing is not None:
                existing.replayed = True
                return existing
        raise
    if ctx is not None and ctx.notifications and (notify if notify is not None else at is None):
        _schedule_notifications(ctx)
    if isinstance(item, Item) and ctx is not None:
        _copy_back(item, ctx.item)
    return row


def _copy_back(target, source):
    """Let the caller's instance see the new state and version."""
    for f in Item._meta.concrete_fields:
        if not f.primary_key:
            setattr(target, f.attname, getattr(source, f.attname))


def _refuse(error, item, actor, action, message):
    """A refusal of `action`: rolled back, then audited as a denied workflow action (perform's caller)."""
    return Denied(error, actor=actor, what=action, obj=item, audit_action=AuditAction.WORKFLOW,
                  object_repr=str(item) if item else "")


def _kind_row(item):
    """The kind's own row of `item` (a Finding, a Project …), or None for a plain Item — so that the audit
    diff also shows what a handler changed in the kind's own fields."""
    spec = kind_spec(item.kind)
    if spec is None or spec.model is Item:
        return None
    return spec.model._default_manager.filter(pk=item.pk).first()


def _perform_locked(item_id, action, actor, expected_version, *, note, reason_code, data, checked_files,
                    request_key, at):
    now = at or timezone.now()
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    try:
        item = (Item.objects.select_for_update(of=("self",)).select_related("lead_unit", "owning_body")
                .get(pk=item_id))
    except Item.DoesNotExist:
        raise NotFound() from None
    if actor is None or not visible_to(actor, Item.objects.filter(pk=item_id)).exists():
        raise _refuse(NotFound(), item, actor, action, _("超出数据范围"))
    if request_key:
        existing = ItemAction.objects.filter(item_id=item_id, request_key=request_key).first()
        if existing is not None:
            existing.replayed = True  # the API answers 200 instead of 201
            return existing, None
    expected_version = require_version(expected_version)
    if expected_version is not TRUSTED and expected_version != item.version:
        raise Conflict(data={"current_version": item.version})
    transition = find_transition(item.kind, item.state, action)
    if transition is None:
        state_label = ItemState(item.state).label if item.state in ItemState.values else item.state
        if action in known_actions(item.kind):
            message = _("事项当前状态为“%(state)s”，不能执行“%(action)s”。") % {
                "state": state_label, "action": action_label(item.kind, action)}
        else:
            message = _("未知的操作：%(action)s") % {"action": action}
        raise _refuse(ValidationError({"action": message}), item, actor, action, message)
    if transition.withdrawn:
        message = str(transition.help)
        raise _refuse(ValidationError({"action": message}), item, actor, action, message)
    roles = roles_of(actor, item)
    if not roles & set(transition.roles):
        message = _("您无权对该事项执行“%(action)s”。") % {"action": transition.label}
        raise _refuse(PermissionDenied(message), item, actor, action, message)
    if separation_violated(item, actor, transition):
        message = _("“%(action)s”须由他人办理：不能审批自己提交或申请的事项。") % {"action": transition.label}
        raise _refuse(PermissionDenied(message, code="separation_of_duties"), item, actor, action, message)
    cleaned = _clean_required(transition, item, note, reason_code, data)
    kind_row = _kind_row(item)
    before = {**snapshot(item), **(snapshot(kind_row) or {})}
    ctx = ActionContext(item=item, actor=actor, transition=transition, note=note, reason_code=reason_code,
                        data=data, cleaned=cleaned, now=now, today=today)
    from_state = item.state
    handler = transition.handler or HANDLERS.get(transition.action)
    if handler is not None:
        handler(ctx)
    if transition.target is not None:
        ctx.set(state=transition.target)
    light, reason = compute_light(item, today)
    ctx.set(light=light, light_reason=reason)
    item.version += 1
    item.updated_at = timezone.now()
    fields = set(STATE_FIELDS) | ctx.changed
    item.save(update_fields=sorted(_attnames(fields)))
    row = ItemAction.objects.create(
        item=item, action=transition.action, actor=actor, actor_name=str(actor)[:100],
        unit_id=getattr(actor, "unit_id", None), time=now, from_state=from_state, to_state=item.state,
        note=note, reason_code=reason_code,
        data=_json_safe({**{k: v for k, v in data.items() if k not in ("files",)}, **ctx.action_data}),
        request_key=request_key)
    for checked in checked_files:
        save_attachment(item=item, action=row, checked=checked, actor=actor)
    kind_row = _kind_row(item) if kind_row is not None else None  # as the handler left it
    b, a = diff(before, {**snapshot(item), **(snapshot(kind_row) or {})})
    audit_record(action=AuditAction.WORKFLOW, obj=item, actor=actor, before=b, after=a,
                 message=f"{transition.action} {transition.label}: {note}"[:1000])
    return row, ctx


def _attnames(fields):
    names = []
    for name in fields:
        f = Item._meta.get_field(name)
        names.append(f.name)
    return names


def _schedule_notifications(ctx):
    item_id = ctx.item.pk
    actor_id = getattr(ctx.actor, "pk", None)
    batches = [([u.pk for u in users if u is not None and u.pk != actor_id], verb, str(text))
               for users, verb, text in ctx.notifications]

    def deliver():
        for user_ids, verb, text in batches:
            if user_ids:
                try:
                    send_notification(user_ids, item_id, verb, text)
                except Exception:  # noqa: BLE001 — a failed notification must not fail the committed action
                    log.exception("notification failed")

    transaction.on_commit(deliver)


__all__ = ["item_create", "perform", "item_update_fields", "next_number", "may_create", "HANDLERS",
           "ActionContext", "DomainError"]
