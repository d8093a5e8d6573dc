"""Funds services — allocations (资金安排) and disbursements (拨付). Keyword-only, explicit actor, one
transaction each, audited; the disbursed total of an allocation never exceeds it (checked under a row lock
on the allocation, so two clerks disbursing at once cannot overshoot together).

Who may: accounts.roles.may_dispatch for the managing body (资金保障领导小组) — a seat in it or in a body
above it, a leader, an administrator. A refusal is `deny()`-ed inside `@service`: rolled back, then audited.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import may_dispatch
from core.services import create_object, deny, parse_amount, parse_date, service, update_object

from .models import Allocation, Disbursement, FundSource


def may_manage_funds(user, body):
    return may_dispatch(user, body)


@service
def allocation_create(*, actor, item, source, amount, date, managing_body, document_no="", note=""):
    """Allocate `amount` 万元 of `source` to `item` (any ledger item), managed by `managing_body`."""
    if not may_manage_funds(actor, managing_body):
        deny(actor, "allocation_create", _("只有资金保障领导小组成员或系统管理员可以安排资金。"),
             obj=item)
    if source not in FundSource.values:
        raise ValidationError({"source": _("请选择资金来源。")})
    amount = parse_amount(amount, "amount", label=_("安排金额"), allow_zero=False)
    date = parse_date(date, "date")
    if date > timezone.localdate():
        raise ValidationError({"date": _("下达日期不能晚于今天。")})
    allocation = Allocation(item_id=item.pk, source=source, amount=amount, date=date, document_no=document_no or "",
                            managing_body=managing_body, note=note or "", created_by=actor)
    return create_object(allocation, actor=actor)


@service
def allocation_update(*, actor, allocation, changes, expected_version):
    """Change an allocation; its amount may not drop below what has already been disbursed.
    `expected_version`: the version the user saw (core.services.require_version), or TRUSTED."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if not may_manage_funds(actor, allocation.managing_body):
        deny(actor, "allocation_update", _("只有资金保障领导小组成员或系统管理员可以修改资金安排。"),
             obj=allocation)
    changes = {k: v for k, v in changes.items() if k in {"source", "amount", "date", "document_no", "note"}}
    if "amount" in changes:
        changes["amount"] = parse_amount(changes["amount"], "amount", label=_("安排金额"), allow_zero=False)
        paid = disbursed_total(allocation)
        if changes["amount"] < paid:
            raise ValidationError({"amount": _("安排金额不能低于已拨付的%(paid)s万元。") % {"paid": paid}})
    if "date" in changes:
        changes["date"] = parse_date(changes["date"], "date")
    return update_object(allocation, actor=actor, changes=changes, expected_version=expected_version)


def disbursed_total(allocation) -> Decimal:
    return Disbursement.objects.filter(allocation_id=allocation.pk).aggregate(s=Sum("amount"))["s"] or Decimal(0)


@service
def disbursement_create(*, actor, allocation, amount, date, document_no="", note=""):
    """Disburse `amount` 万元 against `allocation`; refused when the total would exceed the allocation."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if not may_manage_funds(actor, allocation.managing_body):
        deny(actor, "disbursement_create", _("只有资金保障领导小组成员或系统管理员可以拨付资金。"),
             obj=allocation)
    amount = parse_amount(amount, "amount", label=_("拨付金额"), allow_zero=False)
    date = parse_date(date, "date")
    if date < allocation.date:
        raise ValidationError({"date": _("拨付日期不能早于资金下达日期（%(d)s）。") % {"d": allocation.date.isoformat()}})
    if date > timezone.localdate():
        raise ValidationError({"date": _("拨付日期不能晚于今天。")})
    paid = disbursed_total(allocation)
    if paid + amount > allocation.amount:
        raise ValidationError({"amount": _(
            "拨付后累计%(total)s万元将超过安排金额%(alloc)s万元（已拨付%(paid)s万元，最多还可拨付%(left)s万元）。") % {
            "total": paid + amount, "alloc": allocation.amount, "paid": paid, "left": allocation.amount - paid}})
    row = Disbursement(allocation=allocation, amount=amount, date=date, document_no=document_no or "",
                       note=note or "", recorded_by=actor)
    return create_object(row, actor=actor)
