"""Fund allocations (and their disbursements' totals kept honest) as an import target (资金安排导入): a row per
allocation of one source to one item, named by the item's number; key 事项编号 + 资金来源 + 下达日期, so a
corrected file updates the allocations already in. Every row through funds.services (allocation_create,
allocation_update: the amount never below what was disbursed); the preview runs them in a rolled-back
savepoint (imports.kit.DryRunTarget)."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import dispatchable_bodies
from accounts.scope import visible_to
from core.services import TRUSTED, delete_object
from imports.kit import DryRunTarget
from imports.targets import FieldType, TargetField
from items.models import Item
from org.models import Body

from . import services
from .models import Allocation, Disbursement, FundSource


def _bodies():
    return Body.objects.order_by("-mechanism__year", "sort_order")


class AllocationTarget(DryRunTarget):
    code = "funds.allocation"
    label = gettext_lazy("资金安排")
    model = Allocation
    keys = (("item_number", "source", "date"),)
    fields = (
        TargetField("item_number", gettext_lazy("事项编号"), required=True, synonyms=("项目编号", "编号")),
        TargetField("source", gettext_lazy("资金来源"), FieldType.CHOICE, required=True,
                    choices=tuple((v, str(label)) for v, label in FundSource.choices), synonyms=("来源", "资金类别")),
        TargetField("amount", gettext_lazy("安排金额"), FieldType.DECIMAL, unit="万元", required=True,
                    synonyms=("金额", "下达金额", "资金金额")),
        TargetField("date", gettext_lazy("下达日期"), FieldType.DATE, required=True, synonyms=("日期", "下达时间")),
        TargetField("document_no", gettext_lazy("文号"), synonyms=("文件号", "下达文号")),
        TargetField("note", gettext_lazy("说明"), FieldType.LONG_TEXT, synonyms=("备注",)),
    )

    @property
    def options(self):
        return (TargetField("managing_body", gettext_lazy("管理机构"), FieldType.CHOICE, required=True,
                            choices=tuple((str(b.pk), b.short_name or b.name) for b in _bodies())),)

    def may_import(self, actor):
        return dispatchable_bodies(actor, _bodies()).exists()

    def queryset(self, actor):
        return visible_to(actor, Allocation.objects.all())

    def may_change(self, row, actor):
        return services.may_manage_funds(actor, row.managing_body)

    def find_existing(self, keys, *, key_fields, actor):
        numbers = {str(k[0]).strip().upper() for k in keys}
        wanted = {(str(k[0]).strip().upper(), k[1], k[2]): k for k in keys}
        found = {}
        for a in Allocation.objects.filter(item__number__in=numbers).select_related("item"):
            key = wanted.get((a.item.number, a.source, a.date))
            if key is not None:
                found[key] = a
        return found

    def values_of(self, row, options=None):
        return {"item_number": row.item.number, "source": row.source, "amount": row.amount, "date": row.date,
                "document_no": row.document_no, "note": row.note}

    def create_one(self, values, *, actor, batch, options):
        number = str(values.get("item_number") or "").strip().upper()
        item = Item.objects.filter(number=number).first()
        if item is None or not visible_to(actor, Item.objects.filter(pk=item.pk)).exists():
            raise ValidationError({"item_number": _("没有编号为“%(n)s”的事项（或不在您的数据范围内）。") % {"n": number}})
        body = _bodies().filter(pk=(options or {}).get("managing_body")).first()
        return services.allocation_create(actor=actor, item=item, source=values.get("source"), amount=values.get("amount"),
                                          date=values.get("date"), managing_body=body,
                                          document_no=values.get("document_no") or "", note=values.get("note") or "")

    def update_one(self, row, changes, *, actor, batch, options, undo=False):
        if "item_number" in changes:
            raise ValidationError({"item_number": _("不能通过导入把资金安排改到另一个事项。")})
        changes = {n: (v if v is not None else "") for n, v in changes.items()}
        return services.allocation_update(actor=actor, allocation=row, changes=changes, expected_version=TRUSTED)

    def delete_one(self, row, *, actor, batch):
        delete_object(Allocation.objects.get(pk=row.pk), actor=actor, expected_version=TRUSTED)


class DisbursementTarget(DryRunTarget):
    """Disbursements (资金拨付) against allocations, each named by its item's number, source and 下达日期; key
    凭证号 (the voucher), so a file sent twice adds nothing twice. funds.services.disbursement_create refuses a
    total above the allocation — in the preview too."""

    code = "funds.disbursement"
    label = gettext_lazy("资金拨付")
    model = Disbursement
    keys = (("document_no",),)
    fields = (
        TargetField("item_number", gettext_lazy("事项编号"), required=True, synonyms=("项目编号", "编号")),
        TargetField("source", gettext_lazy("资金来源"), FieldType.CHOICE, required=True,
                    choices=tuple((v, str(label)) for v, label in FundSource.choices), synonyms=("来源",)),
        TargetField("allocation_date", gettext_lazy("下达日期"), FieldType.DATE, required=True),
        TargetField("amount", gettext_lazy("拨付金额"), FieldType.DECIMAL, unit="万元", required=True,
                    synonyms=("金额", "支付金额")),
        TargetField("date", gettext_lazy("拨付日期"), FieldType.DATE, required=True, synonyms=("支付日期",)),
        TargetField("document_no", gettext_lazy("凭证号"), required=True, synonyms=("凭证编号", "支付凭证号")),
        TargetField("note", gettext_lazy("说明"), FieldType.LONG_TEXT, synonyms=("备注",)),
    )

    def may_import(self, actor):
        return dispatchable_bodies(actor, _bodies()).exists()

    def queryset(self, actor):
        return visible_to(actor, Disbursement.objects.all())

    def may_change(self, row, actor):
        return False  # a disbursement is not edited: a wrong one is reversed by the funds group

    def find_existing(self, keys, *, key_fields, actor):
        wanted = {str(k[0]).strip(): k for k in keys}
        return {wanted[d.document_no]: d for d in Disbursement.objects.filter(document_no__in=list(wanted))}

    def values_of(self, row, options=None):
        a = row.allocation
        return {"item_number": a.item.number, "source": a.source, "allocation_date": a.date, "amount": row.amount,
                "date": row.date, "document_no": row.document_no, "note": row.note}

    def create_one(self, values, *, actor, batch, options):
        number = str(values.get("item_number") or "").strip().upper()
        allocation = Allocation.objects.filter(item__number=number, source=values.get("source"),
                                               date=values.get("allocation_date")).first()
        if allocation is None or not visible_to(actor, Allocation.objects.filter(pk=allocation.pk)).exists():
            raise ValidationError({"item_number": _("没有这笔资金安排（事项编号、资金来源、下达日期须与资金安排一致）。")})
        return services.disbursement_create(actor=actor, allocation=allocation, amount=values.get("amount"),
                                            date=values.get("date"), document_no=values.get("document_no") or "",
                                            note=values.get("note") or "")

    def update_one(self, row, changes, *, actor, batch, options, undo=False):
        raise ValidationError(_("已登记的拨付不能通过导入修改。"))

    def delete_one(self, row, *, actor, batch):
        delete_object(Disbursement.objects.get(pk=row.pk), actor=actor)
