"""The workflows a defined ledger may use — rows added to items.workflow.TRANSITIONS through the ledger's own
kind (ledgers.kinds builds one KindSpec per definition):

    register  登记 → 办结            register (草稿 → 办理中) at creation; close 办结 (办理中 → 已办结)
    shared    交办 → 签收 → 办理 → 审核 → 办结    the shared table as it is (the entry is 交办 at creation)
    rectify   整改 → 核验 → 销号      register at creation; rectify 整改 (办理中 → 待核验, by the unit);
                                    verify 核验销号 (待核验 → 已销号) / fail_verification 核验不通过 (→ 办理中),
                                    by someone outside the rectifying unit and not the one who rectified

A ledger that owes no 旬 reports has the shared 旬报 row withdrawn; register and rectify withdraw 提交审核.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import PermissionDenied
from items.models import ItemState
from items.workflow import ADMIN, ASSIGNEE, DISPATCHER, LEAD_UNIT, LEADER, SUPERVISOR, Transition

from .models import Workflow

ENTRY_ACTION = {Workflow.REGISTER: "register", Workflow.RECTIFY: "register", Workflow.SHARED: "assign"}


def _h_register(ctx):
    ctx.set(assigned_at=ctx.now, accepted_at=ctx.now)


def _h_close(ctx):
    ctx.set(closed_at=ctx.now, progress_percent=100)


def _h_rectify(ctx):
    ctx.set(submitted_at=ctx.now)


def in_rectifying_unit(user, item):
    """Whether `user` works in the rectifying (lead) unit or a unit below it (a village under the town)."""
    if not user.unit_id or not item.lead_unit_id:
        return False
    return user.unit_id == item.lead_unit_id or bool(item.lead_unit.path) and user.unit.path.startswith(
        item.lead_unit.path)


def _h_verify(ctx):
    if in_rectifying_unit(ctx.actor, ctx.item):
        raise PermissionDenied(_("整改单位不能核验本单位的整改：须由整改单位以外的人员核验销号。"))
    ctx.set(closed_at=ctx.now, progress_percent=100)


def _h_fail(ctx):
    ctx.set(submitted_at=None)


REGISTER = Transition("register", gettext_lazy("登记"), (ItemState.DRAFT,), ItemState.IN_PROGRESS,
                      (DISPATCHER, LEAD_UNIT, ADMIN), handler=_h_register, help=gettext_lazy("登记入账，开始办理。"))
CLOSE = Transition("close", gettext_lazy("办结"), (ItemState.IN_PROGRESS,), ItemState.CLOSED,
                   (LEAD_UNIT, ASSIGNEE, DISPATCHER, ADMIN), style="success", handler=_h_close,
                   help=gettext_lazy("办理完毕，登记办结。"))
RECTIFY = Transition("rectify", gettext_lazy("整改"), (ItemState.IN_PROGRESS,), ItemState.RECTIFIED,
                     (LEAD_UNIT, ASSIGNEE), required=("note",), style="success", handler=_h_rectify,
                     help=gettext_lazy("整改完成，写明整改情况（可附照片），提交核验。"))
VERIFY = Transition("verify", gettext_lazy("核验销号"), (ItemState.RECTIFIED,), ItemState.STRUCK_OFF,
                    (DISPATCHER, SUPERVISOR, LEADER, ADMIN), style="success", handler=_h_verify,
                    separate_from=("rectify",), help=gettext_lazy("整改单位以外的人员核验后销号。"))
FAIL = Transition("fail_verification", gettext_lazy("核验不通过"), (ItemState.RECTIFIED,), ItemState.IN_PROGRESS,
                  (DISPATCHER, SUPERVISOR, LEADER, ADMIN), required=("note",), style="warning", handler=_h_fail,
                  separate_from=("rectify",), help=gettext_lazy("整改不到位，退回继续整改，须写明原因。"))
NO_SUBMIT = Transition("submit", gettext_lazy("提交审核"), (ItemState.IN_PROGRESS,), None, (LEAD_UNIT, ASSIGNEE),
                       withdrawn=True, help=gettext_lazy("本台账不走“提交审核”。"))
NO_REPORT = Transition("report", gettext_lazy("旬报"), (ItemState.IN_PROGRESS,), None, (LEAD_UNIT, ASSIGNEE),
                       withdrawn=True, help=gettext_lazy("本台账不需要每旬报送进展。"))

ROWS = {
    Workflow.REGISTER: [REGISTER, CLOSE, NO_SUBMIT],
    Workflow.SHARED: [],
    Workflow.RECTIFY: [REGISTER, RECTIFY, VERIFY, FAIL, NO_SUBMIT],
}


def transitions(definition):
    rows = list(ROWS[definition.workflow])
    if not definition.dekad_reports:
        rows.append(NO_REPORT)
    return rows
