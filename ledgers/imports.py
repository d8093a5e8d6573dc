"""The import target of every defined ledger ("ledger:<code>", imports.targets): its fields as the engine
sees them, its keys (the entry number, and each unique field), the one validation (validation.clean_entry)
and the bulk writes (services.entries_*_bulk with imports.trail: an audit row and a timeline line per row).

Validation of a batch preloads what clean_entry reads — units, areas, people, dictionaries, the unique values
already taken — so 100,000 rows are checked with a few dozen queries; rows are written in bulk."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_admin, is_leader, is_supervisor, may_dispatch
from accounts.scope import user_scope, visible_to
from imports import trail
from imports.targets import FieldType as T
from imports.targets import ImportTarget, TargetField
from items.models import DONE_STATES
from org.models import Area, Person, Unit

from . import fields as types
from . import services
from .models import EntryValue, FieldType, LedgerDefinition, LedgerEntry, Workflow
from .validation import UNIT_KEY, Lookups, clean_entry

CLEANED = "_cleaned"  # the stored form clean_entry made, carried from validate to create_rows
TYPES = {FieldType.TEXT: T.TEXT, FieldType.LONG_TEXT: T.LONG_TEXT, FieldType.INTEGER: T.INTEGER,
         FieldType.DECIMAL: T.DECIMAL, FieldType.DATE: T.DATE, FieldType.DATETIME: T.DATETIME,
         FieldType.BOOLEAN: T.BOOLEAN, FieldType.CHOICE: T.CHOICE, FieldType.MULTI_CHOICE: T.MULTI_CHOICE,
         FieldType.UNIT: T.UNIT, FieldType.AREA: T.AREA, FieldType.PERSON: T.PERSON, FieldType.PHONE: T.PHONE,
         FieldType.ID_NUMBER: T.ID_NUMBER}
UNIT_SYNONYMS = ("责任单位", "牵头单位", "主责单位", "单位", "填报单位", "所属单位", "乡镇（街道）", "镇街")
NUMBER_KEY = "number"


def target_field(field, lookups):
    kind = TYPES[field.type]
    unit = field.unit if field.type == FieldType.DECIMAL else ""
    if field.type == FieldType.DECIMAL and field.unit == "%":
        kind, unit = T.PERCENT, ""
    return TargetField(name=field.key, label=field.label, type=kind, required=field.required, unit=unit,
                       personal=field.personal_kind or "", choices=tuple(lookups.choices(field)),
                       help_text=field.help_text, max_length=types.TEXT_MAX if field.type == FieldType.TEXT else None)


class LedgerTarget(ImportTarget):
    """One defined ledger as an import target (built per definition version, see LedgerTargets)."""

    model = LedgerEntry

    def __init__(self, definition):
        self.definition = definition
        self.code = f"ledger:{definition.code}"
        self.label = definition.name
        lookups = Lookups(definition)
        self.ledger_fields = [f for f in definition.fields.all() if not f.removed and f.type in TYPES]
        self.fields = (
            TargetField(name=NUMBER_KEY, label=_("编号"), help_text=_("已有记录的编号：填写则更新该记录，不填则新增")),
            TargetField(name=UNIT_KEY, label=definition.unit_label, type=T.UNIT, required=True,
                        synonyms=tuple(s for s in UNIT_SYNONYMS if s != definition.unit_label)),
            *(target_field(f, lookups) for f in self.ledger_fields),
        )
        self.keys = ((NUMBER_KEY,), *((f.key,) for f in self.ledger_fields if f.unique))

    # who

    def may_import(self, actor):
        if actor is None or not actor.is_authenticated or not actor.is_active or not self.definition.is_active:
            return False
        d = self.definition
        return bool(is_admin(actor) or is_leader(actor) or may_dispatch(actor, d.owning_body)
                    or (d.workflow == Workflow.RECTIFY and is_supervisor(actor)) or user_scope(actor).unit_ids)

    def queryset(self, actor):
        return visible_to(actor, LedgerEntry.objects.filter(definition=self.definition))

    def may_change(self, row, actor):
        return (row.state not in DONE_STATES and visible_to(actor, LedgerEntry.objects.filter(pk=row.pk)).exists()
                and services.may_edit(actor, row))

    # reading

    def find_existing(self, keys, *, key_fields, actor):
        base = LedgerEntry.objects.filter(definition=self.definition).select_related("lead_unit", "definition")
        if key_fields == (NUMBER_KEY,):
            numbers = [k[0] for k in keys if k[0]]
            return {(e.number,): e for e in base.filter(number__in=numbers)}
        field = next(f for f in self.ledger_fields if (f.key,) == key_fields)
        stored = {}
        lookups = Lookups(self.definition)
        for key in keys:
            try:
                stored[types.parse(field, key[0], lookups)] = key
            except ValidationError:
                continue
        found = {}
        column = "number" if field.type in types.NUMBER_INDEXED else "text"
        index = {types.index_value(field, s)[0][1 if column == "number" else 0]: k for s, k in stored.items()}
        pairs = EntryValue.objects.filter(field=field, **{f"{column}__in": list(index)}).values_list(column, "entry_id")
        by_pk = {e.pk: e for e in base.filter(pk__in=[pk for _v, pk in pairs])}
        for value, pk in pairs:
            if pk in by_pk:
                found[index[value]] = by_pk[pk]
        return found

    def values_of(self, row):
        lookups = Lookups(self.definition)
        values = {NUMBER_KEY: row.number, UNIT_KEY: row.lead_unit}
        for f in self.ledger_fields:
            values[f.key] = engine_value(f, (row.data or {}).get(f.key), lookups)
        return values

    # checking

    def validate(self, values, *, actor, existing=None, options=None):
        return next(iter(self.validate_rows([values], actor=actor, existing=[existing], options=options)))

    def validate_rows(self, rows, *, actor, existing, options=None):
        lookups = Lookups(self.definition)
        for f in self.ledger_fields:
            if f.unique:
                values = []
                for values_row in rows:
                    try:
                        values.append(types.parse(f, values_row.get(f.key), lookups))
                    except ValidationError:
                        continue
                lookups.preload_taken(f, values)
        for values, current in zip(rows, existing, strict=True):
            raw = {k: v for k, v in values.items() if k != NUMBER_KEY}
            if current is not None and UNIT_KEY in raw and raw[UNIT_KEY] is None:
                raw.pop(UNIT_KEY)
            cleaned, errors = clean_entry(self.definition, raw, actor=actor, entry=current, lookups=lookups)
            if errors:
                yield ValidationError(errors)
                continue
            claim_id = current.pk if current is not None else -1
            for f in self.ledger_fields:
                if f.unique and cleaned["data"].get(f.key) is not None:
                    lookups.claim(f, cleaned["data"][f.key], claim_id)
            result = {k: v for k, v in values.items()}
            if UNIT_KEY in result or current is None:
                result[UNIT_KEY] = cleaned[UNIT_KEY]
            for f in self.ledger_fields:
                if f.key in values:
                    result[f.key] = engine_value(f, cleaned["data"].get(f.key), lookups)
            result[CLEANED] = cleaned
            yield result

    # writing

    def create_rows(self, rows, *, actor, batch, options=None):
        return services.entries_create_bulk(
            actor=actor, definition=self.definition, rows=[r[CLEANED] for r in rows], batch=batch,
            record=lambda entries: trail.record_created(entries, actor=actor, batch=batch))

    def _changes(self, pairs, actor):
        lookups = Lookups(self.definition)
        out = []
        for entry, values in pairs:
            raw = {k: v for k, v in values.items() if k not in (NUMBER_KEY, CLEANED)}
            cleaned, errors = clean_entry(self.definition, raw, actor=actor, entry=entry, lookups=lookups,
                                          check_unit=False)
            if errors:
                raise ValidationError(errors)
            out.append((entry, cleaned))
        return out

    def update_rows(self, changes, *, actor, batch, options=None):
        return services.entries_update_bulk(
            actor=actor, definition=self.definition, changes=self._changes(changes, actor),
            record=lambda pairs: trail.record_updated(pairs, actor=actor, batch=batch))

    def undo_rows(self, *, created, restored, actor, batch):
        services.entries_delete_bulk(entries=created,
                                     record=lambda rows: trail.record_deleted(rows, actor=actor, batch=batch))
        services.entries_update_bulk(
            actor=actor, definition=self.definition, changes=self._changes(restored, actor),
            record=lambda pairs: trail.record_updated(pairs, actor=actor, batch=batch, undo=True))


def engine_value(field, stored, lookups):
    """A stored value as the import engine's type (imports.targets docstring): the preview's diff and the
    round trip of an export compare these."""
    if stored is None or stored == "" or stored == []:
        return None
    t = field.type
    if t == FieldType.DECIMAL:
        return Decimal(str(stored))
    if t == FieldType.DATE:
        return datetime.date.fromisoformat(stored)
    if t == FieldType.DATETIME:
        return timezone.make_aware(datetime.datetime.fromisoformat(stored))
    if t in types.REFERENCES:
        model = {FieldType.UNIT: Unit, FieldType.AREA: Area, FieldType.PERSON: Person}[t]
        return lookups.row(model, int(stored))
    return stored


class LedgerTargets:
    """The provider registered as "ledger": a target per definition, built from the definition as it is now
    (one query with its fields and dictionaries), so a changed definition is never imported with old rules."""

    @staticmethod
    def _definitions():
        return LedgerDefinition.objects.select_related("owning_body").prefetch_related("fields__dictionary__entries")

    def get(self, code):
        definition = self._definitions().filter(code=code.split(":", 1)[1]).first()
        return LedgerTarget(definition) if definition is not None else None

    def all(self):
        return [LedgerTarget(d) for d in self._definitions().filter(is_active=True)]
