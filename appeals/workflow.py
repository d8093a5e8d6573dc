"""The appeal's own rows of the workflow table (added to items.workflow.TRANSITIONS via its KindSpec).

    action      label      from            to            who
    assign      派单       草稿            待签收        交办方 (the dispatching centre)     starts the clock if 派单起算
    accept      签收       待签收          办理中        责任单位                          starts the clock if 签收起算
    bounce      回退       待签收/办理中   已回退        责任单位, reason code, within 2 working days of 派单;
                                                         not after 仲裁 (a unit may find out only after 签收)
    reassign    重新派单   已回退          待签收        交办方 (may change the lead unit)
    arbitrate   仲裁       已回退          待签收        交办方: rules who owns it; that unit can no longer bounce
    reply       答复办结   办理中          已办结        责任单位: outcome + reply (the category's template if empty)
    rate        评价       已办结          (same)        交办方 records the requester's rating; 不满意 for a
                                                         subjective reason reopens it once (→ 办理中)
    follow_up   回访       已办结          (same)        交办方: the follow-up call, optionally with a rating

The shared rows (extension, urge, escalate, instruct …) apply to appeals unchanged; submit/approve/return
are the appeal's own (they move the SLA clock) and keep the shared rule that nobody reviews what they
submitted (`separate_from`), as 延期审批 keeps it for the requester. Each row here wraps the shared side
effect (items.services.HANDLERS) and adds the SLA clock (appeals.sla): the deadline is set when the clock
starts, and time spent in a pause state moves the deadlines on. The appeal's own fields a handler changes
(outcome, reply, satisfaction …) are in perform()'s audit diff.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationError
from items.calendar import add_workdays
from items.models import ItemState
from items.services import HANDLERS, _lead_unit_users
from items.workflow import ASSIGNEE, DISPATCHER, LEAD_UNIT, Transition

from . import sla
from .models import Appeal, DissatisfactionReason, Level, Outcome, Satisfaction
from .services import render_template

KIND = "appeal"


def _appeal(ctx):
    cached = getattr(ctx, "_appeal", None)
    if cached is None:
        cached = Appeal.objects.select_related("category", "category__parent").get(pk=ctx.item.pk)
        ctx._appeal = cached
    return cached


def _update(ctx, **fields):
    """Change the appeal's own fields. perform()'s audit row shows them in its diff (it snapshots the kind's
    row too), so no audit row of its own here."""
    appeal = _appeal(ctx)
    Appeal.objects.filter(pk=ctx.item.pk).update(**fields)
    for name, value in fields.items():
        setattr(appeal, name, value)


def _start_clock(ctx):
    appeal = _appeal(ctx)
    _sign, _finish, _clock, _pauses = sla.sla_of(appeal.category, urgent=appeal.is_urgent)
    due = sla.finish_deadline(appeal.category, ctx.now, urgent=appeal.is_urgent)
    # The first deadline is the SLA's; an extension later moves due_date and keeps original_due_date.
    ctx.set(due_date=due, original_due_date=due)
    _update(ctx, clock_started_at=ctx.now)
    ctx.action_data["due_date"] = due.isoformat()


def _clock(ctx, target):
    """Start, pause or resume the SLA clock for a move from the item's state to `target`."""
    appeal = _appeal(ctx)
    _sign, _finish, clock_start, pauses = sla.sla_of(appeal.category, urgent=appeal.is_urgent)
    source = ctx.item.state
    if target is None or target == source:
        return
    if appeal.clock_started_at is None:
        if (clock_start == "dispatch" and target == ItemState.ASSIGNED) or (
                clock_start == "accept" and target == ItemState.IN_PROGRESS):
            _start_clock(ctx)
        return
    if target in pauses and source not in pauses and appeal.paused_since is None:
        _update(ctx, paused_since=ctx.now)
    elif source in pauses and target not in pauses and appeal.paused_since is not None:
        days = sla.paused_workdays(appeal.paused_since, ctx.now)
        if days and ctx.item.due_date is not None:
            ctx.set(due_date=add_workdays(ctx.item.due_date, days),
                    original_due_date=add_workdays(ctx.item.original_due_date or ctx.item.due_date, days))
            if appeal.sign_due_date:
                _update(ctx, sign_due_date=add_workdays(appeal.sign_due_date, days))
            ctx.action_data["paused_workdays"] = days
        _update(ctx, paused_since=None, paused_workdays=appeal.paused_workdays + days)


