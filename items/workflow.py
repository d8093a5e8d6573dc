"""The item workflow as one readable table: (from states, action, to state, who may do it, required input).

Every ledger kind shares TRANSITIONS; a kind adds its own rows through its KindSpec (items.kinds) — a
finding's verification step, for example. `items.services.perform()` is the one function that applies a
row: pages, the API, commands, imports and the demo all go through it. docs/workflow.md explains the table.

Who may act is a *relationship* between the user and the item (roles_of), not a global permission:

    dispatcher  交办方: a member (seat) of the item's owning body, the item's creator, or an administrator
    reviewer    审核方: the same people as dispatcher
    lead_unit   责任单位: the user works in the item's lead unit
    co_unit     配合单位: the user works in one of the co-units
    assignee    经办人: the user is the item's assignee
    leader      领导: a district leader (role "district_leader") or a seat in the command HQ (总指挥部)
    supervisor  督查: role "supervisor" (作风督查组)
    admin       系统管理员: superuser or role "admin"
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_admin, is_leader, is_supervisor
from accounts.scope import user_scope

from .calendar import workdays_between
from .kinds import kind_spec
from .models import DONE_STATES, OPEN_STATES, ItemAction, ItemState

DISPATCHER = "dispatcher"
REVIEWER = "reviewer"
LEAD_UNIT = "lead_unit"
CO_UNIT = "co_unit"
ASSIGNEE = "assignee"
LEADER = "leader"
SUPERVISOR = "supervisor"
ADMIN = "admin"

ROLE_LABELS = {
    DISPATCHER: _("交办方"), REVIEWER: _("审核方"), LEAD_UNIT: _("责任单位"), CO_UNIT: _("配合单位"),
    ASSIGNEE: _("经办人"), LEADER: _("领导"), SUPERVISOR: _("督查人员"), ADMIN: _("系统管理员"),
}

# What each required-input code means (used in messages and docs/workflow.md).
REQUIRED_LABELS = {
    "note": _("说明"), "reason_code": _("回退原因"), "due_date": _("日期"), "percent": _("完成进度"),
    "narrative": _("进展情况"), "reply": _("回复内容"), "instruction_id": _("批示"),
    "extension_id": _("延期申请"), "decision": _("审批意见"),
}

# 回退 reason codes: a bounce must say why, so that passing items around is visible and measurable.
BOUNCE_REASONS: list[tuple[str, str]] = [
    ("not_our_duty", _("不属于本单位职责")),
    ("wrong_area", _("不属于本辖区")),
    ("beyond_power", _("超出本单位权限，需上级协调")),
    ("duplicate", _("重复交办")),
    ("unclear", _("交办内容不清，无法办理")),
    ("other", _("其他原因")),
]

EXTENSION_DECISIONS: list[tuple[str, str]] = [("approve", _("同意")), ("reject", _("不同意"))]

ALL_STATES = tuple(ItemState.values)
OPEN = tuple(OPEN_STATES)
OPEN_AND_DONE = tuple(OPEN_STATES) + tuple(DONE_STATES)
WORKING = (ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.SUBMITTED)
EVERYONE = (DISPATCHER, LEAD_UNIT, CO_UNIT, ASSIGNEE, LEADER, SUPERVISOR, ADMIN)


@dataclass(frozen=True)
class Transition:
    action: str  # "accept"
    label: str  # _("签收") (lazy)
    sources: tuple[str, ...]  # from states (ItemState values)
    target: str | None  # to state; None = state unchanged (report, urge, instruct …)
    roles: tuple[str, ...]  # who may: relationship roles, see roles_of()
    required: tuple[str, ...] = ()  # required input codes, see REQUIRED_LABELS
    kinds: tuple[str, ...] = ()  # empty = every kind
    style: str = "primary"  # bootstrap colour of the button
    # A kind's extra row may bring its own side effect: handler(ctx) (see items.services.ActionContext);
    # shared rows have theirs in items.services.HANDLERS.
    handler: Callable | None = field(default=None, compare=False)
    help: str = ""  # one line for docs/workflow.md and the button's title
    # A kind's row may take a shared action away from the kind: never offered as a button, and perform()
    # refuses it (audited as denied) with `help` as the message — a finding has no 提交审核, only 整改.
    withdrawn: bool = False
    # Separation of duties: this row must be done by someone else than the actor of the latest of these
    # actions on the item (审核 not by who 提交; 延期审批 not by who applied). Kinds switch it off with
    # KindSpec(separation_of_duties=False).
    separate_from: tuple[str, ...] = ()

    def applies_to(self, kind):
        return not self.kinds or kind in self.kinds


TRANSITIONS: list[Transition] = [
    Transition("assign", _("交办"), (ItemState.DRAFT,), ItemState.ASSIGNED, (DISPATCHER,),
               help=_("把草稿交给责任单位办理（需已指定责任单位）。")),
    Transition("accept", _("签收"), (ItemState.ASSIGNED,), ItemState.IN_PROGRESS, (LEAD_UNIT, ASSIGNEE),
               style="success", help=_("责任单位签收，开始办理。")),
    Transition("bounce", _("回退"), (ItemState.ASSIGNED,), ItemState.BOUNCED, (LEAD_UNIT, ASSIGNEE),
               required=("reason_code",), style="danger",
               help=_("交办后规定工作日内可回退，须说明原因。")),
    Transition("reassign", _("重新交办"), (ItemState.BOUNCED,), ItemState.ASSIGNED, (DISPATCHER,),
               help=_("回退后重新交办，可更换责任单位（data.lead_unit）。")),
    Transition("report", _("旬报"), (ItemState.IN_PROGRESS,), None, (LEAD_UNIT, ASSIGNEE),
               required=("percent", "narrative"), help=_("报送本旬进展。")),
    Transition("submit", _("提交审核"), (ItemState.IN_PROGRESS,), ItemState.SUBMITTED, (LEAD_UNIT, ASSIGNEE),
               style="success", help=_("办理完毕，提交交办方审核。")),
    Transition("approve", _("审核通过"), (ItemState.SUBMITTED,), ItemState.CLOSED, (DISPATCHER,),
               style="success", separate_from=("submit",), help=_("审核通过，事项办结（不能审核自己提交的事项）。")),
    Transition("return", _("退回"), (ItemState.SUBMITTED,), ItemState.IN_PROGRESS, (DISPATCHER,),
               required=("note",), style="warning", separate_from=("submit",),
               help=_("审核不通过，退回继续办理，须写明原因。")),
    Transition("request_extension", _("延期申请"), WORKING, None, (LEAD_UNIT, ASSIGNEE),
               required=("due_date", "note"), style="outline-secondary",
               help=_("申请延长办理期限，待交办方审批。")),
    Transition("decide_extension", _("延期审批"), WORKING, None, (DISPATCHER,),
               required=("extension_id", "decision"), style="outline-primary", separate_from=("request_extension",),
               help=_("同意则期限改为申请日期，原定期限保留。")),
    Transition("urge", _("催办"), OPEN, None, (DISPATCHER, LEADER, SUPERVISOR), style="outline-warning",
               help=_("提醒责任单位加快办理。")),
    Transition("escalate", _("督办"), OPEN, None, (LEADER, SUPERVISOR, DISPATCHER), style="outline-danger",
               help=_("提高督办级别（一般→重点→挂牌督办），并通知领导。")),
    Transition("instruct", _("批示"), OPEN, None, (LEADER,), required=("note", "due_date"),
               style="outline-danger", help=_("领导批示，要求在期限内回复。")),
    Transition("reply_instruction", _("回复批示"), OPEN_AND_DONE, None, (LEAD_UNIT, ASSIGNEE),
               required=("instruction_id", "reply"), style="outline-primary", help=_("回复领导批示。")),
    Transition("reopen", _("重新打开"), (ItemState.CLOSED,), ItemState.IN_PROGRESS, (DISPATCHER, LEADER),
               required=("note",), style="outline-danger", help=_("已办结事项重新办理，须写明原因。")),
    Transition("comment", _("备注"), ALL_STATES, None, EVERYONE, required=("note",), style="outline-secondary",
               help=_("在时间线上记一笔，不改变状态。")),
]


def transitions_for(kind) -> list[Transition]:
    """The shared rows that apply to `kind`, then the kind's own rows (KindSpec.transitions)."""
    rows = [t for t in TRANSITIONS if t.applies_to(kind)]
    spec = kind_spec(kind)
    if spec is not None:
        rows += [t for t in spec.transitions if t.applies_to(kind)]
    return rows


