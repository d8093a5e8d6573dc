"""Generic write helpers every domain service uses: validate, save with a compare-and-swap on `version`,
and write the audit row — all in the caller's transaction."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from audit.models import AuditAction
from audit.services import audit_change, snapshot

from .errors import Conflict


def _bump_version(obj, expected_version):
    """Compare-and-swap: bump `version` only if it still equals `expected_version`."""
    model = type(obj)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise Conflict()
    obj.version = expected_version + 1


@transaction.atomic
def create_object(obj, *, actor, m2m=None):
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit_change(AuditAction.CREATE, obj, actor=actor)
    return obj


@transaction.atomic
def update_object(obj, *, actor, changes, expected_version=None, m2m=None):
    """Apply `changes` (field → value) to `obj`; refuse with Conflict if the row moved on meanwhile."""
    model = type(obj)
    current = model._default_manager.select_for_update().get(pk=obj.pk)
    before = snapshot(current)
    if hasattr(current, "version"):
        expected = current.version if expected_version is None else int(expected_version)
        if current.version != expected:
            raise Conflict()
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    if hasattr(current, "version"):
        _bump_version(current, expected)
    current.save()
    for name, values in (m2m or {}).items():
        getattr(current, name).set(values)
    audit_change(AuditAction.UPDATE, current, actor=actor, before=before)
    return current


@transaction.atomic
def delete_object(obj, *, actor, expected_version=None):
    from django.db.models import ProtectedError
    from django.utils.translation import gettext as _

    if expected_version is not None and getattr(obj, "version", None) not in (None, int(expected_version)):
        raise Conflict()
    before = snapshot(obj)
    pk, label = obj.pk, str(obj)
    try:
        obj.delete()
    except ProtectedError as exc:
        raise ValidationError(_("“%(obj)s”仍被其他记录引用，不能删除。") % {"obj": label}) from exc
    obj.pk = pk
    from audit.services import audit_record

    audit_record(action=AuditAction.DELETE, actor=actor, before=before, object_type=obj._meta.label_lower,
                 object_id=str(pk), object_repr=label)
