"""Writes of the enterprise database: the only place that creates or changes enterprises, visits, pairings.

Keyword-only, explicit actor, one transaction, an audit row for every change (core.services does both).
"""
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import can, may_add
from audit.models import AuditAction
from audit.services import audit_change
from core.errors import PermissionDenied, ValidationError
from core.services import create_object, delete_object, update_object
from core.validators import normalize_credit_code

from .models import Enterprise, Pairing, Visit

ENTERPRISE_FIELDS = ("credit_code", "name", "industry", "scale", "address", "area", "unit", "building",
                     "contact_name", "contact_phone", "tags")


def _refuse_duplicate(credit_code, exclude_pk=None):
    code = normalize_credit_code(credit_code)
    existing = Enterprise.objects.filter(credit_code=code).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise ValidationError({"credit_code": _("统一社会信用代码 %(code)s 已登记为“%(name)s”，不能重复录入。")
                               % {"code": code, "name": existing.name}})


def _default_unit(area):
    """The town (subdistrict, park) government serving `area`: the enterprise's 属地单位."""
    from org.models import Unit, UnitKind

    node = area
    while node is not None:
        unit = Unit.objects.filter(area=node, kind=UnitKind.TOWN_GOV).order_by("path").first()
        if unit is not None:
            return unit
        node = node.parent
    return None


@transaction.atomic
def enterprise_create(*, actor, data):
    data = {k: v for k, v in data.items() if k in ENTERPRISE_FIELDS}
    if data.get("area") is not None and not data.get("unit"):
        data["unit"] = _default_unit(data["area"])
    if not may_add(actor, Enterprise, data.get("unit")):
        raise PermissionDenied(_("您无权在该属地登记企业。"))
    _refuse_duplicate(data.get("credit_code", ""))
    obj = Enterprise(**data)
    return create_object(obj, actor=actor)


@transaction.atomic
def enterprise_update(*, actor, enterprise, data, expected_version=None):
    if not can(actor, enterprise, "change"):
        raise PermissionDenied(_("您无权修改该企业。"))
    changes = {k: v for k, v in data.items() if k in ENTERPRISE_FIELDS}
    if "credit_code" in changes:
        _refuse_duplicate(changes["credit_code"], exclude_pk=enterprise.pk)
    return update_object(enterprise, actor=actor, changes=changes, expected_version=expected_version)


@transaction.atomic
def enterprise_delete(*, actor, enterprise, expected_version=None):
    if not can(actor, enterprise, "delete"):
        raise PermissionDenied()
    delete_object(enterprise, actor=actor, expected_version=expected_version)


@transaction.atomic
def visit_create(*, actor, enterprise, date, unit=None, cadres=(), findings=""):
    unit = unit or getattr(actor, "unit", None)
    if unit is None:
        raise ValidationError({"unit": _("请选择走访单位。")})
    if not may_add(actor, Visit, unit):
        raise PermissionDenied(_("您无权以该单位名义登记走访。"))
    if not cadres:
        raise ValidationError({"cadres": _("请至少选择一名走访干部。")})
    visit = Visit(enterprise=enterprise, date=date, unit=unit, findings=findings, created_by=actor)
    return create_object(visit, actor=actor, m2m={"cadres": list(cadres)})


@transaction.atomic
def visit_count_appeal(*, visit):
    """An appeal was registered from this visit: keep the visit's counter in step (called by appeals)."""
    from django.db.models import F

    Visit.objects.filter(pk=visit.pk).update(appeals_raised=F("appeals_raised") + 1)


@transaction.atomic
def pairing_create(*, actor, person, enterprise, year):
    if not may_add(actor, Pairing, person.unit):
        raise PermissionDenied(_("您无权为该单位的干部安排包联。"))
    if Pairing.objects.filter(person=person, enterprise=enterprise, year=year).exists():
        raise ValidationError(_("该干部本年度已包联此企业。"))
    return create_object(Pairing(person=person, enterprise=enterprise, year=year), actor=actor)


@transaction.atomic
def pairing_delete(*, actor, pairing):
    if not can(actor, pairing, "delete"):
        raise PermissionDenied()
    delete_object(pairing, actor=actor)


__all__ = ["enterprise_create", "enterprise_update", "enterprise_delete", "visit_create", "pairing_create",
           "pairing_delete", "visit_count_appeal", "AuditAction", "audit_change"]
