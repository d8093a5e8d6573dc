"""The import target protocol — what a ledger offers the one import engine (导入目标).

A *target* is one ledger rows can be imported into: a built-in kind (projects with their monthly investment,
enterprises, 12345 work orders, fund allocations) or an administrator-defined ledger (`ledgers.imports`).
The engine (`imports.engine`) owns everything that is the same for every ledger:

    read the file (.xlsx / .xls / .csv, hostile files refused)        imports.reading
    find the header (merged titles, 填报单位 line, two-row headers)   imports.reading.detect_table
    map columns to fields (header name, synonyms, remembered)         imports.mapping
    convert cells as offices write them (2023.5.1, 万元, 85%, 是/否,   imports.values
      units/areas/people by name or short name)
    skip notes and 合计 rows, check a 合计 against the sum of the rows
    duplicate keys within the file, personal data in a column the ledger does not declare personal
    the preview (every bad cell: sheet, row, column, value, why — 中文 and English), nothing written
    the all-or-nothing commit in one transaction, the batch, undo, progress, background jobs

A target owns what only it knows: its fields, its key, its validation (the same as its form's and API's)
and its writes (through its own services: audit row and timeline line per row). The engine never writes a
target's tables itself.

Registering (in the kind app's `AppConfig.ready()`, from the kind's own `imports.py`; `imports` never
imports a kind app — .importlinter):

    from imports.targets import register
    register(ProjectImportTarget())                   # one fixed target

    from imports.targets import register_provider
    register_provider("ledger", LedgerTargets())      # targets that live in the database: "ledger:<id>"

What the engine hands the target, and when (all keyword-only; `actor` is the importing user):

    1. may_import(actor)                      → bool: who may import at all (the rule for creating rows)
    2. find_existing(keys, actor=)            → {key tuple: row}: rows already there (by `keys`)
    3. validate_rows(rows, actor=, existing=, options=) → one cleaned dict or ValidationError per row
    4. values_of(row, options=)               → the row's current values (the preview's diff, the round trip)
    5. create_rows(rows, actor=, batch=, options=)      → the created rows, in order   ┐ one transaction
       update_rows(changes, actor=, batch=, options=)   → the updated rows, in order   ┘ (the engine's)
    6. row_token(row)                         → changes whenever the row changes (undo checks it)
    7. undo_rows(created=, restored=, actor=, batch=[, options=]) → delete what it created, put back what it changed

Values the engine passes (the `FieldType` of the field says which Python type; None = empty cell):

    TEXT, LONG_TEXT, PHONE, ID_NUMBER   str (phone and ID number normalised; checked by core.validators)
    INTEGER                             int
    DECIMAL                             Decimal, already converted to `TargetField.unit` (a header
                                        "金额（亿元）" into a field in 万元 is multiplied by 10000)
    PERCENT                             Decimal in percent: "85%", "85" and 0.85 all give Decimal("85")
    DATE / DATETIME                     datetime.date / aware datetime.datetime
    BOOLEAN                             bool (是/否, 有/无, √/×, Y/N, true/false, 1/0)
    CHOICE                              the choice's value (matched by label or value)
    MULTI_CHOICE                        list of values (separated by 、，,;；/ or new lines)
    UNIT / AREA / PERSON                org.Unit / org.Area / org.Person instance (by name or short name;
                                        a name that does not exist is the engine's error, with the
                                        nearest names suggested)

Helpers for targets: `imports.trail` writes the per-row audit rows (one hash chain, bulk) and the
timeline lines naming the batch for a list of rows at once — what a bulk service needs to stay at 5,000
rows/s; `imports.reading.detect_table(file)` finds the header and guesses each column's type (the
"create a ledger from a workbook" step).

Errors a target raises: `django.core.exceptions.ValidationError({field_name: message})` — the engine puts
each message on the cell of that field's column ("row N, column: message", NetBox's bulk import); an error
without a field (a plain ValidationError or key NON_FIELD) lands on the row. Messages are Chinese in
`gettext` (the engine renders every message in Chinese and in English for the preview).
"""
from __future__ import annotations

import abc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

NON_FIELD = "__all__"


class FieldType(models.TextChoices):
    """The value types the engine converts cells to (see the module docstring for the Python types)."""

    TEXT = "text", _("文本")
    LONG_TEXT = "long_text", _("长文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数/金额")
    PERCENT = "percent", _("百分比")
    DATE = "date", _("日期")
    DATETIME = "datetime", _("日期时间")
    BOOLEAN = "boolean", _("是/否")
    CHOICE = "choice", _("单选")
    MULTI_CHOICE = "multi_choice", _("多选")
    UNIT = "unit", _("单位")
    AREA = "area", _("区划")
    PERSON = "person", _("人员")
    PHONE = "phone", _("电话")
    ID_NUMBER = "id_number", _("身份证号码")