def find_transition(kind, state, action) -> Transition | None:
    """The row for (kind, state, action); a kind's own row wins over a shared one of the same action."""
    found = None
    for t in transitions_for(kind):
        if t.action == action and state in t.sources:
            found = t
    return found


def action_label(kind, action):
    """The label of `action` for `kind`; a kind's own row wins (an appeal's 派单 over the shared 交办)."""
    label = action
    for t in transitions_for(kind):
        if t.action == action:
            label = t.label  # kind rows come last in transitions_for, so the last match is the kind's
    return label


def known_actions(kind) -> list[str]:
    seen = []
    for t in transitions_for(kind):
        if t.action not in seen:
            seen.append(t.action)
    return seen


# --- who the user is to the item -------------------------------------------------------------------

# is_admin / is_leader / is_supervisor: the one set of role predicates (accounts.roles), re-exported here
# for the workflow's readers.
def user_roles(user) -> set[str]:
    """The roles a user has regardless of any particular item (leader, supervisor, admin)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    roles = set()
    if is_admin(user):
        roles |= {ADMIN, DISPATCHER, REVIEWER}
    if is_leader(user):
        roles.add(LEADER)
    if is_supervisor(user):
        roles.add(SUPERVISOR)
    return roles


def roles_of(user, item) -> set[str]:
    """Relationship roles of `user` to `item` (see the module docstring). Costs at most a few queries per
    user (cached on the user object) plus one for the co-units unless they are prefetched."""
    roles = user_roles(user)
    if not roles and (user is None or not getattr(user, "is_authenticated", False) or not user.is_active):
        return roles
    if (item.owning_body_id and item.owning_body_id in user_scope(user).body_ids) or (
            item.created_by_id and item.created_by_id == user.pk):
        roles |= {DISPATCHER, REVIEWER}
    if user.unit_id and item.lead_unit_id == user.unit_id:
        roles.add(LEAD_UNIT)
    if item.assignee_id and item.assignee_id == user.pk:
        roles.add(ASSIGNEE)
    if user.unit_id and item.pk:
        prefetched = getattr(item, "_prefetched_objects_cache", {}).get("co_units")
        if prefetched is not None:
            co = any(u.pk == user.unit_id for u in prefetched)
        else:
            co = item.co_units.filter(pk=user.unit_id).exists()
        if co:
            roles.add(CO_UNIT)
    return roles


def available_actions(item, user) -> list[Transition]:
    """The buttons `user` gets on `item` now: rows valid in its state whose roles the user has.
    Time-limited rows (回退) are left out once their window has passed."""
    roles = roles_of(user, item)
    if not roles:
        return []
    result, seen = [], set()
    for row in transitions_for(item.kind):
        if row.action in seen:
            continue
        seen.add(row.action)
        t = find_transition(item.kind, item.state, row.action)  # the kind's own row wins, as in perform()
        if t is not None and not t.withdrawn and roles & set(t.roles) and not separation_violated(item, user, t):
            if t.action == "bounce" and not bounce_window_open(item):
                continue
            if t.action == "decide_extension" and not item.extensions.filter(status="pending").exists():
                continue
            if t.action == "request_extension" and item.extensions.filter(status="pending").exists():
                continue
            if t.action == "reply_instruction" and not item.instructions.filter(replied_at__isnull=True).exists():
                continue
            result.append(t)
    return result


def separation_violated(item, actor, transition) -> bool:
    """Separation of duties (Transition.separate_from, KindSpec.separation_of_duties): `actor` did the latest
    of the actions this row must be done by someone else than (审核 after their own 提交, 延期审批 of their
    own application)."""
    if not transition.separate_from:
        return False
    spec = kind_spec(item.kind)
    if spec is not None and not spec.separation_of_duties:
        return False
    last = (ItemAction.objects.filter(item_id=item.pk, action__in=transition.separate_from)
            .order_by("-time", "-id").values_list("actor_id", flat=True).first())
    return last is not None and last == getattr(actor, "pk", None)


def bounce_window_open(item, today=None) -> bool:
    """回退 is allowed only within settings.ITEM_BOUNCE_WORKING_DAYS working days of the assignment."""
    if item.assigned_at is None:
        return True
    limit = getattr(settings, "ITEM_BOUNCE_WORKING_DAYS", 2)
    today = today or timezone.localdate()
    assigned_on = timezone.localtime(item.assigned_at).date()
    return workdays_between(assigned_on, today) <= limit
