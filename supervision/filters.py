"""The FilterSets of 作风督查: one per list, shared by the page, its htmx partial, its Excel export and the API
list (`filterset_class`), so "export what you see" and "the API filters like the page" hold by construction."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import StyledFilterSet
from items.models import OPEN_STATES, ItemState, Light
from org.models import Unit

from .models import (
    Bulletin,
    BulletinState,
    Finding,
    FindingCategory,
    Inspection,
    InspectionState,
    InspectionType,
    NoticeLevel,
    NoticeState,
    PeriodKind,
    Severity,
    SupervisionNotice,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _active_units(request=None):
    return Unit.objects.filter(is_active=True).order_by("path")


class InspectionFilter(StyledFilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("日期从"), widget=DATE)
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("日期至"), widget=DATE)
    type = django_filters.ChoiceFilter(choices=InspectionType.choices, label=_("督查方式"))
    state = django_filters.ChoiceFilter(choices=InspectionState.choices, label=_("状态"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("主题"))

    class Meta:
        model = Inspection
        fields = []


class FindingFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("关键词"))
    state = django_filters.ChoiceFilter(
        choices=[(s, ItemState(s).label) for s in (ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.RECTIFIED,
                                                   ItemState.STRUCK_OFF)], label=_("状态"))
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices, label=_("类别"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("严重程度"))
    lead_unit = django_filters.ModelChoiceFilter(queryset=_active_units, label=_("整改单位"))
    light = django_filters.ChoiceFilter(choices=Light.choices, label=_("红黄绿灯"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("逾期未整改"),
                                           widget=django_filters.widgets.BooleanWidget())
    found_from = django_filters.DateFilter(field_name="found_on", lookup_expr="gte", label=_("发现日期从"),
                                           widget=DATE)
    found_to = django_filters.DateFilter(field_name="found_on", lookup_expr="lte", label=_("发现日期至"),
                                         widget=DATE)
    # the findings of one inspection (a link's parameter, not a field to type in)
    inspection = django_filters.NumberFilter(field_name="inspection_id", label=_("来源督查"),
                                             widget=forms.HiddenInput)

    class Meta:
        model = Finding
        fields = []

    def search(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(title__icontains=value) | Q(number__icontains=value)) if value else qs

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        cond = {"state__in": OPEN_STATES, "due_date__lt": timezone.localdate()}
        return qs.filter(**cond).exclude(state=ItemState.RECTIFIED) if value else qs.exclude(**cond)


class NoticeFilter(StyledFilterSet):
    level = django_filters.ChoiceFilter(choices=NoticeLevel.choices, label=_("督办等级"))
    state = django_filters.ChoiceFilter(choices=NoticeState.choices, label=_("状态"))
    year = django_filters.NumberFilter(label=_("年度"))
    # the notices of one item (a link's parameter, not a field to type in)
    item = django_filters.NumberFilter(field_name="item_id", label=_("督办事项"), widget=forms.HiddenInput)

    class Meta:
        model = SupervisionNotice
        fields = []


class BulletinFilter(StyledFilterSet):
    state = django_filters.ChoiceFilter(choices=BulletinState.choices, label=_("状态"))
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("期间类型"))

    class Meta:
        model = Bulletin
        fields = []
