"""The key task's own row of the workflow table (added to items.workflow.TRANSITIONS through its KindSpec).

    approve  审核通过  待审核 → 已办结  交办方, not the one who submitted (separation of duties, shared rule)
             and only once there is progress to review: a key task with no 旬报 at 0 % cannot be closed.

The row is the shared one with the kind's handler: the check, then the shared side effect
(items.services.HANDLERS["approve"]). The refusal is audited (a DENIED workflow row) like perform()'s own.
"""
import dataclasses

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audit.models import AuditAction
from core.services import deny
from items.services import HANDLERS
from items.workflow import TRANSITIONS as SHARED_TRANSITIONS

KIND = "task"


def _h_approve(ctx):
    item = ctx.item
    if not item.progress_percent and not item.reports.exists():
        message = _("该任务尚未报送旬报、完成进度为0%，不能审核通过：请责任单位先报送工作进展。")
        deny(ctx.actor, "approve", error=ValidationError({"action": message}), obj=item,
             audit_action=AuditAction.WORKFLOW, object_repr=str(item))
    HANDLERS["approve"](ctx)


_SHARED_APPROVE = next(t for t in SHARED_TRANSITIONS if t.action == "approve")
APPROVE = dataclasses.replace(_SHARED_APPROVE, kinds=(KIND,), handler=_h_approve)

TRANSITIONS = [APPROVE]