def _shared(action):
    return HANDLERS[action]


def _h_assign(ctx):
    _shared("assign")(ctx)
    appeal = _appeal(ctx)
    _update(ctx, sign_due_date=sla.sign_deadline(appeal.category, ctx.now, urgent=appeal.is_urgent))
    _clock(ctx, ItemState.ASSIGNED)


def _h_accept(ctx):
    _shared("accept")(ctx)
    _clock(ctx, ItemState.IN_PROGRESS)


def _h_bounce(ctx):
    appeal = _appeal(ctx)
    if appeal.arbitrated:
        raise ValidationError({"reason_code": _("该工单已由派单中心仲裁确定责任单位，不能再回退。")})
    _shared("bounce")(ctx)
    _clock(ctx, ItemState.BOUNCED)


def _h_reassign(ctx):
    _shared("reassign")(ctx)
    appeal = _appeal(ctx)
    _update(ctx, sign_due_date=sla.sign_deadline(appeal.category, ctx.now, urgent=appeal.is_urgent))
    _clock(ctx, ItemState.ASSIGNED)


def _h_arbitrate(ctx):
    _h_reassign(ctx)
    _update(ctx, arbitrated=True)
    ctx.action_data["arbitrated"] = True


def _h_reply(ctx):
    appeal = _appeal(ctx)
    outcome = ctx.data.get("outcome")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("请选择办理结果（解决、解释说明或不予受理）。")})
    level = ctx.data.get("level") or appeal.level
    if level not in Level.values:
        raise ValidationError({"level": _("事权层级无效。")})
    reply = str(ctx.data.get("reply") or "").strip() or render_template(appeal, unit=ctx.item.lead_unit,
                                                                       at=ctx.now)
    if not reply:
        raise ValidationError({"reply": _("请填写答复内容（该类别没有答复模板）。")})
    _update(ctx, outcome=outcome, level=level, reply=reply, replied_at=ctx.now)
    ctx.set(closed_at=ctx.now, progress_percent=100)
    ctx.action_data.update({"outcome": outcome, "level": level})
    _clock(ctx, ItemState.CLOSED)


def _h_submit(ctx):
    _shared("submit")(ctx)
    _clock(ctx, ItemState.SUBMITTED)


def _h_approve(ctx):
    _shared("approve")(ctx)
    appeal = _appeal(ctx)
    outcome = ctx.data.get("outcome") or appeal.outcome or Outcome.SOLVED
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("办理结果无效。")})
    reply = str(ctx.data.get("reply") or "").strip() or appeal.reply
    _update(ctx, outcome=outcome, reply=reply, replied_at=appeal.replied_at or ctx.now)
    _clock(ctx, ItemState.CLOSED)


def _h_return(ctx):
    _shared("return")(ctx)
    _clock(ctx, ItemState.IN_PROGRESS)


def _h_reopen(ctx):
    _shared("reopen")(ctx)
    _clock(ctx, ItemState.IN_PROGRESS)