# Types whose values may be summed (a 合计 row is checked against them).
SUMMABLE = (FieldType.INTEGER, FieldType.DECIMAL)
# Personal kinds (core.masking): a column may hold this kind of personal data only if its field says so.
PERSONAL_KINDS = ("phone", "id_number", "name")


@dataclass(frozen=True)
class TargetField:
    """One field of a target, as the import sees it (a column of its template)."""

    name: str  # the key in the row dicts the engine passes (the target's field name)
    label: str  # the header of the template column (Chinese); also matched as a header
    type: str = FieldType.TEXT
    required: bool = False  # an empty cell is an error on create (an update leaves an unmapped field alone)
    synonyms: tuple[str, ...] = ()  # other headers offices write for it: ("责任单位", "牵头单位", "主责单位")
    # DECIMAL: the unit the target stores ("元", "万元", "亿元"); a unit in the header converts into it.
    # "" = a plain number (no conversion).
    unit: str = ""
    # May this column hold personal data? "phone" / "id_number" / "name" (masked by core.masking in previews
    # and exports). A column that is not personal but holds phone or ID-number patterns is refused.
    personal: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # CHOICE / MULTI_CHOICE: (value, label); label or value matches
    help_text: str = ""
    max_length: int | None = None  # TEXT: longer is the engine's error
    # UNIT / AREA / PERSON: the rows names are looked up among (a callable returning a queryset; default:
    # every active unit / every area / every active person). Narrow it (towns only), never widen the scope
    # here: whether the actor may import *for* a unit is validate_rows' question.
    lookup: Callable[[], models.QuerySet] | None = None
    template: bool = True  # a column of the downloadable template (and of the round-trip export)

    @property
    def header(self):
        """The template's header: the label with its unit, "总投资（万元）"."""
        return f"{self.label}（{self.unit}）" if self.unit and self.type == FieldType.DECIMAL else str(self.label)


@dataclass(frozen=True)
class BatchRef:
    """The batch a write belongs to, as a target sees it: name it on every row's timeline line and in every
    audit row's message ("导入批次 DR-2024-0003")."""

    pk: int
    number: str  # DR-2024-0003
    target_code: str

    @property
    def label(self):
        return _("导入批次 %(number)s") % {"number": self.number}


