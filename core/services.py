"""The service kit every domain service uses.

- Generic writes: validate, save with a compare-and-swap on `version`, write the audit row — all in the
  caller's transaction (`create_object`, `update_object`, `delete_object`).
- Refusals: `deny()` raises `Denied` inside a service; the `@service` decorator (transaction.atomic plus
  this) writes the DENIED audit row *after* the rollback, so the refusal is always recorded while nothing
  else of the refused call is, and the caller gets the refusal's own error (403, 404, 400 …).
- Versions: `require_version()` is the one reader of "the version the user saw". A missing version is
  refused (428), a malformed one too (400): `None` is never "trust me" on a request path. Commands, imports
  and the demo say so explicitly with `TRUSTED`.
- Input: `parse_date`, `parse_amount`, `parse_int` with Chinese messages on the field.
"""
import datetime
import functools
import logging
import threading
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, ProtectedError
from django.utils.translation import gettext as _

from . import ports
from .errors import Conflict, DomainError, NotFound, PermissionDenied, PreconditionRequired

log = logging.getLogger(__name__)


# --- versions -----------------------------------------------------------------------------------------

class _Trusted:
    """The version argument of a caller that acts on whatever version the row has now (a command, an import,
    the demo, a service acting on a row it has just locked). Never produced from a request."""

    def __repr__(self):
        return "TRUSTED"


TRUSTED = _Trusted()


def require_version(value):
    """The version the user saw, as an int ≥ 1; TRUSTED passes through. Missing → PreconditionRequired (428),
    not a version → ValidationError (400)."""
    if value is TRUSTED:
        return value
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("W/"):
            value = value[2:]
        value = value.strip('"').strip()
    if value is None or value == "":
        raise PreconditionRequired(_("请提供版本号（If-Match 请求头或 version 字段），以免覆盖他人的修改。"),
                                   code="version_required")
    if isinstance(value, bool):
        value = None
    try:
        version = int(value)
    except (TypeError, ValueError):
        version = 0
    if version < 1:
        raise ValidationError({"version": _("版本号无效（须为正整数），请刷新页面后重试。")})
    return version


def _bump_version(obj, expected_version):
    """Compare-and-swap: bump `version` only if it still equals `expected_version`."""
    model = type(obj)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise Conflict(data={"current_version": model._default_manager.filter(pk=obj.pk)
                             .values_list("version", flat=True).first()})
    obj.version = expected_version + 1


# --- refusals ----------------------------------------------------------------------------------------

class Denied(Exception):
    """A refusal raised inside a service's transaction. `@service` audits it after the rollback and raises
    `error` (a DomainError or ValidationError carrying the status) to the caller."""

    def __init__(self, error, *, actor, what, obj=None, object_type="", object_repr="",
                 audit_action=ports.AUDIT.denied):
        message = getattr(error, "message", None) or "; ".join(getattr(error, "messages", [str(error)]))
        super().__init__(str(message))
        self.error, self.actor, self.what, self.obj = error, actor, what, obj
        self.object_type, self.object_repr, self.audit_action = object_type, object_repr, audit_action
        self.message = message


def deny(actor, what, message=None, *, obj=None, error=None, object_type="", object_repr="",
         audit_action=ports.AUDIT.denied):
    """Refuse `what` (a service or action name) for `actor`: PermissionDenied(message) unless `error` says
    otherwise (NotFound, ValidationError …). Audited by the enclosing `@service`."""
    raise Denied(error if error is not None else PermissionDenied(message), actor=actor, what=what, obj=obj,
                 object_type=object_type, object_repr=object_repr, audit_action=audit_action)


_depth = threading.local()


def _in_caller_transaction():
    """Inside a transaction some caller opened (not the test case's own wrapping one)?"""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def refusal_error(denied):
    """The error to raise for `denied` once its transaction rolled back; its DENIED audit row is written now,
    or — inside a caller's transaction, which may still roll back — by whoever ends that (record_refusal)."""
    error = denied.error
    error._unaudited_refusal = denied
    record_refusal(error)
    return error


def record_refusal(exc):
    """Write the DENIED audit row a refusal still carries (once). `@service` calls it when its transaction was
    the outermost; a caller that wrapped services in its own transaction (a view that re-checks scope after
    the write) calls it after that transaction ended — `core.views.form_error_status` and the API's
    exception handler do."""
    denied = getattr(exc, "_unaudited_refusal", None)
    if denied is None or _in_caller_transaction():
        return
    exc._unaudited_refusal = None
    obj = denied.obj if getattr(denied.obj, "pk", None) else None
    try:
        ports.audit.record(action=denied.audit_action, outcome="denied", actor=denied.actor, obj=obj,
                           object_type=denied.object_type if obj is None else "",
                           object_id="" if obj is None else "", object_repr=str(denied.object_repr or ""),
                           message=f"{denied.what}: {denied.message}"[:1000])
    except Exception:  # noqa: BLE001 — the refusal must reach the user even if auditing it failed
        log.exception("could not audit a refusal")


