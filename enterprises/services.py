"""Writes of the enterprise database: the only place that creates or changes enterprises, visits, pairings.

Keyword-only, explicit actor, one transaction, an audit row for every change (core.services does both).
A refusal is `deny()` inside `@service`: nothing of the call is written, the DENIED audit row is. Changing
or deleting an enterprise needs the version the user saw (missing → 428, stale → 409).
"""
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.scope import can, may_add
from core.errors import ValidationError
from core.services import create_object, delete_object, deny, service, update_object
from core.validators import normalize_credit_code
from org.models import Unit, UnitKind

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
    node = area
    while node is not None:
        unit = Unit.objects.filter(area=node, kind=UnitKind.TOWN_GOV).order_by("path").first()
        if unit is not None:
            return unit
        node = node.parent
    return None


@service
def enterprise_create(*, actor, data):
    data = {k: v for k, v in data.items() if k in ENTERPRISE_FIELDS}
    if data.get("area") is not None and not data.get("unit"):
        data["unit"] = _default_unit(data["area"])
    if not may_add(actor, Enterprise, data.get("unit")):
        deny(actor, "enterprise_create", _("您无权在该属地登记企业。"), object_type="enterprises.enterprise",
             object_repr=str(data.get("name", ""))[:200])
    _refuse_duplicate(data.get("credit_code", ""))
    obj = Enterprise(**data)
    return create_object(obj, actor=actor)


@service
def enterprise_update(*, actor, enterprise, data, expected_version):
    """`expected_version`: the version the user saw (None → 428)."""
    if not can(actor, enterprise, "change"):
        deny(actor, "enterprise_update", _("您无权修改该企业。"), obj=enterprise)
    changes = {k: v for k, v in data.items() if k in ENTERPRISE_FIELDS}
    if "credit_code" in changes:
        _refuse_duplicate(changes["credit_code"], exclude_pk=enterprise.pk)
    return update_object(enterprise, actor=actor, changes=changes, expected_version=expected_version)


@service
def enterprise_delete(*, actor, enterprise, expected_version):
    """`expected_version`: the version the user saw (None → 428)."""
    if not can(actor, enterprise, "delete"):
        deny(actor, "enterprise_delete", _("您无权删除该企业。"), obj=enterprise)
    delete_object(enterprise, actor=actor, expected_version=expected_version)


@service
def visit_create(*, actor, enterprise, date, unit=None, cadres=(), findings=""):
    unit = unit or getattr(actor, "unit", None)
    if unit is None:
        raise ValidationError({"unit": _("请选择走访单位。")})
    if not may_add(actor, Visit, unit):
        deny(actor, "visit_create", _("您无权以该单位名义登记走访。"), object_type="enterprises.visit",
             object_repr=str(enterprise))
    if not cadres:
        raise ValidationError({"cadres": _("请至少选择一名走访干部。")})
    visit = Visit(enterprise=enterprise, date=date, unit=unit, findings=findings, created_by=actor)
    return create_object(visit, actor=actor, m2m={"cadres": list(cadres)})


@transaction.atomic
def visit_count_appeal(*, visit):
    """An appeal was registered from this visit: keep the visit's counter in step (called by appeals)."""
    Visit.objects.filter(pk=visit.pk).update(appeals_raised=F("appeals_raised") + 1)


@service
def pairing_create(*, actor, person, enterprise, year):
    if not may_add(actor, Pairing, person.unit):
        deny(actor, "pairing_create", _("您无权为该单位的干部安排包联。"), object_type="enterprises.pairing",
             object_repr=f"{year} {person} → {enterprise}")
    if Pairing.objects.filter(person=person, enterprise=enterprise, year=year).exists():
        raise ValidationError(_("该干部本年度已包联此企业。"))
    return create_object(Pairing(person=person, enterprise=enterprise, year=year), actor=actor)


@service
def pairing_delete(*, actor, pairing):
    if not can(actor, pairing, "delete"):
        deny(actor, "pairing_delete", _("您无权删除该包联。"), obj=pairing)
    delete_object(pairing, actor=actor)  # not versioned


__all__ = ["enterprise_create", "enterprise_update", "enterprise_delete", "visit_create", "pairing_create",
           "pairing_delete", "visit_count_appeal"]
