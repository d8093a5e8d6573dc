"""Pages of 资金保障: the funds dashboard for the 资金保障领导小组 (progress per source, body, unit, item —
each figure linking to its rows), allocation and disbursement lists with Excel export, and an allocation's
page where the funds group records a disbursement (through funds.services)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.roles import dispatchable_bodies
from accounts.scope import get_scoped_or_404
from core import errors
from core.tables import Column, choice_badge
from core.views import ObjectEditView, ObjectListView, form_error_status
from items.models import Item
from org.models import Body

from . import selectors, services
from .filters import AllocationFilter, DisbursementFilter
from .models import Allocation, Disbursement, FundSource


def _paid(obj):
    return getattr(obj, "paid", None)


def _rate(obj):
    r = selectors.rate(getattr(obj, "paid", 0) or 0, obj.amount)
    return f"{r}%" if r is not None else ""


class AllocationListView(ObjectListView):
    queryset = Allocation.objects.select_related("item", "item__lead_unit", "item__owning_body", "managing_body")
    filterset = AllocationFilter
    title = gettext_lazy("资金安排")
    export_name = gettext_lazy("资金安排台账")
    default_ordering = ("-date", "-pk")
    columns = [
        Column("item.number", gettext_lazy("事项编号"), accessor="item.number"),
        Column("item", gettext_lazy("事项名称"), accessor="item.title", link=True),
        Column("source", gettext_lazy("资金来源"), badge=choice_badge("source", FundSource)),
        Column("amount", gettext_lazy("安排金额（万元）"), orderable="amount"),
        Column("paid", gettext_lazy("已拨付（万元）"), accessor=_paid),
        Column("rate", gettext_lazy("拨付进度"), accessor=_rate),
        Column("date", gettext_lazy("下达日期"), orderable="date"),
        Column("document_no", gettext_lazy("文号")),
        Column("lead_unit", gettext_lazy("责任单位"), accessor="item.lead_unit"),
        Column("owning_body", gettext_lazy("所属机构"), accessor="item.owning_body"),
    ]

    def get_queryset(self, action=None):
        return selectors.with_paid(super().get_queryset(action))

    def get_extra_context(self):
        return {"breadcrumbs": [(_("资金保障"), reverse("funds:dashboard"))]}


class DisbursementListView(ObjectListView):
    queryset = Disbursement.objects.select_related("allocation", "allocation__item")
    filterset = DisbursementFilter
    title = gettext_lazy("资金拨付")
    export_name = gettext_lazy("资金拨付明细")
    default_ordering = ("-date", "-pk")
    columns = [
        Column("date", gettext_lazy("拨付日期"), orderable="date"),
        Column("item", gettext_lazy("事项名称"), accessor="allocation.item.title", link=True),
        Column("source", gettext_lazy("资金来源"), accessor="allocation.get_source_display"),
        Column("amount", gettext_lazy("拨付金额（万元）"), orderable="amount"),
        Column("document_no", gettext_lazy("凭证号")),
        Column("note", gettext_lazy("说明")),
    ]

    def get_extra_context(self):
        return {"breadcrumbs": [(_("资金保障"), reverse("funds:dashboard"))]}


class DisbursementForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("拨付金额（万元）"), max_length=20,
                             widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}))
    date = forms.DateField(label=gettext_lazy("拨付日期"),
                           widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}))
    document_no = forms.CharField(label=gettext_lazy("凭证号"), required=False, max_length=100,
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    note = forms.CharField(label=gettext_lazy("说明"), required=False,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))


class AllocationDetailView(LoginRequiredMixin, View):
    def allocation(self, request, pk):
        qs = selectors.with_paid(Allocation.objects.select_related("item", "item__lead_unit", "managing_body"))
        return get_scoped_or_404(request.user, qs, pk=pk)

    def render_page(self, request, allocation, form, status=200):
        may = services.may_manage_funds(request.user, allocation.managing_body)
        return render(request, "funds/allocation_detail.html", {
            "object": allocation, "form": form if may else None,
            "rate": selectors.rate(allocation.paid, allocation.amount),
            "left": allocation.amount - allocation.paid,
            "disbursements": allocation.disbursements.all(),
            "breadcrumbs": [(_("资金保障"), reverse("funds:dashboard")), (_("资金安排"), reverse("funds:allocation_list"))],
        }, status=status)

    def get(self, request, pk):
        allocation = self.allocation(request, pk)
        return self.render_page(request, allocation, DisbursementForm(initial={"date": timezone.localdate()}))

    def post(self, request, pk):
        allocation = self.allocation(request, pk)
        form = DisbursementForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, allocation, form, status=400)
        try:
            services.disbursement_create(actor=request.user, allocation=allocation, **form.cleaned_data)
        except (ValidationError, errors.DomainError) as exc:
            return self.render_page(request, allocation, form, status=form_error_status(form, exc))
        messages.success(request, _("已保存。"))
        return redirect(reverse("funds:allocation_detail", args=[allocation.pk]))


def managed_bodies(user):
    """The bodies whose funds `user` may manage (accounts.roles.dispatchable_bodies: the same rule as
    funds.services.may_manage_funds, as one query)."""
    return dispatchable_bodies(user, Body.objects.order_by("-mechanism__year", "sort_order"))


class AllocationForm(forms.Form):
    item_number = forms.CharField(label=gettext_lazy("事项编号"), max_length=30,
                                  help_text=gettext_lazy("如 XM-2023-0001（项目）或其他台账事项编号"))
    source = forms.ChoiceField(label=gettext_lazy("资金来源"), choices=FundSource.choices)
    amount = forms.CharField(label=gettext_lazy("安排金额（万元）"), max_length=20)
    date = forms.DateField(label=gettext_lazy("下达日期"), widget=forms.DateInput(attrs={"type": "date"}))
    document_no = forms.CharField(label=gettext_lazy("文号"), max_length=100, required=False)
    managing_body = forms.ModelChoiceField(label=gettext_lazy("管理机构"), queryset=None)
    note = forms.CharField(label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managing_body"].queryset = managed_bodies(user)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class AllocationCreateView(ObjectEditView):
    """安排资金 — the funds group (资金保障领导小组) or an administrator."""

    queryset = Allocation.objects.all()
    form_class = AllocationForm
    title = gettext_lazy("资金安排")

    def may_create(self):
        return managed_bodies(self.request.user).exists()

    def form_kwargs(self, instance):
        return {"user": self.request.user, "initial": {"date": timezone.localdate()}}

    def save(self, form, instance):
        # The funds group allocates to any body's items by exact number (their data scope need not cover
        # the item); who may allocate is checked by the service (a seat in the managing body).
        data = dict(form.cleaned_data)
        item = Item.objects.filter(number=data.pop("item_number").strip()).first()
        if item is None:
            raise ValidationError({"item_number": _("未找到该编号的事项。")})
        return services.allocation_create(actor=self.request.user, item=item, **data)


class FundsDashboardView(LoginRequiredMixin, View):
    """资金保障领导小组 看板."""

    def get(self, request):
        user = request.user
        return render(request, "funds/dashboard.html", {
            "title": _("资金保障看板"),
            "may_allocate": managed_bodies(user).exists(),
            "totals": selectors.totals(user),
            "central": selectors.source_summary(user, FundSource.CENTRAL_BUDGET),
            "by_source": selectors.progress(user, by="source"),
            "by_body": selectors.progress(user, by="body"),
            "by_unit": selectors.progress(user, by="unit"),
            "by_item": sorted(selectors.progress(user, by="item"), key=lambda r: -r["allocated"])[:20],
        })
