"""Key-task services — the only code that creates key tasks and completes milestones.

Creation goes through items.services.item_create (number, timeline, audit, assignment); the task's own
fields travel in `extra`. Who may 交办 key tasks for a body is the one rule of accounts.roles.may_dispatch
(a seat in the body or in a body above it, a leader, an administrator). A refusal is `deny()`-ed inside
`@service`: the call rolls back, the DENIED audit row is written after the rollback and survives.
"""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import may_dispatch
from audit.models import AuditAction
from audit.services import audit_change, snapshot
from core.services import TRUSTED, deny, parse_date, service
from items.services import item_create, perform
from items.workflow import ADMIN, ASSIGNEE, DISPATCHER, LEAD_UNIT, roles_of

from .models import KeyTask, Milestone


def _check_dispatch(actor, owning_body, what):
    if not may_dispatch(actor, owning_body):
        deny(actor, what, _("只有本专班（机构）的调度人员或系统管理员可以交办重点任务。"),
             object_type="tasks.keytask", object_repr=str(owning_body or ""))


def _clean_milestones(milestones, due_date):
    rows = []
    for i, m in enumerate(milestones or ()):
        if isinstance(m, dict):
            title, m_due = (m.get("title") or "").strip(), m.get("due_date")
        else:
            title, m_due = m[0], m[1]
        if not title and not m_due:
            continue
        if not title or not m_due:
            raise ValidationError({"milestones": _("第%(n)s个节点的内容和期限都要填写。") % {"n": i + 1}})
        m_due = parse_date(m_due, "milestones")
        if due_date and m_due > due_date:
            raise ValidationError({"milestones": _("节点“%(title)s”的期限不能晚于任务期限。") % {"title": title}})
        rows.append((title, m_due))
    return rows


def _save_milestones(task, rows):
    objs = [Milestone(task=task, title=title, due_date=due, sort_order=i) for i, (title, due) in enumerate(rows)]
    for obj in objs:
        obj.full_clean(exclude=["task"])
    Milestone.objects.bulk_create(objs)


@service
def task_create(*, actor, title, owning_body, lead_unit, due_date, target, measures="", milestones=(),
                co_units=(), responsible_leader=None, assign=True, at=None, target_value=None, target_unit="",
                year=None, description="", supervision_level="normal", area=None, parent=None,
                check_scope=True):
    """Create one key task (重点任务) of `owning_body` for `lead_unit`, with its milestones (节点);
    `assign=True` also 交办 it (state 待签收)."""
    if check_scope:
        _check_dispatch(actor, owning_body, "task_create")
    if not (target or "").strip():
        raise ValidationError({"target": _("请填写目标任务。")})
    if due_date is None:
        raise ValidationError({"due_date": _("请填写办理期限。")})
    rows = _clean_milestones(milestones, due_date)
    when = at or timezone.now()
    year = year or (owning_body.mechanism.year if owning_body is not None else timezone.localtime(when).year)
    if area is None and lead_unit is not None:
        area = lead_unit.area
    task = item_create(
        actor=actor, kind="task", title=title, lead_unit=lead_unit, owning_body=owning_body, area=area,
        co_units=tuple(co_units), responsible_leader=responsible_leader, due_date=due_date,
        supervision_level=supervision_level, description=description, parent=parent, assign=assign, at=at,
        model=KeyTask,
        extra={"target": target, "measures": measures or "", "target_value": target_value,
               "target_unit": target_unit or "", "year": year},
    )
    _save_milestones(task, rows)
    return task


@service
def task_assign_bulk(*, actor, title, owning_body, units, due_date, target, measures="", milestones=(),
                     responsible_leader=None, at=None, target_value=None, target_unit="", year=None,
                     description="", supervision_level="normal"):
    """交办 one task to several units: one parent KeyTask (the task force's own item, not assigned to a
    unit; the units are its co-units) and one linked child per unit (parent=…), all or nothing.
    Returns (parent, children)."""
    _check_dispatch(actor, owning_body, "task_assign_bulk")
    units = list(dict.fromkeys(units))
    if len(units) < 2:
        raise ValidationError({"units": _("批量交办至少要选择两个责任单位。")})
    common = dict(actor=actor, title=title, owning_body=owning_body, due_date=due_date, target=target,
                  measures=measures, milestones=milestones, responsible_leader=responsible_leader, at=at,
                  target_value=target_value, target_unit=target_unit, year=year, description=description,
                  supervision_level=supervision_level, check_scope=False)
    area = owning_body.lead_unit.area if owning_body.lead_unit_id else None
    parent = task_create(lead_unit=None, co_units=units, assign=False, area=area, **common)
    children = [task_create(lead_unit=unit, parent=parent, assign=True, **common) for unit in units]
    return parent, children


def may_update_milestones(actor, task):
    """The lead unit, the assignee, the dispatcher (owning body) or an administrator."""
    return bool(roles_of(actor, task) & {ADMIN, ASSIGNEE, DISPATCHER, LEAD_UNIT})


@service
def milestone_complete(*, actor, milestone, at=None, note="", undo=False):
    """Mark a milestone (节点) done (or not done with undo=True); the task's light is recomputed and the
    step appears on the task's timeline as a comment. Marking is idempotent (done stays done), so it needs
    no version: the task is locked here and the comment is written on the version just read."""
    task = KeyTask.objects.select_for_update().get(pk=milestone.task_id)
    if not may_update_milestones(actor, task):
        deny(actor, "milestone_complete", _("只有责任单位或本专班调度人员可以更新节点。"), obj=milestone)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = snapshot(milestone)
    when = at or timezone.now()
    if undo:
        if milestone.done_at is None:
            return milestone
        milestone.done_at = None
        text = _("撤销节点完成：%(title)s") % {"title": milestone.title}
    else:
        if milestone.done_at is not None:
            return milestone
        milestone.done_at = when
        text = _("完成节点：%(title)s") % {"title": milestone.title}
    milestone.save(update_fields=["done_at"])
    audit_change(AuditAction.UPDATE, milestone, actor=actor, before=before)
    perform(task, "comment", actor, TRUSTED, note=(text + ("。" + note if note else "")),
            data={"milestone": milestone.pk, "done": not undo}, at=at)
    return milestone
