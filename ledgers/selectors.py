"""Ledger reads — every entry read through accounts.scope.visible_to; the dashboard's figures computed from
the rows, each with the query string of the list that shows exactly those rows."""
from collections import Counter
from decimal import Decimal

from django.db.models import Count
from django.http import QueryDict

from accounts.scope import visible_to
from items.models import ItemState

from . import fields as types
from .formula import evaluate, referenced_keys
from .models import FieldType, LedgerDefinition, LedgerEntry


def definitions_visible(user, *, active_only=True):
    qs = LedgerDefinition.objects.select_related("owning_body")
    return qs.filter(is_active=True) if active_only else qs


def definition_by_code(code):
    return (LedgerDefinition.objects.filter(code=code).select_related("owning_body")
            .prefetch_related("fields__dictionary__entries").first())


def entries_visible(user, definition=None):
    qs = LedgerEntry.objects.all()
    if definition is not None:
        qs = qs.filter(definition=definition)
    return visible_to(user, qs)


def entry_list(user, definition):
    """The ledger's list rows: entry + unit, area and definition in one query."""
    return entries_visible(user, definition).select_related("lead_unit", "area", "definition").defer("description")


def _link(base, **params):
    query = QueryDict(mutable=True)
    for key, values in base.items():
        query.setlist(key, list(values))
    for key, value in params.items():
        if isinstance(value, (list, tuple)):
            query.setlist(key, [str(v) for v in value])
        else:
            query[key] = str(value)
    return query.urlencode()


def figures(user, definition, queryset, base_params):
    """The dashboard of a ledger over `queryset` (the list's rows, filters applied): counts by state, by
    unit and by each choice field, sums of decimal fields, the rates of computed fields (their formula over
    the column sums: Σ完成 / Σ计划, the rate of the rows — not a mean of row rates). Each figure carries the
    query string (`?…`) of the list rows it counts or sums."""
    from .validation import Lookups

    lookups = Lookups(definition)
    base = {k: v for k, v in base_params.lists() if k not in ("page", "sort", "export")} if base_params else {}
    base.setdefault("ledger", [definition.code])
    result = {"total": {"value": queryset.count(), "query": _link(base)}}
    states = queryset.order_by().values("state").annotate(n=Count("pk")).order_by("state")
    result["states"] = [{"label": ItemState(r["state"]).label, "value": r["n"], "query": _link(base, state=r["state"])}
                        for r in states]
    units = (queryset.order_by().values("lead_unit", "lead_unit__name", "lead_unit__short_name")
             .annotate(n=Count("pk")).order_by("-n", "lead_unit"))
    result["units"] = [{"label": r["lead_unit__short_name"] or r["lead_unit__name"] or "—", "value": r["n"],
                        "query": _link(base, lead_unit=r["lead_unit"])} for r in units if r["lead_unit"]]
    active = [f for f in definition.fields.all() if not f.removed]
    # A field is counted or summed when it is filterable: its figure links to the list through that filter.
    wanted = [f for f in active if (f.filterable and f.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE,
                                                                FieldType.BOOLEAN, FieldType.DECIMAL,
                                                                FieldType.INTEGER))
              or f.type == FieldType.COMPUTED]
    for f in wanted:  # the operands of a rate are summed even when not filterable
        if f.type == FieldType.COMPUTED:
            wanted += [x for x in active if x.key in referenced_keys(f.formula) and x not in wanted]
    counts = {f.key: Counter() for f in wanted}
    sums = {f.key: [Decimal(0), 0] for f in wanted if f.type in types.NUMERIC}
    # One pass over the rows' values (the JSON column), the same numbers on SQLite and PostgreSQL.
    for data in queryset.order_by().values_list("data", flat=True).iterator(chunk_size=5000):
        data = data or {}
        for f in wanted:
            value = data.get(f.key)
            if value is None or value == "" or value == []:
                continue
            if f.type == FieldType.MULTI_CHOICE:
                counts[f.key].update(value)
            elif f.type in (FieldType.CHOICE, FieldType.BOOLEAN):
                counts[f.key][value] += 1
            else:
                sums[f.key][0] += Decimal(str(value))
                sums[f.key][1] += 1
    result["choices"] = []
    for f in wanted:
        if f.type not in (FieldType.CHOICE, FieldType.MULTI_CHOICE, FieldType.BOOLEAN) or not f.filterable:
            continue
        rows = []
        if f.type == FieldType.BOOLEAN:
            options = [(True, "true"), (False, "false")]
            for value, param in options:
                if counts[f.key][value]:
                    rows.append({"label": types.display(f, value, lookups), "value": counts[f.key][value],
                                 "query": _link(base, **{f.key: param})})
        else:
            for code, label in lookups.choices(f, active_only=False):
                if counts[f.key][code]:
                    rows.append({"label": label, "value": counts[f.key][code], "query": _link(base, **{f.key: code})})
        result["choices"].append({"field": f, "rows": rows})
    result["sums"] = []
    for f in wanted:
        if f.type not in (FieldType.DECIMAL, FieldType.INTEGER) or not f.filterable:
            continue
        total, n = sums[f.key]
        result["sums"].append({"field": f, "value": total, "rows": n, "unit": f.unit,
                               "query": _link(base, **{f"{f.key}_min": str(-types.MAX_NUMBER)})})
    result["rates"] = []
    for f in wanted:
        if f.type != FieldType.COMPUTED:
            continue
        operands = referenced_keys(f.formula)
        column_sums = {k: sums[k][0] if k in sums and sums[k][1] else None for k in operands}
        value = evaluate(f.formula, column_sums)
        result["rates"].append({"field": f, "value": value, "unit": f.unit, "operands": [
            {"label": next((x.label for x in active if x.key == k), k), "value": column_sums.get(k)} for k in operands],
            "query": _link(base)})
    return result
