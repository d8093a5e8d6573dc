"""The trail of an imported row, written in bulk: its audit row and, for an item, a timeline line naming the
batch — for a target whose bulk service writes many rows at once (a row-by-row service writes its own).

    record_created(rows, actor=, batch=)                       audit CREATE + timeline "导入新增（导入批次 …）"
    record_updated(pairs, actor=, batch=)                      pairs of (row, before snapshot): audit UPDATE diff
    record_deleted(rows, actor=, batch=)                       before the delete of an undo: audit DELETE

The timeline line is an ItemAction "import" (no state change: from_state = to_state), shown on the item page
like any other line. Call inside the writing transaction.
"""
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record_many, diff, snapshot
from core.bulk import insert_rows
from items.models import Item, ItemAction

IMPORT_ACTION = "import"


def _timeline(rows, actor, note, batch):
    items = [r for r in rows if isinstance(r, Item)]
    if not items:
        return
    now = timezone.now()
    unit_id = getattr(actor, "unit_id", None)
    name = actor.get_full_name() or actor.get_username() if actor is not None else ""
    actor_id = getattr(actor, "pk", None)
    insert_rows(ItemAction, [
        {"item": item.pk, "action": IMPORT_ACTION, "actor": actor_id, "actor_name": name, "unit": unit_id, "time": now,
         "from_state": item.state, "to_state": item.state, "note": note, "data": {"batch": batch.number},
         "reason_code": "", "request_key": None}
        for item in items])


def record_created(rows, *, actor, batch):
    audit_record_many([{"action": AuditAction.CREATE, "obj": row, "after": snapshot(row), "message": batch.label}
                       for row in rows], actor=actor)
    _timeline(rows, actor, _("导入新增（%(batch)s）") % {"batch": batch.label}, batch)


def record_updated(pairs, *, actor, batch, undo=False):
    entries = []
    for row, before in pairs:
        old, new = diff(before, snapshot(row))
        entries.append({"action": AuditAction.UPDATE, "obj": row, "before": old, "after": new,
                        "message": batch.label})
    audit_record_many(entries, actor=actor)
    note = _("撤销导入，恢复原值（%(batch)s）") if undo else _("导入更新（%(batch)s）")
    _timeline([row for row, _before in pairs], actor, note % {"batch": batch.label}, batch)


def record_deleted(rows, *, actor, batch):
    audit_record_many([{"action": AuditAction.DELETE, "obj": row, "before": snapshot(row),
                        "message": _("撤销导入（%(batch)s）") % {"batch": batch.label}} for row in rows], actor=actor)
