"""The filters of a defined ledger's list — one FilterSet class per definition, built from its fields and
shared by the list page, its Excel export, the dashboard's links and the API list (`?ledger=code&…`).

Every item filter (items.filters.ItemFilter: number/title, state, light, unit and below, due dates) plus,
per filterable field: text contains, choice one-of, multi-choice any-of, number and date ranges, yes/no,
unit/area (and below), person. The conditions on custom fields become ONE sub-query over EntryValue — the
first condition read from its covering index, the others probed as EXISTS on theirs — so two filters on a
million entries cost index look-ups, not row reads (docs/ledgers.md, bench/ledgers.py)."""
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from accounts.personal import may_see_personal_data
from items.views import ItemPageFilter
from org.models import Area, Person, Unit

from . import fields as types
from .models import EntryValue, FieldType, LedgerEntry
from .validation import Lookups


class ValueFilter(django_filters.Filter):
    """A filter on one custom field; it only *collects* its condition (LedgerFilterSet combines them)."""

    def __init__(self, *args, ledger_field=None, part="", field_class=forms.CharField, **kwargs):
        self.field_class = field_class
        super().__init__(*args, **kwargs)
        self.ledger_field, self.part = ledger_field, part

    def filter(self, qs, value):
        return qs  # see LedgerFilterSet.filter_queryset

    def condition(self, value):
        """(field, Q over EntryValue) or None when the input is empty."""
        f, t = self.ledger_field, self.ledger_field.type
        if value in (None, "", [], ()):
            return None
        if t == FieldType.MULTI_CHOICE or (t == FieldType.CHOICE and isinstance(value, (list, tuple))):
            return f, Q(text__in=list(value))
        if t in (FieldType.UNIT, FieldType.AREA):
            below = type(value)._default_manager.filter(path__startswith=value.path).values("pk")
            return f, Q(number__in=below)
        if t == FieldType.PERSON:
            return f, Q(number=value.pk)
        if t == FieldType.BOOLEAN:
            return f, Q(text="1" if value else "0")
        if t in types.NUMERIC:
            return f, Q(**{"number__gte" if self.part == "min" else "number__lte": value})
        if t in (FieldType.DATE, FieldType.DATETIME):
            bound = value.isoformat()
            return f, (Q(text__gte=bound) if self.part == "min" else Q(text__lte=bound + ("T23:59" if t == FieldType.DATETIME else "")))
        if t in (FieldType.PHONE, FieldType.ID_NUMBER):
            return f, Q(text=str(value).strip().upper())
        return f, Q(text__icontains=str(value).strip())


class JsonTextFilter(django_filters.CharFilter):
    """A long text (not indexed): matched in the JSON of values."""

    def __init__(self, *args, ledger_field=None, **kwargs):
        super().__init__(*args, field_name=f"data__{ledger_field.key}", lookup_expr="icontains", **kwargs)


class LedgerFilterSet(ItemPageFilter):
    """The item list's filters (as the item list page shows them) and the ledger's own; `definition` is set on
    each built class. The filters that mean nothing within one ledger (kind, body, level, parent) are left out."""

    definition = None
    kind = body = supervision_level = parent = area = None
    # which ledger: carried by the filter form so a filtered page stays on it (the view reads it)
    ledger = django_filters.CharFilter(method="keep", widget=forms.HiddenInput)
    # exactly this unit (the dashboard's per-unit figures; `unit` is the unit and those below it)
    lead_unit = django_filters.NumberFilter(field_name="lead_unit_id", widget=forms.HiddenInput)

    class Meta:
        model = LedgerEntry
        fields = []

    def keep(self, qs, name, value):
        return qs

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        conditions = []
        for name, f in self.filters.items():
            if isinstance(f, ValueFilter):
                found = f.condition(self.form.cleaned_data.get(name))
                if found is not None:
                    conditions.append(found)
        self.narrowed_by_values = bool(conditions)
        return filter_by_values(queryset, conditions)