def service(fn):
    """`@transaction.atomic`, plus audited refusals: a `Denied` raised anywhere inside (also in a nested
    service) rolls the whole call back, then the DENIED audit row is written and `Denied.error` raised."""
    atomic_fn = transaction.atomic(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        outermost = not getattr(_depth, "n", 0)
        _depth.n = getattr(_depth, "n", 0) + 1
        try:
            return atomic_fn(*args, **kwargs)
        except Denied as denied:
            if not outermost:
                raise  # the outermost service audits it, after its own rollback
            raise refusal_error(denied) from None
        finally:
            _depth.n -= 1

    return wrapper


# --- generic writes ------------------------------------------------------------------------------------

@transaction.atomic
def create_object(obj, *, actor, m2m=None):
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    ports.audit.change(ports.AUDIT.create, obj, actor=actor)
    return obj


@transaction.atomic
def update_object(obj, *, actor, changes, expected_version, m2m=None):
    """Apply `changes` (field → value) to `obj`; refuse with Conflict if the row moved on meanwhile.
    `expected_version`: the version the user saw (`require_version`), or TRUSTED."""
    model = type(obj)
    current = model._default_manager.select_for_update().get(pk=obj.pk)
    before = ports.audit.snapshot(current)
    if hasattr(current, "version"):
        expected = require_version(expected_version)
        expected = current.version if expected is TRUSTED else expected
        if current.version != expected:
            raise Conflict(data={"current_version": current.version})
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    if hasattr(current, "version"):
        _bump_version(current, expected)
    current.save()
    for name, values in (m2m or {}).items():
        getattr(current, name).set(values)
    ports.audit.change(ports.AUDIT.update, current, actor=actor, before=before)
    return current


@transaction.atomic
def delete_object(obj, *, actor, expected_version=None):
    """Delete `obj` with an audit row. A versioned row needs the version the user saw (or TRUSTED)."""
    if hasattr(obj, "version"):
        expected = require_version(expected_version)
        if expected is not TRUSTED and obj.version != expected:
            raise Conflict(data={"current_version": obj.version})
    before = ports.audit.snapshot(obj)
    pk, label = obj.pk, str(obj)
    try:
        obj.delete()
    except ProtectedError as exc:
        raise ValidationError(_("“%(obj)s”仍被其他记录引用，不能删除。") % {"obj": label}) from exc
    obj.pk = pk
    ports.audit.record(action=ports.AUDIT.delete, actor=actor, before=before, object_type=obj._meta.label_lower,
                       object_id=str(pk), object_repr=label)


# --- input ---------------------------------------------------------------------------------------------

def parse_date(value, field="date", *, required=True):
    """A date from user input (a date, a datetime or "YYYY-MM-DD"), or ValidationError({field: …}).
    With required=False an empty value gives None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        if not required:
            return None
        raise ValidationError({field: _("请输入日期（YYYY-MM-DD）。")})
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError({field: _("日期格式不正确（应为YYYY-MM-DD）。")}) from None


MAX_AMOUNT = Decimal("999999999999.99")


def parse_amount(value, field, *, label=None, allow_zero=True, unit=None):
    """A Decimal amount (two decimals) from user input, or ValidationError({field: …}) in Chinese.
    `unit` (default 万元) is named in the messages."""
    label = label or _("金额")
    unit = unit or _("万元")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: _("请填写%(label)s（%(unit)s）。") % {"label": label, "unit": unit}})
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("%(label)s必须是数字（%(unit)s）。") % {"label": label, "unit": unit}}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("%(label)s必须是数字（%(unit)s）。") % {"label": label, "unit": unit}})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("%(label)s不能为负数。") % {"label": label} if amount < 0
                               else _("%(label)s必须大于0。") % {"label": label}})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("%(label)s过大。") % {"label": label}})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("%(label)s最多保留两位小数（%(unit)s）。") % {"label": label, "unit": unit}})
    return amount.quantize(Decimal("0.01"))


def parse_int(value, field, label, low, high):
    """An integer within [low, high] from user input, or ValidationError({field: …})."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("%(label)s必须是整数。") % {"label": label}}) from None
    if not low <= number <= high:
        raise ValidationError({field: _("%(label)s应在%(low)s至%(high)s之间。") % {
            "label": label, "low": low, "high": high}})
    return number


__all__ = ["TRUSTED", "require_version", "Denied", "deny", "service", "record_refusal", "refusal_error", "create_object",
           "update_object", "delete_object", "parse_date", "parse_amount", "parse_int", "DomainError",
           "NotFound", "PermissionDenied"]