class ImportTarget(abc.ABC):
    """Base class of a target: declare the attributes, implement the writes; the defaults say what they do.

    Attributes to declare:
        code      "projects.project", "ledger:12" — stable (remembered mappings and batches refer to it)
        label     "重大重点项目" — shown on the import pages
        model     the model the rows are (ImportBatch rows point at it; undo fetches by pk from it)
        fields    Sequence[TargetField], in template order
        keys      alternative keys, tried in order: the first whose fields are all mapped in the file
                  identifies existing rows (create or update); () = every row is created
        options   Sequence[TargetField] asked once per batch on the upload page (e.g. 年度/月份 of a monthly
                  investment file), passed as `options` {name: value}
    """

    code: str = ""
    label: str = ""
    model: type[models.Model] | None = None
    fields: Sequence[TargetField] = ()
    keys: Sequence[tuple[str, ...]] = ()
    options: Sequence[TargetField] = ()

    # ---- who ------------------------------------------------------------------------------------------

    @abc.abstractmethod
    def may_import(self, actor) -> bool:
        """May `actor` import into this ledger at all? The same rule as creating one of its rows (the
        rows' own units are checked row by row in validate_rows)."""

    def queryset(self, actor):
        """The rows `actor` may see — the history and undo pages fetch rows through it (a subclass narrows
        it with accounts.scope.visible_to; the default refuses everything)."""
        return self.model._default_manager.none()

    # ---- reading --------------------------------------------------------------------------------------

    def field(self, name) -> TargetField:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def find_existing(self, keys: Sequence[tuple], *, key_fields: tuple[str, ...], actor) -> dict[tuple, Any]:
        """The rows already there whose `key_fields` values are in `keys` (tuples of engine values, in the
        order of key_fields), as {key tuple: row}. All rows, not only the actor's: a key that names a row
        the actor may not change is the actor's error, not a second row. Default: a filter on the model
        (fields compared as stored; override when a key is not a model field or needs normalising)."""
        if not keys:
            return {}
        found = {}
        for chunk in _chunks(list(keys), 500):
            q = models.Q()
            for key in chunk:
                q |= models.Q(**dict(zip(key_fields, key, strict=True)))
            for row in self.model._default_manager.filter(q):
                found[tuple(_key_value(getattr(row, name)) for name in key_fields)] = row
        return found

    def may_change(self, row, actor) -> bool:
        """May `actor` update this existing row (its form's rule)? Default: no."""
        return False

    def values_of(self, row, options=None) -> dict[str, Any]:
        """The row's current values, one per field, as engine values (a Unit instance for a UNIT field,
        Decimal in the field's unit …). The preview diffs the file against these, and a ledger's export
        re-imported shows no change. `options`: the batch's (a monthly file's year and month) — passed only
        to a target that declares options. Default: the model attributes of the same names."""
        return {f.name: getattr(row, f.name, None) for f in self.fields}

    # ---- checking -------------------------------------------------------------------------------------

    @abc.abstractmethod
    def validate(self, values: dict[str, Any], *, actor, existing=None, options=None) -> dict[str, Any]:
        """One row's values (engine values of the mapped fields; on an update only those in the file) →
        the cleaned values, or raise ValidationError({field: message}). The same checks as the target's
        form and API (required, unique, ranges, patterns, may the actor create for this unit …).
        `existing` is the row being updated (None: a create)."""

    def validate_rows(self, rows: Sequence[dict], *, actor, existing: Sequence, options=None) -> Iterator:
        """Every row at once (override to preload what validate needs — names, counters — in a few queries):
        yields, in order, the cleaned dict or the ValidationError for each row."""
        for values, current in zip(rows, existing, strict=True):
            try:
                yield self.validate(values, actor=actor, existing=current, options=options)
            except ValidationError as exc:
                yield exc

    # ---- writing (inside the engine's transaction; raise to roll the whole batch back) -------------------

    @abc.abstractmethod
    def create_rows(self, rows: Sequence[dict], *, actor, batch: BatchRef, options=None) -> list:
        """Create a row per cleaned dict through the target's services — each with its audit row and, for
        an item, a timeline line naming `batch.label` — and return them in order (the engine records them
        for undo). Bulk where the ledger has a bulk service (a 100,000-row file must reach 5,000 rows/s)."""

    @abc.abstractmethod
    def update_rows(self, changes: Sequence[tuple[Any, dict]], *, actor, batch: BatchRef, options=None) -> list:
        """Apply (row, {field: new value}) pairs — only the fields that differ — through the target's
        services (audit row with before/after, timeline line naming the batch); return the rows in order.
        The rows are current: the engine locked them and found no change since its preview."""

    def row_token(self, row) -> str:
        """A token that changes whenever the row changes: its `version` where it has one, else a digest of
        values_of(row). The engine stores it after the write; undo is refused for a row whose token moved."""
        version = getattr(row, "version", None)
        if version is not None:
            return f"v{version}"
        payload = json.dumps({k: _key_value(v) for k, v in self.values_of(row).items()}, sort_keys=True,
                             default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    @abc.abstractmethod
    def undo_rows(self, *, created: Sequence, restored: Sequence[tuple[Any, dict]], actor, batch: BatchRef,
                  options=None):
        """Undo a batch: delete the rows it created and put back the values it changed ({field: old value},
        engine values) — through the services, audited, a timeline line naming the batch on restored items.
        Called inside the engine's transaction, after it checked every row's token. `options` (the batch's)
        only for a target that declares options."""


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _key_value(value):
    """A key part as compared across file and database: a model instance by pk, text stripped."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value.strip()
    return value


def key_value(value):
    return _key_value(value)


# --- the registry -----------------------------------------------------------------------------------------


@dataclass
class TargetProvider:
    """Targets that live in the database (one per defined ledger): `get(code)` → target or None for codes
    "<prefix>:…", `all()` → every current target (the import pages list those the user may import into)."""

    prefix: str
    get: Callable[[str], ImportTarget | None]
    all: Callable[[], Iterable[ImportTarget]]


@dataclass
class _Registry:
    targets: dict[str, ImportTarget] = field(default_factory=dict)
    providers: dict[str, TargetProvider] = field(default_factory=dict)


_REGISTRY = _Registry()


def register(target: ImportTarget) -> ImportTarget:
    """Register a fixed target (a built-in kind) under `target.code`."""
    if not target.code or ":" in target.code:
        raise ValueError("a fixed target's code is 'app.model' without ':' (':' is a provider's)")
    _REGISTRY.targets[target.code] = target
    return target


def register_provider(prefix: str, provider) -> TargetProvider:
    """Register the targets whose codes start with "<prefix>:" (an object with `get(code)` and `all()`)."""
    entry = TargetProvider(prefix=prefix, get=provider.get, all=provider.all)
    _REGISTRY.providers[prefix] = entry
    return entry


def get_target(code: str) -> ImportTarget | None:
    if ":" in (code or ""):
        provider = _REGISTRY.providers.get(code.split(":", 1)[0])
        return provider.get(code) if provider else None
    return _REGISTRY.targets.get(code)


def all_targets() -> list[ImportTarget]:
    found = list(_REGISTRY.targets.values())
    for provider in _REGISTRY.providers.values():
        found.extend(provider.all())
    return found


def targets_for(actor) -> list[ImportTarget]:
    """The targets `actor` may import into (may_import)."""
    return [t for t in all_targets() if t.may_import(actor)]
