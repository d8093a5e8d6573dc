"""ItemFilter — the one FilterSet of item lists: the page, its htmx partial, its Excel export and the API
all filter with it, so "export what you see" holds by construction."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import StyledFilterSet
from org.models import Area, Body, Unit

from .kinds import all_kinds, kind_spec
from .models import OPEN_STATES, Item, ItemKind, ItemState, Light, SupervisionLevel


def kind_label(code):
    """A kind's name: its spec's label (a defined ledger's name), else the ItemKind label, else the code."""
    spec = kind_spec(code)
    if spec is not None:
        return spec.label
    return ItemKind(code).label if code in ItemKind.values else code


def kind_choices():
    """(code, label) of every kind — a callable, since defined ledgers (自定义台账) come and go."""
    choices = dict(ItemKind.choices)
    choices.update({code: spec.label for code, spec in all_kinds().items()})
    return list(choices.items())


class ItemFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("编号/标题"), method="search")
    kind = django_filters.ChoiceFilter(label=_("台账类别"), choices=kind_choices)
    body = django_filters.ModelChoiceFilter(label=_("所属机构"), field_name="owning_body",
                                            queryset=Body.objects.select_related("mechanism"))
    unit = django_filters.ModelChoiceFilter(label=_("责任单位（含下级）"), queryset=Unit.objects.all(),
                                            method="in_unit")
    area = django_filters.ModelChoiceFilter(label=_("属地（含下级）"), queryset=Area.objects.all(), method="in_area")
    # distinct=False: plain columns cannot repeat a row, and DISTINCT made the page count a COUNT over a
    # DISTINCT sub-query of every matching row (1.4 s on 1M items; see docs/bench.md)
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ItemState.choices, distinct=False)
    light = django_filters.MultipleChoiceFilter(label=_("红黄绿灯"), choices=Light.choices, distinct=False)
    supervision_level = django_filters.ChoiceFilter(label=_("督办级别"), choices=SupervisionLevel.choices)
    due_from = django_filters.DateFilter(label=_("期限起"), field_name="due_date", lookup_expr="gte")
    due_to = django_filters.DateFilter(label=_("期限止"), field_name="due_date", lookup_expr="lte")
    open = django_filters.BooleanFilter(label=_("仅未办结"), method="only_open")
    parent = django_filters.NumberFilter(label=_("上级事项"), field_name="parent_id")

    class Meta:
        model = Item
        fields = []

    def search(self, qs, name, value: str):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def in_unit(self, qs, name, value: int):
        return qs.filter(lead_unit__path__startswith=value.path)

    def in_area(self, qs, name, value: int):
        return qs.filter(area__path__startswith=value.path)

    def only_open(self, qs, name, value: bool):
        if value is None:
            return qs
        return qs.filter(state__in=OPEN_STATES) if value else qs.exclude(state__in=OPEN_STATES)

