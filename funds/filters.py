"""Filters of the allocation and disbursement lists (page, Excel export, figure links and the API)."""
import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _

from items.models import Item, ItemKind
from org.models import Body, Unit

from .models import Allocation, Disbursement, FundSource

SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})
TEXT = forms.TextInput(attrs={"class": "form-control form-control-sm"})
NUMBER = forms.NumberInput(attrs={"class": "form-control form-control-sm"})


class AllocationFilter(df.FilterSet):
    q = df.CharFilter(label=_("事项/文号"), method="filter_q", widget=TEXT)
    source = df.ChoiceFilter(label=_("资金来源"), choices=FundSource.choices, widget=SELECT)
    item = df.NumberFilter(label=_("事项ID"), field_name="item_id", widget=forms.HiddenInput)
    kind = df.ChoiceFilter(label=_("台账类别"), field_name="item__kind", choices=ItemKind.choices, widget=SELECT)
    owning_body = df.ModelChoiceFilter(label=_("所属机构"), field_name="item__owning_body",
                                       queryset=Body.objects.all(), null_label=_("（未指定）"), widget=SELECT)
    lead_unit = df.ModelChoiceFilter(label=_("责任单位"), field_name="item__lead_unit", queryset=Unit.objects.all(),
                                     null_label=_("（未指定）"), widget=SELECT)
    year = df.NumberFilter(label=_("下达年度"), field_name="date__year", widget=NUMBER)

    class Meta:
        model = Allocation
        fields = []

    def filter_q(self, qs, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(item__title__icontains=value) | Q(item__number__icontains=value)
                         | Q(document_no__icontains=value))


class DisbursementFilter(df.FilterSet):
    allocation = df.NumberFilter(label=_("资金安排ID"), field_name="allocation_id", widget=forms.HiddenInput)
    source = df.ChoiceFilter(label=_("资金来源"), field_name="allocation__source", choices=FundSource.choices,
                             widget=SELECT)
    owning_body = df.ModelChoiceFilter(label=_("所属机构"), field_name="allocation__item__owning_body",
                                       queryset=Body.objects.all(), widget=SELECT)
    year = df.NumberFilter(label=_("拨付年度"), field_name="date__year", widget=NUMBER)

    class Meta:
        model = Disbursement
        fields = []


__all__ = ["AllocationFilter", "DisbursementFilter", "Item"]
