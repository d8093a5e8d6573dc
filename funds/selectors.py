"""Reads of the funds app: disbursement progress (拨付进度 = 已拨付 ÷ 已安排) per item, per source and per
body, computed from the allocation and disbursement rows the user may see, each linking to its rows."""
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import visible_to

from .models import Allocation, Disbursement, FundSource

ZERO = Decimal("0.00")
AMOUNT_FIELD = DecimalField(max_digits=16, decimal_places=2)


def allocations_visible(user):
    return visible_to(user, Allocation.objects.all())


def disbursements_visible(user):
    return visible_to(user, Disbursement.objects.all())


def paid_subquery():
    return Subquery(Disbursement.objects.filter(allocation_id=OuterRef("pk")).order_by()
                    .values("allocation_id").annotate(s=Sum("amount")).values("s")[:1], output_field=AMOUNT_FIELD)


def with_paid(qs):
    """Annotate `paid` (已拨付, 万元) on allocations."""
    return qs.annotate(paid=Coalesce(paid_subquery(), Value(ZERO), output_field=AMOUNT_FIELD))


def money(value):
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def rate(paid, allocated):
    if not allocated:
        return None
    return (Decimal(paid) / Decimal(allocated) * 100).quantize(Decimal("0.1"))


def allocation_url(**params):
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("funds:allocation_list") + ("?" + urlencode(clean) if clean else "")


GROUPS = {
    "source": ("source", None, "source"),
    "body": ("item__owning_body_id", "item__owning_body__short_name", "owning_body"),
    "item": ("item_id", "item__title", "item"),
    "unit": ("item__lead_unit_id", "item__lead_unit__short_name", "lead_unit"),
}


def progress(user, *, by="source", queryset=None, **filters):
    """Rows of {key, label, n (allocations), items, allocated, paid, rate, formula, url} grouped `by`."""
    key, label_key, param = GROUPS[by]
    qs = queryset if queryset is not None else allocations_visible(user)
    if filters:
        qs = qs.filter(**filters)
    qs = with_paid(qs.order_by())
    fields = [key] + ([label_key] if label_key else [])
    rows = qs.values(*fields).annotate(n=Count("pk"), items=Count("item_id", distinct=True),
                                       allocated=Sum("amount"), paid_sum=Sum("paid")).order_by(key)
    sources = dict(FundSource.choices)
    result = []
    for row in rows:
        value = row[key]
        label = row.get(label_key) if label_key else sources.get(value, value)
        allocated, paid = money(row["allocated"]), money(row["paid_sum"])
        r = rate(paid, allocated)
        result.append({
            "key": value, "label": str(label or _("（未指定）")), "n": row["n"], "items": row["items"],
            "allocated": allocated, "paid": paid, "rate": r,
            "formula": _("拨付进度 = 已拨付 ÷ 已安排 = %(paid)s万元 ÷ %(alloc)s万元 = %(rate)s%%") % {
                "paid": paid, "alloc": allocated, "rate": r if r is not None else "—"},
            "url": allocation_url(**{param: value if value is not None else ""}),
        })
    return result


def totals(user, queryset=None, **filters):
    qs = queryset if queryset is not None else allocations_visible(user)
    if filters:
        qs = qs.filter(**filters)
    allocated = money(qs.aggregate(s=Sum("amount"))["s"])
    paid = money(Disbursement.objects.filter(allocation__in=qs.values("pk")).aggregate(s=Sum("amount"))["s"])
    items = qs.values("item_id").distinct().count()
    return {"allocated": allocated, "paid": paid, "rate": rate(paid, allocated), "items": items,
            "url": allocation_url(**{k.replace("__", "_"): v for k, v in filters.items()})}


def source_summary(user, source):
    """E.g. 中央预算内投资: how many items were supported, with how much (8个项目, 11,890万元 = 1.189亿元)."""
    data = totals(user, source=source)
    data["url"] = allocation_url(source=source)
    data["label"] = str(FundSource(source).label)
    data["allocated_yi"] = f"{(data['allocated'] / Decimal(10000)).quantize(Decimal('0.001')).normalize():f}亿元"
    return data