def filter_by_values(queryset, conditions):
    """`queryset` narrowed to entries whose index values meet every (field, Q) condition — one sub-query."""
    if not conditions:
        return queryset
    by_field = {}
    for field, q in conditions:  # a range (from … to) is one condition on its field
        by_field[field] = by_field[field] & q if field in by_field else (field, q)[1]
    conditions = list(by_field.items())
    (field, q), rest = conditions[0], conditions[1:]
    sub = EntryValue.objects.filter(q, field=field)
    for other, cond in rest:
        sub = sub.filter(Exists(EntryValue.objects.filter(cond, field=other, entry_id=OuterRef("entry_id"))))
    return queryset.filter(pk__in=sub.values("entry_id"))


def _number(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def filterset_for(definition, user=None):
    """The FilterSet class of `definition` (personal fields filterable only by who may see them)."""
    lookups = Lookups(definition)
    personal_ok = may_see_personal_data(user)
    attrs = {"definition": definition}
    for f in definition.fields.all():
        if f.removed or not f.filterable or (f.personal_kind and not personal_ok):
            continue
        t, label = f.type, f.label
        if t == FieldType.LONG_TEXT:
            attrs[f.key] = JsonTextFilter(label=label, ledger_field=f)
        elif t == FieldType.ATTACHMENT:
            continue
        elif t in types.NUMERIC:
            attrs[f"{f.key}_min"] = ValueFilter(label=_("%(label)s ≥") % {"label": label}, ledger_field=f, part="min",
                                                field_class=forms.DecimalField)
            attrs[f"{f.key}_max"] = ValueFilter(label=_("%(label)s ≤") % {"label": label}, ledger_field=f, part="max",
                                                field_class=forms.DecimalField)
        elif t in (FieldType.DATE, FieldType.DATETIME):
            attrs[f"{f.key}_from"] = ValueFilter(label=_("%(label)s起") % {"label": label}, ledger_field=f,
                                                 part="min", field_class=forms.DateField,
                                                 widget=forms.DateInput(attrs={"type": "date"}))
            attrs[f"{f.key}_to"] = ValueFilter(label=_("%(label)s止") % {"label": label}, ledger_field=f, part="max",
                                               field_class=forms.DateField,
                                               widget=forms.DateInput(attrs={"type": "date"}))
        elif t in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
            attrs[f.key] = ValueFilter(label=label, ledger_field=f, field_class=forms.MultipleChoiceField,
                                       choices=lookups.choices(f, active_only=False),
                                       widget=forms.SelectMultiple(attrs={"size": 4}))
        elif t == FieldType.BOOLEAN:
            attrs[f.key] = ValueFilter(label=label, ledger_field=f, field_class=forms.NullBooleanField,
                                       widget=forms.Select(choices=[("", _("全部")), ("true", _("是")),
                                                                    ("false", _("否"))]))
        elif t in types.REFERENCES:
            model = {FieldType.UNIT: Unit, FieldType.AREA: Area, FieldType.PERSON: Person}[t]
            attrs[f.key] = ValueFilter(label=label, ledger_field=f, field_class=forms.ModelChoiceField,
                                       queryset=model.objects.all())
        else:
            attrs[f.key] = ValueFilter(label=label, ledger_field=f, field_class=forms.CharField)
    return type(f"LedgerFilterSet_{definition.code}", (LedgerFilterSet,), attrs)


class MatchingIdsPaginator(Paginator):
    """Pages of a list narrowed by custom-field conditions: the matching ids are read once, in the list's order
    (the index probes the count and the page would each repeat), counted, and the page's rows fetched by
    primary key. Only for such lists — their matches are a fraction of the ledger; an unfiltered list keeps
    the plain COUNT and LIMIT."""

    def _ids(self):
        if not hasattr(self, "_matching"):
            self._matching = list(self.object_list.values_list("pk", flat=True))
        return self._matching

    @cached_property
    def count(self):
        return len(self._ids())

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._ids()[bottom:bottom + self.per_page]
        # the same select_related and deferred columns, without the conditions: the ids already satisfy them
        rows_qs = self.object_list.all()
        rows_qs.query.where = WhereNode()
        rows = {obj.pk: obj for obj in rows_qs.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
