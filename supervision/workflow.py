"""The finding's own workflow rows (added to items.workflow.TRANSITIONS through its KindSpec).

    in_progress --rectify 整改 (lead unit / assignee, evidence files)--------------> rectified (待核验)
    rectified   --verify 核验销号 (supervisor outside the rectifying unit, evidence)--> struck_off (已销号)
    rectified   --fail_verification 核验不通过 (supervisor, reason)-----------------> in_progress
    struck_off  --review_again 回头看 (supervisor, reason, N days after 销号)--------> in_progress

A finding never goes through 提交审核/审核通过: its "submit" row is withdrawn (no button; perform() refuses it
with a pointer to 整改), so the only
way to close a finding is a verification by someone outside the rectifying unit.
"""
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import PermissionDenied, ValidationError
from items.models import Attachment, ItemAction, ItemState
from items.workflow import ASSIGNEE, LEAD_UNIT, SUPERVISOR, Transition

from . import conf

KIND = "finding"


def _finding_update(ctx, **fields):
    from .models import Finding

    Finding.objects.filter(pk=ctx.item.pk).update(**fields)


def _supervisors():
    from accounts.models import User

    return list(User.objects.filter(roles__code="supervisor", is_active=True).distinct())


def last_rejection_time(item_id):
    """When the evidence was last refused (核验不通过 / 回头看): evidence older than that no longer counts."""
    return (ItemAction.objects.filter(item_id=item_id, action__in=("fail_verification", "review_again"))
            .order_by("-time").values_list("time", flat=True).first())


def current_evidence(item_id):
    """Attachments uploaded with 整改 since the last refusal — what a verifier looks at."""
    qs = Attachment.objects.filter(item_id=item_id, action__action="rectify")
    since = last_rejection_time(item_id)
    if since is not None:
        qs = qs.filter(action__time__gt=since)
    return qs


def in_rectifying_unit(user, item):
    """Whether `user` works in the rectifying (lead) unit or a unit below it (a village under the town)."""
    if not user.unit_id or not item.lead_unit_id:
        return False
    if user.unit_id == item.lead_unit_id:
        return True
    lead_path = item.lead_unit.path if item.lead_unit.path else None
    return bool(lead_path) and user.unit.path.startswith(lead_path)


def _h_rectify(ctx):
    evidence = ctx.data.get("evidence") or {}
    names = list(evidence.get("before") or []) + list(evidence.get("after") or [])
    if not names:
        raise ValidationError({"files": _("请上传整改佐证材料（整改前后照片或文件），没有佐证材料不能提交整改。")})
    ctx.set(submitted_at=ctx.now)
    _finding_update(ctx, rectified_at=ctx.now)
    ctx.action_data["evidence_count"] = len(names)
    ctx.notify(_supervisors(), "rectify", _("督查问题已整改，待核验：%(item)s") % {"item": ctx.item})


def _h_verify(ctx):
    item = ctx.item
    if in_rectifying_unit(ctx.actor, item):
        raise PermissionDenied(_("整改单位不能核验本单位的问题：须由整改单位以外的督查人员核验销号。"))
    evidence = current_evidence(item.pk)
    if not evidence.exists():
        raise ValidationError({"files": _("该问题没有整改佐证材料，不能销号。")})
    ctx.set(closed_at=ctx.now, progress_percent=100)
    _finding_update(ctx, verified_by=ctx.actor, verified_at=ctx.now)
    ctx.action_data["evidence_ids"] = list(evidence.values_list("pk", flat=True))
    ctx.notify(_lead_unit_users(item), "verify", _("督查问题已核验销号：%(item)s") % {"item": item})


def _h_fail_verification(ctx):
    ctx.set(submitted_at=None)
    _finding_update(ctx, rectified_at=None)
    ctx.notify(_lead_unit_users(ctx.item), "fail_verification",
               _("整改核验不通过：%(item)s（%(note)s）") % {"item": ctx.item, "note": ctx.note})


def _h_review_again(ctx):
    from items.calendar import add_workdays

    from .models import Finding

    finding = Finding.objects.get(pk=ctx.item.pk)
    days = conf.review_after_days()
    if finding.verified_at is not None and ctx.now < finding.verified_at + timedelta(days=days):
        raise ValidationError({"action": _("销号后满%(n)s天方可回头看（销号时间：%(at)s）。") % {
            "n": days, "at": finding.verified_at.date()}})
    due = add_workdays(ctx.today, finding.rectify_workdays)
    ctx.set(closed_at=None, submitted_at=None, due_date=due)
    _finding_update(ctx, verified_by=None, verified_at=None, rectified_at=None)
    ctx.action_data["due_date"] = due.isoformat()
    ctx.notify(_lead_unit_users(ctx.item), "review_again",
               _("回头看发现问题反弹，重新整改：%(item)s") % {"item": ctx.item})


def _lead_unit_users(item):
    from items.services import _lead_unit_users as users

    return users(item)


TRANSITIONS = [
    Transition("rectify", gettext_lazy("整改"), (ItemState.IN_PROGRESS,), ItemState.RECTIFIED, (LEAD_UNIT, ASSIGNEE),
               kinds=(KIND,), style="success", handler=_h_rectify,
               help=gettext_lazy("整改完成，上传整改前后照片或文件，提交督查人员核验。")),
    Transition("verify", gettext_lazy("核验销号"), (ItemState.RECTIFIED,), ItemState.STRUCK_OFF, (SUPERVISOR,),
               kinds=(KIND,), style="success", handler=_h_verify,
               help=gettext_lazy("整改单位以外的督查人员核验佐证材料后销号。")),
    Transition("fail_verification", gettext_lazy("核验不通过"), (ItemState.RECTIFIED,), ItemState.IN_PROGRESS,
               (SUPERVISOR,), required=("note",), kinds=(KIND,), style="warning", handler=_h_fail_verification,
               help=gettext_lazy("整改不到位，退回继续整改，须写明原因。")),
    Transition("review_again", gettext_lazy("回头看"), (ItemState.STRUCK_OFF,), ItemState.IN_PROGRESS,
               (SUPERVISOR,), required=("note",), kinds=(KIND,), style="outline-danger", handler=_h_review_again,
               help=gettext_lazy("销号后回头看发现问题反弹，重新整改。")),
    Transition("submit", gettext_lazy("提交审核"), (ItemState.IN_PROGRESS,), None, (LEAD_UNIT, ASSIGNEE),
               kinds=(KIND,), withdrawn=True,
               help=gettext_lazy("督查问题不走“提交审核”：请通过“整改”上传佐证材料，由督查人员核验销号。")),
]


def finding_light(item, today):
    """A finding waiting for verification is the supervisors' move: nothing to add for the unit."""
    return None
