"""The one validation of an entry — `clean_entry(definition, raw, *, actor)` — used by the entry form, the API
and the import (ledgers.imports), so a value refused on one is refused on all, with the same message.

    cleaned, errors = clean_entry(definition, {"lead_unit": 12, "type": "婚姻家庭", "amount": "1,200"},
                                  actor=user)
    # cleaned: {"lead_unit": <Unit>, "data": {...every value, stored form...}}; errors: {key: [message, …]}

`raw` holds the fields' keys (and "lead_unit", the responsible unit): text as typed, or values already
typed by the import engine (Decimal, date, a Unit). With `entry` (an update) only the keys present change.
`Lookups` caches what validation reads — units, areas, people, dictionary entries, taken unique values —
so a bulk import validates 100,000 rows with a few queries.
"""
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.roles import is_admin, is_leader, is_supervisor, may_dispatch
from accounts.scope import user_scope
from org.models import Area, Person, Unit

from . import fields as types
from .formula import evaluate
from .models import EntryValue, FieldType, LedgerEntry, Workflow

UNIT_KEY = "lead_unit"
MODELS = {FieldType.UNIT: Unit, FieldType.AREA: Area, FieldType.PERSON: Person}


class Lookups:
    """Rows validation and display read, loaded once (per request, or per import batch)."""

    def __init__(self, definition=None):
        self.definition = definition
        self._rows = {}  # model → {pk: row}
        self._names = {}  # model → {name: [rows]}
        self._choices = {}  # dictionary id → [(value, label, active)]
        self.taken = defaultdict(dict)  # field id → {value: entry id} (preloaded unique values)
        self.preloaded = set()  # field ids whose taken values are preloaded for a batch

    def ordered(self, definition):
        """(the active fields in validation order, their keys) — once per definition, not per row."""
        cached = getattr(self, "_ordered", None)
        if cached is None or cached[0] is not definition:
            fields = ordered_fields(definition)
            cached = self._ordered = (definition, fields, {f.key for f in fields})
        return cached[1], cached[2]

    def _load(self, model):
        if model not in self._rows:
            qs = model.objects.all()
            if model is Person:
                qs = qs.select_related("unit")
            rows = list(qs)
            self._rows[model] = {r.pk: r for r in rows}
            names = defaultdict(list)
            for r in rows:
                for name in {r.name, getattr(r, "short_name", "") or ""} - {""}:
                    names[name.strip()].append(r)
            self._names[model] = names
        return self._rows[model]

    def row(self, model, pk):
        return self._load(model).get(pk)

    def find(self, model, value, label):
        """A row by instance, id or name (a unit also by short name); ValidationError when none or several."""
        if isinstance(value, model):
            return value
        rows = self._load(model)
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            row = rows.get(int(value))
            if row is not None:
                return row
        text = str(value).strip()
        found = self._names[model].get(text, [])
        if model is Unit:
            found = [u for u in found if u.is_active]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValidationError(_("“%(label)s”：有多个名为“%(name)s”的记录，请选择或填写编号。") % {
                "label": label, "name": text})
        raise ValidationError(_("“%(label)s”：没有“%(name)s”。") % {"label": label, "name": text})

    def reference(self, field, value):
        return self.find(MODELS[field.type], value, field.label).pk

    def reference_label(self, field, pk):
        row = self.row(MODELS[field.type], int(pk))
        if row is None:
            return str(pk)
        return (getattr(row, "short_name", "") or row.name) if field.type == FieldType.UNIT else row.name

    def _entries(self, field):
        if field.dictionary_id not in self._choices:
            self._choices[field.dictionary_id] = [(e.value, e.label, e.is_active)
                                                  for e in field.dictionary.entries.all()] if field.dictionary_id else []
        return self._choices[field.dictionary_id]

    def choices(self, field, *, active_only=True):
        return [(v, label) for v, label, active in self._entries(field) if active or not active_only]

    def _choice_map(self, field):
        maps = self.__dict__.setdefault("_choice_maps", {})
        if field.dictionary_id not in maps:
            found = {}
            for code, label, active in self._entries(field):
                found.setdefault(label, (code, active))
                found[code] = (code, active)
            maps[field.dictionary_id] = found
        return maps[field.dictionary_id]

    def choice(self, field, value):
        text = str(value).strip()
        hit = self._choice_map(field).get(text)
        if hit is not None:
            code, active = hit
            if not active:
                raise ValidationError(_("“%(label)s”：“%(value)s”已停用。") % {"label": field.label, "value": text})
            return code
        offered = "、".join(label for _v, label in self.choices(field))
        raise ValidationError(_("“%(label)s”没有“%(value)s”这一项（可选：%(offered)s）。") % {
            "label": field.label, "value": text, "offered": offered})

    def choice_label(self, field, code):
        for value, label, _active in self._entries(field):
            if value == code:
                return label
        return str(code)

    def preload_taken(self, field, values):
        """Load which of `values` are already taken in this ledger (a batch: one IN query per 500 values)."""
        self.preloaded.add(field.pk)
        values = [v for v in values if v is not None]
        column = "number" if field.type in types.NUMBER_INDEXED else "text"
        for start in range(0, len(values), 500):
            keys = [types.index_value(field, v)[0] for v in values[start:start + 500]]
            lookup = [number if column == "number" else text for text, number in keys]
            for value, entry_id in EntryValue.objects.filter(field=field, **{f"{column}__in": lookup}) \
                    .values_list(column, "entry_id"):
                self.taken[field.pk][value] = entry_id

    def taken_by(self, field, stored, exclude=None):
        """The id of another entry of the ledger holding `stored` in unique field `field`, or None."""
        text, number = types.index_value(field, stored)[0]
        key = number if number is not None else text
        if field.pk in self.preloaded:
            owner = self.taken[field.pk].get(key)
        else:
            column = "number" if number is not None else "text"
            qs = EntryValue.objects.filter(field=field, **{column: key})
            if exclude:
                qs = qs.exclude(entry_id=exclude)
            owner = qs.values_list("entry_id", flat=True).first()
        return owner if owner != exclude else None

    def claim(self, field, stored, entry_id):
        """Within a batch: the value is now taken by the row being validated (duplicates in one file)."""
        text, number = types.index_value(field, stored)[0]
        self.taken[field.pk][number if number is not None else text] = entry_id