def apply_rating(ctx, satisfaction, reason):
    """Record a rating; 不满意 for a subjective reason reopens the appeal once (→ 办理中)."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度。")})
    if satisfaction == Satisfaction.DISSATISFIED and reason not in DissatisfactionReason.values:
        raise ValidationError({"dissatisfaction_reason": _("请选择不满意的原因。")})
    if satisfaction != Satisfaction.DISSATISFIED:
        reason = ""
    appeal = _appeal(ctx)
    fields = {"satisfaction": satisfaction, "dissatisfaction_reason": reason, "rated_at": ctx.now}
    ctx.action_data.update({"satisfaction": satisfaction, "dissatisfaction_reason": reason})
    if (satisfaction == Satisfaction.DISSATISFIED and reason == DissatisfactionReason.SUBJECTIVE
            and not appeal.reopened_for_dissatisfaction):
        fields["reopened_for_dissatisfaction"] = True
        ctx.set(state=ItemState.IN_PROGRESS, closed_at=None, submitted_at=None, progress_percent=0)
        ctx.action_data["reopened"] = True
        ctx.notify(_lead_unit_users(ctx.item), "reopen",
                   _("诉求人不满意，工单重新办理：%(item)s") % {"item": ctx.item})
    _update(ctx, **fields)


def _h_rate(ctx):
    apply_rating(ctx, ctx.data.get("satisfaction"), ctx.data.get("dissatisfaction_reason", ""))


def _h_follow_up(ctx):
    _update(ctx, follow_up_note=ctx.note.strip(), follow_up_at=ctx.now, follow_up_by=ctx.actor)
    if ctx.data.get("satisfaction"):
        apply_rating(ctx, ctx.data.get("satisfaction"), ctx.data.get("dissatisfaction_reason", ""))


CLOSED = (ItemState.CLOSED,)
K = (KIND,)

TRANSITIONS = [
    Transition("assign", gettext_lazy("派单"), (ItemState.DRAFT,), ItemState.ASSIGNED, (DISPATCHER,), kinds=K,
               handler=_h_assign, help=gettext_lazy("派给责任单位；按类别时限计算签收和办结期限。")),
    Transition("accept", gettext_lazy("签收"), (ItemState.ASSIGNED,), ItemState.IN_PROGRESS, (LEAD_UNIT, ASSIGNEE),
               kinds=K, style="success", handler=_h_accept),
    Transition("bounce", gettext_lazy("回退"), (ItemState.ASSIGNED, ItemState.IN_PROGRESS), ItemState.BOUNCED,
               (LEAD_UNIT, ASSIGNEE),
               required=("reason_code",), kinds=K, style="danger", handler=_h_bounce,
               help=gettext_lazy("派单后2个工作日内可回退，须选择原因；回退期间暂停计时。")),
    Transition("reassign", gettext_lazy("重新派单"), (ItemState.BOUNCED,), ItemState.ASSIGNED, (DISPATCHER,),
               kinds=K, handler=_h_reassign),
    Transition("arbitrate", gettext_lazy("仲裁"), (ItemState.BOUNCED,), ItemState.ASSIGNED, (DISPATCHER,),
               required=("note",), kinds=K, style="warning", handler=_h_arbitrate,
               help=gettext_lazy("单位间对责任有争议时由派单中心裁定责任单位，裁定后不能再回退。")),
    Transition("reply", gettext_lazy("答复办结"), (ItemState.IN_PROGRESS,), ItemState.CLOSED, (LEAD_UNIT, ASSIGNEE),
               kinds=K, style="success", handler=_h_reply,
               help=gettext_lazy("填写办理结果和答复内容（留空则使用类别答复模板），工单办结。")),
    Transition("submit", gettext_lazy("提交审核"), (ItemState.IN_PROGRESS,), ItemState.SUBMITTED,
               (LEAD_UNIT, ASSIGNEE), kinds=K, style="outline-success", handler=_h_submit),
    # 审核 by someone else than who submitted (separation of duties, as the shared rows): the 12345 operator
    # who registered a work order routed to their own unit is both 交办方 and 责任单位.
    Transition("approve", gettext_lazy("审核办结"), (ItemState.SUBMITTED,), ItemState.CLOSED, (DISPATCHER,),
               kinds=K, style="success", handler=_h_approve, separate_from=("submit",),
               help=gettext_lazy("审核通过，工单办结（不能审核自己提交的工单）。")),
    Transition("return", gettext_lazy("退回"), (ItemState.SUBMITTED,), ItemState.IN_PROGRESS, (DISPATCHER,),
               required=("note",), kinds=K, style="warning", handler=_h_return, separate_from=("submit",)),
    Transition("reopen", gettext_lazy("重新打开"), CLOSED, ItemState.IN_PROGRESS, (DISPATCHER,),
               required=("note",), kinds=K, style="outline-danger", handler=_h_reopen),
    Transition("rate", gettext_lazy("评价"), CLOSED, None, (DISPATCHER,), required=("satisfaction",), kinds=K,
               style="outline-primary", handler=_h_rate,
               help=gettext_lazy("登记诉求人的满意度；主观原因不满意的工单重新办理一次。")),
    Transition("follow_up", gettext_lazy("回访"), CLOSED, None, (DISPATCHER,), required=("note",), kinds=K,
               style="outline-primary", handler=_h_follow_up, help=gettext_lazy("登记回访情况。")),
]
