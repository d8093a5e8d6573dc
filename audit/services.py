"""audit_record — the one writer of the audit log. Call it inside the transaction of the change it records."""
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from core.bulk import insert_rows
from core.masking import mask
from core.requestcontext import current

from .models import AuditAction, AuditChainHead, AuditLog, AuditOutcome

HASHED_FIELDS = (
    "time", "user_id", "username", "unit_name", "ip", "request_id", "source", "action", "outcome",
    "object_type", "object_id", "object_repr", "message", "before", "after",
)


def _canonical(value):
    """JSON as any database returns it: PostgreSQL's jsonb gives an integral float back as an integer
    (1e20 → 100000000000000000000, 2.0 → 2.0 but 1e20 is not 1e+20), so integral floats hash as integers."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def row_digest(prev_hash, values):
    """sha256 over the previous hash and the row's fields in a canonical JSON form."""
    payload = {name: _canonical(values[name]) for name in HASHED_FIELDS}
    payload["time"] = values["time"].isoformat() if hasattr(values["time"], "isoformat") else values["time"]
    text = prev_hash + json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot(obj, fields=None):
    """A JSON-safe dict of a model instance's concrete fields, personal data masked (model.personal_fields)."""
    if obj is None:
        return None
    personal = getattr(obj, "personal_fields", {}) or {}
    # A model whose personal data sits inside a value (a defined ledger's JSON of values) masks it itself.
    hook = getattr(obj, "audit_snapshot_value", None)
    data = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        value = getattr(obj, f.attname)
        if f.name in personal and value:
            value = mask(personal[f.name], value)
        elif hook is not None:
            value = hook(f.name, value)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        data[f.name] = value
    return data


def diff(before, after):
    """Keep only the keys that changed, so an update's record shows what changed."""
    if not before or not after:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k) and k not in {"updated_at", "version"}]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _user_fields(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", ""
    unit = getattr(user, "unit", None)
    return user.pk, user.get_username(), str(unit) if unit else ""


@transaction.atomic
def audit_record(*, action, obj=None, actor=None, before=None, after=None, message="", outcome=AuditOutcome.SUCCESS,
                 object_type="", object_id="", object_repr="", username=""):
    ctx = current()
    actor = actor if actor is not None else ctx.actor()
    user_id, actor_name, unit_name = _user_fields(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk or "")
        object_repr = object_repr or str(obj)[:300]
    values = {
        "time": timezone.now(),
        "user_id": user_id,
        "username": actor_name or username,
        "unit_name": unit_name,
        "ip": ctx.ip,
        "request_id": ctx.request_id,
        "source": ctx.source,
        "action": action,
        "outcome": outcome,
        "object_type": object_type,
        "object_id": str(object_id),
        "object_repr": object_repr[:300],
        "message": str(message),
        "before": before,
        "after": after,
    }
    # Serialize appenders on the chain head (row lock on PostgreSQL; SQLite IMMEDIATE already serializes).
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    # Round-trip the JSON fields so the digest is computed over exactly what the database returns.
    for name in ("before", "after"):
        if values[name] is not None:
            values[name] = json.loads(json.dumps(values[name], ensure_ascii=False, default=str))
    digest = row_digest(head.last_hash, values)
    entry = AuditLog.objects.create(prev_hash=head.last_hash, hash=digest, **values)
    AuditChainHead.objects.filter(pk=1).update(last_hash=digest)
    return entry


@transaction.atomic
def audit_record_many(entries, *, actor=None):
    """Append many rows at once (an import's rows): one lock on the chain head, the chain computed in order,
    one prepared INSERT executed for every row (core.bulk). `entries`: dicts of audit_record's keyword
    arguments (action, obj or object_type/id/repr, before, after, message)."""
    ctx = current()
    actor = actor if actor is not None else ctx.actor()
    user_id, actor_name, unit_name = _user_fields(actor)
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    prev, rows, now = head.last_hash, [], timezone.now()
    common = {"time": now, "user_id": user_id, "username": actor_name, "unit_name": unit_name, "ip": ctx.ip,
              "request_id": ctx.request_id, "source": ctx.source}
    for entry in entries:
        obj = entry.get("obj")
        values = {
            **common, "action": entry["action"], "outcome": entry.get("outcome", AuditOutcome.SUCCESS),
            "object_type": entry.get("object_type") or (obj._meta.label_lower if obj is not None else ""),
            "object_id": str(entry.get("object_id") or (obj.pk if obj is not None else "") or ""),
            "object_repr": (entry.get("object_repr") or (str(obj) if obj is not None else ""))[:300],
            "message": str(entry.get("message", "")),
            # as the database returns JSON (the digest is computed over exactly that)
            "before": _as_stored(entry.get("before")), "after": _as_stored(entry.get("after")),
        }
        digest = row_digest(prev, values)
        values["prev_hash"], values["hash"] = prev, digest
        rows.append(values)
        prev = digest
    insert_rows(AuditLog, rows)
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    return rows


def _as_stored(value):
    if value is None:
        return None
    if isinstance(value, dict) and all(isinstance(v, (str, int, bool)) or v is None for v in value.values()):
        return value  # already what JSON gives back (snapshots are mostly flat strings and numbers)
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def audit_change(action, obj, *, actor=None, before=None, message=""):
    """Record a create/update/delete of `obj`; `before` is a snapshot taken before the change."""
    after = snapshot(obj) if action != AuditAction.DELETE else None
    if action == AuditAction.UPDATE:
        before, after = diff(before, after)
    return audit_record(action=action, obj=obj, actor=actor, before=before, after=after, message=message)


def audit_verify():
    """Walk the chain in insertion order; return a list of (id, problem) — empty when intact."""
    problems = []
    prev = ""
    for entry in AuditLog.objects.order_by("id").iterator():
        values = {name: getattr(entry, name) for name in HASHED_FIELDS}
        if entry.prev_hash != prev:
            problems.append((entry.pk, "prev_hash does not match the previous row (row removed or reordered)"))
        if row_digest(entry.prev_hash, values) != entry.hash:
            problems.append((entry.pk, "content does not match its hash (row altered)"))
        prev = entry.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev:
        problems.append((None, "chain head does not match the last row (rows removed at the end)"))
    return problems