def may_write_for(actor, definition, unit) -> bool:
    """May `actor` register an entry of `definition` for `unit`? An administrator or a leader; a dispatcher
    of the ledger's body (accounts.roles.may_dispatch); a supervisor in a rectification ledger (隐患 are
    found by inspectors); otherwise staff whose data scope holds the unit (a town for itself and its villages)
    — a scope of "everything" without a unit (auditor) writes nothing."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if is_admin(actor) or is_leader(actor) or may_dispatch(actor, definition.owning_body):
        return True
    if definition.workflow == Workflow.RECTIFY and is_supervisor(actor):
        return True
    return unit is not None and unit.pk in user_scope(actor).unit_ids


def ordered_fields(definition):
    """Active fields, computed ones last in the order their formulas depend on each other."""
    fields = [f for f in definition.fields.all() if not f.removed]
    plain = [f for f in fields if f.type != FieldType.COMPUTED]
    computed = [f for f in fields if f.type == FieldType.COMPUTED]
    ordered, done = [], {f.key for f in plain}
    while computed:
        ready = [f for f in computed if set(_refs(f)) <= done]
        if not ready:  # a cycle is refused when the definition is saved; never loop here
            ready = computed[:1]
        for f in ready:
            ordered.append(f)
            done.add(f.key)
            computed.remove(f)
    return plain + ordered


def _refs(field):
    from .formula import referenced_keys

    return referenced_keys(field.formula) if field.formula else []


def clean_entry(definition, raw, *, actor, entry=None, lookups=None, check_unit=True, skip=()):
    """(cleaned, errors) — see the module docstring. `skip`: keys left as they are (the personal fields a
    user who may not see them cannot change)."""
    lookups = lookups or Lookups(definition)
    errors = defaultdict(list)
    data = dict(entry.data) if entry is not None else {}
    lead_unit = entry.lead_unit if entry is not None else None
    if UNIT_KEY in raw or entry is None:
        value = raw.get(UNIT_KEY)
        if types.empty(value):
            errors[UNIT_KEY].append(_("请选择%(label)s。") % {"label": definition.unit_label})
            lead_unit = None
        else:
            try:
                lead_unit = lookups.find(Unit, value, definition.unit_label)
                if not lead_unit.is_active:
                    raise ValidationError(_("“%(unit)s”已撤销。") % {"unit": lead_unit})
            except ValidationError as exc:
                errors[UNIT_KEY].extend(exc.messages)
                lead_unit = None
        if lead_unit is not None and check_unit and not may_write_for(actor, definition, lead_unit):
            errors[UNIT_KEY].append(_("您无权为“%(unit)s”登记%(ledger)s。") % {"unit": lead_unit, "ledger": definition.name})
    fields, keys = lookups.ordered(definition)
    for field in fields:
        if field.type == FieldType.COMPUTED:
            continue
        if field.key in raw and field.key not in skip and field.type != FieldType.ATTACHMENT:
            try:
                data[field.key] = types.parse(field, raw[field.key], lookups)
            except ValidationError as exc:
                errors[field.key].extend(exc.messages)
                continue
        value = data.get(field.key)
        if field.required and types.empty(value) and field.type != FieldType.ATTACHMENT:
            errors[field.key].append(_("请填写“%(label)s”。") % {"label": field.label})
        elif field.unique and not types.empty(value):
            owner = lookups.taken_by(field, value, exclude=entry.pk if entry is not None else None)
            if owner is not None and owner < 0:  # claimed by an earlier row of the same batch
                errors[field.key].append(_("“%(label)s”为“%(value)s”的行在本次导入中重复。") % {
                    "label": field.label, "value": types.display(field, value, lookups)})
            elif owner is not None:
                number = LedgerEntry.objects.filter(pk=owner).values_list("number", flat=True).first() or owner
                errors[field.key].append(_("“%(label)s”为“%(value)s”的记录已有（%(number)s）。") % {
                    "label": field.label, "value": types.display(field, value, lookups), "number": number})
    for field in fields:  # computed, in dependency order, from the values just cleaned
        if field.type == FieldType.COMPUTED:
            result = evaluate(field.formula, data)
            data[field.key] = types.to_json_number(result.quantize(Decimal("0.0001"))) if result is not None else None
    unknown = [k for k in raw if k != UNIT_KEY and k not in keys]
    for key in unknown:
        errors[key].append(_("没有这个字段。"))
    return {UNIT_KEY: lead_unit, "data": data}, dict(errors)


def raise_errors(errors):
    if errors:
        raise ValidationError({key: messages for key, messages in errors.items()})
