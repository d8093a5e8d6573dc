"""Ledger services — the only code that writes definitions, dictionaries and entries.

Definitions (administrators only, audited, versioned):
    definition_save(actor=, definition=None, expected_version=, attrs=, fields=, note=)
        create or change a ledger; every save is a DefinitionVersion. A change never loses data: a field
        left out is hidden (removed), not dropped; a type change, a new dictionary, a unique rule, a
        tighter range is checked against every row and refused with the rows that block it.
    dictionary_save(actor=, dictionary=None, expected_version=, code=, name=, entries=)

Entries (rows of a ledger):
    entry_create(actor=, definition=, raw=, files=)   validated by ledgers.validation.clean_entry, then the
                                                      workflow's first step through items.services.perform
    entry_update(actor=, entry=, raw=, expected_version=)
    entries_create_bulk / entries_update_bulk / entries_delete_bulk   what the import engine calls: rows
        already cleaned by clean_entry, written with a few statements per thousand rows — items, entries,
        index values, one timeline line and one audit row per row (imports.trail: one hash chain, bulk).
"""
import copy
import datetime
import re

from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.personal import may_see_personal_data
from accounts.roles import is_admin
from accounts.scope import user_scope, visible_to
from audit.models import AuditAction
from audit.services import audit_change, audit_record, snapshot
from core.errors import Conflict, NotFound, ValidationError
from core.services import TRUSTED, deny, require_version, service
from items.attachments import check_upload, save_attachment
from items.kinds import KINDS
from items.lights import Thresholds, compute_light
from items.models import DONE_STATES, Item, ItemAction, ItemState, Light
from items.services import next_numbers, perform
from items.workflow import ADMIN, ASSIGNEE, DISPATCHER, LEAD_UNIT, roles_of

from . import fields as types
from . import kinds
from .formula import compile_formula
from .formula import display as formula_display
from .models import (
    DefinitionVersion,
    Dictionary,
    DictionaryEntry,
    EntryValue,
    FieldType,
    LedgerDefinition,
    LedgerEntry,
    LedgerField,
    Workflow,
)
from .validation import UNIT_KEY, Lookups, clean_entry, may_write_for, ordered_fields, raise_errors
from .workflow import ENTRY_ACTION

CODE = re.compile(r"^[a-z][a-z0-9]{1,16}$")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
PREFIX = re.compile(r"^[A-Z]{1,6}$")
DICTIONARY_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
DEFINITION_ATTRS = ("name", "description", "prefix", "owning_body", "unit_label", "title_field", "workflow",
                    "dekad_reports", "due_field", "yellow_days", "is_active")
FIELD_ATTRS = ("label", "type", "unit", "dictionary", "required", "unique", "min_value", "max_value", "pattern",
               "help_text", "in_list", "filterable", "exported", "personal", "formula")
NOT_UNIQUE = (FieldType.BOOLEAN, FieldType.LONG_TEXT, FieldType.MULTI_CHOICE, FieldType.ATTACHMENT,
              FieldType.COMPUTED)
BLOCKING_SHOWN = 20  # rows named in a refusal (and how many more)


# --- dictionaries -----------------------------------------------------------------------------------


def _require_admin(actor, what, obj=None, object_type=""):
    if not is_admin(actor):
        deny(actor, what, _("只有系统管理员可以定义台账和字典。"), obj=obj, object_type=object_type)


@service
def dictionary_save(*, actor, dictionary=None, expected_version=TRUSTED, code="", name, description="",
                    entries=()):
    """Create or change a dictionary (字典). `entries`: (value, label, is_active) in order. An entry is never
    deleted (values may use it): one left out is made inactive."""
    _require_admin(actor, "dictionary_save", obj=dictionary, object_type="ledgers.dictionary")
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写字典名称。")
    rows, seen = [], set()
    for value, label, active in entries:
        value, label = str(value or "").strip(), str(label or "").strip()
        if not value and not label:
            continue
        value = value or label
        if value in seen:
            errors["entries"] = _("字典项“%(value)s”重复。") % {"value": value}
        seen.add(value)
        rows.append((value[:50], (label or value)[:100], bool(active)))
    if not rows:
        errors.setdefault("entries", _("请至少填写一个字典项。"))
    if dictionary is None:
        if not DICTIONARY_CODE.match(code or ""):
            errors["code"] = _("字典代码须为小写字母、数字和下划线（2～40位，字母开头）。")
        elif Dictionary.objects.filter(code=code).exists():
            errors["code"] = _("字典代码“%(code)s”已存在。") % {"code": code}
    if errors:
        raise ValidationError(errors)
    if dictionary is None:
        dictionary = Dictionary.objects.create(code=code, name=name.strip(), description=description)
        before = None
    else:
        dictionary = Dictionary.objects.select_for_update().get(pk=dictionary.pk)
        version = require_version(expected_version)
        if version is not TRUSTED and version != dictionary.version:
            raise Conflict(data={"current_version": dictionary.version})
        before = {**snapshot(dictionary), "entries": _dictionary_entries(dictionary)}
        dictionary.name, dictionary.description = name.strip(), description
        dictionary.version += 1
        dictionary.save()
    existing = {e.value: e for e in dictionary.entries.all()}
    for order, (value, label, active) in enumerate(rows):
        entry = existing.pop(value, None) or DictionaryEntry(dictionary=dictionary, value=value)
        entry.label, entry.is_active, entry.sort_order = label, active, order
        entry.save()
    for entry in existing.values():  # left out: kept for the values that use it, no longer offered
        if entry.is_active:
            entry.is_active = False
            entry.save(update_fields=["is_active"])
    after = {**snapshot(dictionary), "entries": _dictionary_entries(dictionary)}
    audit_record(action=AuditAction.CREATE if before is None else AuditAction.UPDATE, obj=dictionary, actor=actor,
                 before=before, after=after)
    return dictionary


def _dictionary_entries(dictionary):
    return [[e.value, e.label, e.is_active] for e in dictionary.entries.all()]


# --- definitions ------------------------------------------------------------------------------------


def definition_schema(definition):
    """The whole definition as JSON: a DefinitionVersion's snapshot and the audit log's before/after."""
    labels = {f.key: f.label for f in definition.fields.all()}
    return {
        "code": definition.code, "name": definition.name, "description": definition.description,
        "prefix": definition.prefix, "owning_body": definition.owning_body_id, "unit_label": definition.unit_label,
        "title_field": definition.title_field, "workflow": definition.workflow,
        "dekad_reports": definition.dekad_reports, "due_field": definition.due_field,
        "yellow_days": definition.yellow_days, "is_active": definition.is_active,
        "fields": [{"key": f.key, "label": f.label, "type": f.type, "unit": f.unit,
                    "dictionary": f.dictionary.code if f.dictionary_id else None, "required": f.required,
                    "unique": f.unique, "min_value": None if f.min_value is None else str(f.min_value),
                    "max_value": None if f.max_value is None else str(f.max_value), "pattern": f.pattern,
                    "help_text": f.help_text, "in_list": f.in_list, "filterable": f.filterable,
                    "exported": f.exported, "personal": f.personal,
                    "formula": formula_display(f.formula, labels) if f.formula else "", "removed": f.removed}
                   for f in definition.fields.all()],
    }


def _clean_field(spec, errors, index):
    """One field's attributes from the form / the API / a seed file, normalised; messages into `errors`."""
    def err(message):
        errors.setdefault(f"fields.{index}", []).append(message)

    out = {name: spec.get(name) for name in FIELD_ATTRS}
    out["key"] = str(spec.get("key") or "").strip()
    out["label"] = str(out["label"] or "").strip()[:50]
    out["removed"] = bool(spec.get("removed"))
    for flag in ("required", "unique", "in_list", "filterable", "exported", "personal"):
        out[flag] = bool(out[flag]) if out[flag] is not None else flag in ("in_list", "exported")
    out["unit"] = out["unit"] or ""
    out["pattern"] = (out["pattern"] or "").strip()
    out["help_text"] = (out["help_text"] or "").strip()[:200]
    out["formula"] = (out["formula"] or "").strip()
    if not KEY.match(out["key"]):
        err(_("第%(n)s个字段：字段代码须为小写字母、数字和下划线（字母开头）。") % {"n": index + 1})
    if not out["label"]:
        err(_("第%(n)s个字段：请填写字段名称。") % {"n": index + 1})
    if out["type"] not in FieldType.values:
        err(_("第%(n)s个字段：类型无效。") % {"n": index + 1})
        return out
    label, t = out["label"] or out["key"], out["type"]
    dictionary = out["dictionary"]
    if isinstance(dictionary, str) and dictionary:
        dictionary = Dictionary.objects.filter(code=dictionary).first() or Dictionary.objects.filter(
            name=dictionary).first()
        if dictionary is None:
            err(_("“%(label)s”：字典“%(code)s”不存在。") % {"label": label, "code": spec.get("dictionary")})
    out["dictionary"] = dictionary or None
    out["choices"] = [c.strip() for c in re.split(r"[、，,;；\n]+", str(spec.get("choices") or "")) if c.strip()]
    if t in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        if out["dictionary"] is None and not out["choices"] and not errors.get(f"fields.{index}"):
            err(_("“%(label)s”：单选、多选字段须选择字典（或填写选项）。") % {"label": label})
    else:
        out["dictionary"] = None
    if t == FieldType.DECIMAL and out["unit"] not in ("元", "万元", "亿元", "%"):
        err(_("“%(label)s”：小数字段须选择单位（元、万元、亿元或%%）。") % {"label": label})
    if t not in (FieldType.DECIMAL, FieldType.COMPUTED):
        out["unit"] = ""
    for bound in ("min_value", "max_value"):
        value = out[bound]
        if value in (None, ""):
            out[bound] = None
        elif t not in (FieldType.INTEGER, FieldType.DECIMAL):
            err(_("“%(label)s”：只有数字字段可以设最小值、最大值。") % {"label": label})
        else:
            try:
                out[bound] = types._decimal(LedgerField(label=label, type=FieldType.DECIMAL), value)
            except ValidationError:
                err(_("“%(label)s”：最小值、最大值须为数字。") % {"label": label})
                out[bound] = None
    if out["min_value"] is not None and out["max_value"] is not None and out["min_value"] > out["max_value"]:
        err(_("“%(label)s”：最小值不能大于最大值。") % {"label": label})
    if out["pattern"]:
        if t != FieldType.TEXT:
            err(_("“%(label)s”：只有文本字段可以设格式。") % {"label": label})
        else:
            try:
                re.compile(out["pattern"])
            except re.error:
                err(_("“%(label)s”：格式（正则表达式）写法有误。") % {"label": label})
    if out["unique"] and t in NOT_UNIQUE:
        err(_("“%(label)s”：该类型的字段不能设为唯一。") % {"label": label})
    if out["personal"] and t != FieldType.TEXT:
        out["personal"] = False  # phone and ID number are personal by type; only a text field holds a name
    if t == FieldType.COMPUTED and not out["formula"]:
        err(_("“%(label)s”：计算字段须填写公式。") % {"label": label})
    if t != FieldType.COMPUTED:
        out["formula"] = ""
    if t == FieldType.COMPUTED:
        out["required"] = out["unique"] = False
    return out


def _check_formulas(specs, errors):
    """Compile every computed field's formula against the numeric fields; refuse cycles."""
    numeric = {s["key"]: s for s in specs if s["type"] in types.NUMERIC and not s["removed"]}
    names = {}
    for s in numeric.values():
        names[s["label"]] = s["key"]
        names[s["key"]] = s["key"]
    deps = {}
    for i, s in enumerate(specs):
        if s["type"] != FieldType.COMPUTED or s["removed"] or not s["formula"]:
            continue
        try:
            s["formula"], deps[s["key"]] = compile_formula(s["formula"], {k: v for k, v in names.items()
                                                                          if v != s["key"]})
        except ValidationError as exc:
            errors.setdefault(f"fields.{i}", []).append(f"“{s['label']}”：{exc.messages[0]}")
    visiting, done = set(), set()

    def visit(key):
        if key in done:
            return False
        if key in visiting:
            return True
        visiting.add(key)
        cyclic = any(visit(d) for d in deps.get(key, ()) if d in deps)
        visiting.discard(key)
        done.add(key)
        return cyclic

    for key in deps:
        if visit(key):
            errors.setdefault("fields", []).append(_("计算字段的公式互相引用（循环），请修改。"))
            break


def _blocking(numbers, total):
    shown = "、".join(numbers[:BLOCKING_SHOWN])
    more = _("等%(n)s条") % {"n": total} if total > BLOCKING_SHOWN else ""
    return shown + more


def _check_existing_rows(definition, old, new, errors, index):
    """A changed field must still hold every row's value: convert each stored value with the new rules; refuse
    (naming the rows) when one does not convert. Returns {entry id: new value} for the rows whose stored
    value changes form (e.g. a text "12" becoming the integer 12)."""
    probe = LedgerField(key=new["key"], **{k: new[k] for k in FIELD_ATTRS})
    lookups = Lookups(definition)
    changed, bad = {}, []
    # The whole JSON is read (not a key transform: SQLite's JSON_EXTRACT gives "12" back as 12).
    rows = LedgerEntry.objects.filter(definition=definition).order_by("pk").values_list("pk", "number", "data")
    holders = {}
    for pk, number, data in rows.iterator(chunk_size=2000):
        value = (data or {}).get(new["key"])
        if types.empty(value):
            continue
        raw = value
        if old.type in (FieldType.UNIT, FieldType.AREA, FieldType.PERSON) and probe.type == FieldType.TEXT:
            raw = lookups.reference_label(old, value)
        elif old.type == FieldType.CHOICE and probe.type == FieldType.TEXT:
            raw = lookups.choice_label(old, value)
        elif isinstance(value, list) and probe.type != FieldType.MULTI_CHOICE:
            raw = "、".join(str(v) for v in value)
        try:
            converted = types.parse(probe, raw, lookups)
        except ValidationError:
            bad.append(number)
            continue
        if probe.unique:
            holders.setdefault(str(converted), []).append(number)
        if converted != value:
            changed[pk] = converted
    bad += [number for numbers in holders.values() if len(numbers) > 1 for number in numbers]
    if bad:
        errors.setdefault(f"fields.{index}", []).append(
            _("“%(label)s”：有%(n)s条记录的值不符合新的设置，不能保存：%(rows)s。请先修改这些记录，或保留原设置。") % {
                "label": new["label"], "n": len(bad), "rows": _blocking(bad, len(bad))})
    return changed


@service
def definition_save(*, actor, definition=None, expected_version=TRUSTED, attrs, fields, note="", code=""):
    """Create (`definition` None, with `code`) or change a ledger definition — see the module docstring.
    `attrs`: DEFINITION_ATTRS; `fields`: field dicts (key, label, type, … removed) in order."""
    _require_admin(actor, "definition_save", obj=definition, object_type="ledgers.ledgerdefinition")
    errors = {}
    attrs = {name: attrs.get(name) for name in DEFINITION_ATTRS if name in attrs}
    creating = definition is None
    if creating:
        if not CODE.match(code or ""):
            errors["code"] = [_("台账代码须为小写字母和数字（2～17位，字母开头）。")]
        elif LedgerDefinition.objects.filter(code=code).exists():
            errors["code"] = [_("台账代码“%(code)s”已存在。") % {"code": code}]
        current = LedgerDefinition(code=code, created_by=actor)
    else:
        current = LedgerDefinition.objects.select_for_update().get(pk=definition.pk)
        version = require_version(expected_version)
        if version is not TRUSTED and version != current.version:
            raise Conflict(data={"current_version": current.version})
    before = None if creating else definition_schema(current)
    for name, value in attrs.items():
        setattr(current, name, value)
    current.name = (current.name or "").strip()
    current.prefix = (current.prefix or "").strip().upper()
    current.unit_label = (current.unit_label or "").strip() or _("责任单位")
    if not current.name:
        errors["name"] = [_("请填写台账名称。")]
    if not PREFIX.match(current.prefix):
        errors["prefix"] = [_("编号前缀须为1～6个大写字母。")]
    elif current.prefix in {s.prefix for s in KINDS.values()} or LedgerDefinition.objects.filter(
            prefix=current.prefix).exclude(pk=current.pk).exists():
        errors["prefix"] = [_("编号前缀“%(prefix)s”已被其他台账使用。") % {"prefix": current.prefix}]
    if current.owning_body_id is None:
        errors["owning_body"] = [_("请选择所属机构。")]
    if current.workflow not in Workflow.values:
        errors["workflow"] = [_("请选择流程。")]
    elif not creating and current.workflow != definition.workflow and current.entries.exists():
        errors["workflow"] = [_("该台账已有%(n)s条记录，不能更改流程。") % {"n": current.entries.count()}]
    specs = [_clean_field(spec, errors, i) for i, spec in enumerate(fields)]
    existing = {} if creating else {f.key: f for f in current.fields.all()}
    keys = [s["key"] for s in specs]
    if len(set(keys)) != len(keys):
        errors.setdefault("fields", []).append(_("字段代码不能重复。"))
    labels = [s["label"] for s in specs if not s["removed"]]
    if len(set(labels)) != len(labels):
        errors.setdefault("fields", []).append(_("字段名称不能重复。"))
    if not [s for s in specs if not s["removed"]]:
        errors.setdefault("fields", []).append(_("请至少定义一个字段。"))
    for key, old in existing.items():  # left out: hidden, never dropped (the rows keep their values)
        if key not in keys:
            spec = {name: getattr(old, name) for name in FIELD_ATTRS}
            specs.append({**spec, "key": key, "removed": True})
    _check_formulas(specs, errors)
    active = {s["key"]: s for s in specs if not s["removed"]}
    if current.title_field and (active.get(current.title_field, {}).get("type") != FieldType.TEXT
                                or active[current.title_field]["personal"]):
        errors["title_field"] = [_("标题字段须为一个不含个人信息的文本字段。")]
    if current.due_field and active.get(current.due_field, {}).get("type") != FieldType.DATE:
        errors["due_field"] = [_("期限字段须为一个日期字段。")]
    conversions = {}
    if not creating and not errors:
        for i, spec in enumerate(specs):
            old = existing.get(spec["key"])
            if old is None or spec["removed"] or not _rules_tightened(old, spec):
                continue
            conversions[spec["key"]] = _check_existing_rows(current, old, spec, errors, i)
    if errors:
        raise ValidationError(errors)
    if not creating:
        current.version += 1
        current.schema_version += 1
    current.save()
    for spec in specs:  # choices typed on the page: the field's own dictionary, made now (audited)
        if spec["type"] in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and spec["dictionary"] is None \
                and spec.get("choices"):
            spec["dictionary"] = _own_dictionary(actor, current, spec)
    saved, reindex = [], []
    for order, spec in enumerate(specs):
        field = existing.get(spec["key"]) or LedgerField(definition=current, key=spec["key"])
        was_indexed = field.pk is not None and field.indexed
        for name in (*FIELD_ATTRS, "removed"):
            setattr(field, name, spec[name])
        field.sort_order = order
        field.save()
        saved.append(field)
        if field.indexed != was_indexed or (field.indexed and spec["key"] in conversions):
            reindex.append(field)
    for key, changed in conversions.items():
        _rewrite_values(current, key, changed)
    current = LedgerDefinition.objects.get(pk=current.pk)  # fresh fields for what follows
    if not creating and reindex:
        _reindex_fields(current, reindex)
    if not creating and {"title_field", "due_field"} & {k for k in attrs if before and before.get(k) != attrs.get(k)}:
        _resync_items(current)
    schema = definition_schema(current)
    DefinitionVersion.objects.create(definition=current, number=current.schema_version, schema=schema,
                                     saved_by=actor, saved_at=timezone.now(), note=(note or "")[:200])
    audit_record(action=AuditAction.CREATE if creating else AuditAction.UPDATE, obj=current, actor=actor,
                 before=before, after=schema, message=note or "")
    kinds.forget()
    return current


def _own_dictionary(actor, definition, spec):
    code = f"{definition.code}_{spec['key']}"[:40]
    existing = Dictionary.objects.filter(code=code).first()
    return dictionary_save(actor=actor, dictionary=existing, code=code, name=f"{definition.name}·{spec['label']}",
                           entries=[(c, c, True) for c in spec["choices"]])


def _rules_tightened(old, spec):
    """Whether a change may leave some stored value invalid (so every row must be checked)."""
    return any(getattr(old, name) != spec[name] for name in
               ("type", "unit", "dictionary", "unique", "min_value", "max_value", "pattern"))


def _rewrite_values(definition, key, changed):
    """Store the converted values of `key` (a type change) — the rows' JSON, in chunks."""
    if not changed:
        return
    entries = list(LedgerEntry.objects.filter(pk__in=list(changed)).only("pk", "data"))
    for entry in entries:
        entry.data = {**entry.data, key: changed[entry.pk]}
    LedgerEntry.objects.bulk_update(entries, ["data"], batch_size=1000)


def _reindex_fields(definition, fields):
    """Rewrite EntryValue of these fields for every entry (a field became filterable or unique, or changed)."""
    EntryValue.objects.filter(field__in=fields).delete()
    wanted = [f for f in fields if f.indexed]
    if not wanted:
        return
    batch = []
    for pk, data in LedgerEntry.objects.filter(definition=definition).values_list("pk", "data").iterator(2000):
        for f in wanted:
            for text, number in types.index_value(f, (data or {}).get(f.key)):
                batch.append(EntryValue(entry_id=pk, field=f, text=text, number=number))
        if len(batch) >= 5000:
            EntryValue.objects.bulk_create(batch)
            batch = []
    EntryValue.objects.bulk_create(batch)


def _resync_items(definition):
    """The title or due-date field changed: recompute those Item columns of every entry."""
    entries = list(LedgerEntry.objects.filter(definition=definition).only("pk", "data", "title", "due_date"))
    for entry in entries:
        entry.title, entry.due_date = _title(definition, entry.data, entry.number), _due(definition, entry.data)
    Item.objects.bulk_update(entries, ["title", "due_date"], batch_size=1000)


# --- entries ----------------------------------------------------------------------------------------


def _title(definition, data, number=""):
    value = data.get(definition.title_field) if definition.title_field else None
    return (str(value) if value else f"{definition.name}{number}")[:200]


def _due(definition, data):
    value = data.get(definition.due_field) if definition.due_field else None
    return datetime.date.fromisoformat(value) if value else None


def searchable_text(definition, data):
    """Item.description of an entry: its text fields as "名称：值" lines — what the global search reads.
    Personal fields (names, phones, ID numbers) are left out: a search must not find a person's data."""
    lines = []
    for f in definition.fields.all():
        value = data.get(f.key)
        if f.removed or f.key == definition.title_field or f.personal_kind or types.empty(value):
            continue
        if f.type in (FieldType.TEXT, FieldType.LONG_TEXT):
            lines.append(f"{f.label}：{value}")
    return "\n".join(lines)[:5000]


def _apply(definition, entry, cleaned):
    data = cleaned["data"]
    entry.data = data
    entry.lead_unit = cleaned[UNIT_KEY] or entry.lead_unit
    if entry.area_id is None and entry.lead_unit is not None:
        entry.area_id = entry.lead_unit.area_id
    entry.title = _title(definition, data, entry.number if entry.number != "-" else "")
    entry.description = searchable_text(definition, data)
    due = _due(definition, data)
    if due != entry.due_date:
        entry.due_date = due
        if entry.original_due_date is None or entry.state == ItemState.DRAFT:
            entry.original_due_date = due
    entry.schema_version = definition.schema_version


def _index_rows(definition, entries, *, fresh=False):
    """EntryValue rows of `entries` (their indexed fields), replacing what they had (`fresh`: new entries)."""
    indexed = [f for f in definition.fields.all() if f.indexed and not f.removed]
    if not indexed:
        return
    if not fresh:
        pks = [e.pk for e in entries]
        for start in range(0, len(pks), 500):
            EntryValue.objects.filter(entry_id__in=pks[start:start + 500], field__in=indexed).delete()
    _raw_insert(EntryValue, VALUE_FIELDS, [(e.pk, f.pk, text, number) for e in entries for f in indexed
                                           for text, number in types.index_value(f, e.data.get(f.key))])


def personal_keys(definition):
    return [f.key for f in definition.fields.all() if f.personal_kind]


def _checked_files(definition, files):
    """{key: [CheckedFile]} of the attachment fields; a bad file refuses the whole write."""
    out = {}
    for f in definition.fields.all():
        if f.type == FieldType.ATTACHMENT and not f.removed and files and files.get(f.key):
            out[f.key] = [check_upload(x) for x in files[f.key]]
    return out


def _attach(entry, checked, actor, row):
    for key, files in checked.items():
        ids = [save_attachment(item=entry, action=row, checked=c, actor=actor).pk for c in files]
        entry.data[key] = list(entry.data.get(key) or []) + ids


def _missing_attachments(definition, entry_data, checked):
    errors = {}
    for f in definition.fields.all():
        if f.type == FieldType.ATTACHMENT and f.required and not f.removed:
            if not entry_data.get(f.key) and not checked.get(f.key):
                errors[f.key] = [_("请上传“%(label)s”。") % {"label": f.label}]
    return errors


@service
def entry_create(*, actor, definition, raw, files=None, at=None, request_key=None, lookups=None):
    """Register one entry (台账记录) of `definition`: clean_entry, then the workflow's first step through
    perform() (登记, or 交办 in the shared table) — one timeline line, the audit rows, the light."""
    if not definition.is_active:
        raise ValidationError({"ledger": _("台账“%(name)s”已停用，不能登记新记录。") % {"name": definition.name}})
    checked = _checked_files(definition, files)
    cleaned, errors = clean_entry(definition, raw, actor=actor, lookups=lookups, check_unit=False)
    unit = cleaned[UNIT_KEY]
    if unit is not None and not may_write_for(actor, definition, unit):
        deny(actor, "entry_create", _("您无权为“%(unit)s”登记%(ledger)s。") % {"unit": unit, "ledger": definition.name},
             object_type="ledgers.ledgerentry", object_repr=definition.name)
    errors.update(_missing_attachments(definition, cleaned["data"], checked))
    raise_errors(errors)
    now = at or timezone.now()
    entry = LedgerEntry(kind=definition.kind, definition=definition, owning_body=definition.owning_body,
                        created_by=actor, state=ItemState.DRAFT, number="-")
    _apply(definition, entry, cleaned)
    entry.full_clean(exclude=["number", "kind"])
    entry.number = next_numbers(definition.prefix, timezone.localtime(now).year, 1)[0]
    if not definition.title_field:
        entry.title = _title(definition, entry.data, entry.number)
    entry.save()
    if at is not None:
        Item.objects.filter(pk=entry.pk).update(created_at=at)
    audit_change(AuditAction.CREATE, entry, actor=actor)
    row = perform(entry, ENTRY_ACTION[definition.workflow], actor, TRUSTED, at=at, request_key=request_key)
    if checked:
        _attach(entry, checked, actor, row)
        LedgerEntry.objects.filter(pk=entry.pk).update(data=entry.data)
    _index_rows(definition, [entry])
    return LedgerEntry.objects.get(pk=entry.pk)


def may_edit(actor, entry) -> bool:
    """The entry's unit (and the units above it in the actor's scope), its assignee, its dispatchers, an
    administrator — while it is open; a closed entry is reopened first."""
    roles = roles_of(actor, entry)
    if roles & {ADMIN, DISPATCHER, LEAD_UNIT, ASSIGNEE}:
        return True
    return bool(entry.lead_unit_id) and entry.lead_unit_id in user_scope(actor).unit_ids and bool(
        actor.unit_id) and not user_scope(actor).everything


@service
def entry_update(*, actor, entry, raw, expected_version, files=None, note=""):
    """Change an entry's values (the same clean_entry as on creation), compare-and-swap on the version, an
    audit row with the diff, a timeline line naming the fields changed, the light recomputed."""
    pk = entry.pk
    if not visible_to(actor, LedgerEntry.objects.filter(pk=pk)).exists():
        raise NotFound()
    current = LedgerEntry.objects.select_for_update(of=("self",)).select_related("definition", "lead_unit").get(pk=pk)
    definition = current.definition
    if not may_edit(actor, current):
        deny(actor, "entry_update", _("您无权修改这条记录。"), obj=current)
    version = require_version(expected_version)
    if version is not TRUSTED and version != current.version:
        raise Conflict(data={"current_version": current.version})
    if current.state in DONE_STATES:
        raise ValidationError({"state": _("记录已办结（销号），不能修改；如需修改请先重新打开。")})
    skip = () if may_see_personal_data(actor) else personal_keys(definition)
    checked = _checked_files(definition, files)
    cleaned, errors = clean_entry(definition, raw, actor=actor, entry=current, check_unit=False, skip=skip)
    unit = cleaned[UNIT_KEY]
    if unit is not None and unit.pk != current.lead_unit_id:
        if current.state != ItemState.DRAFT and definition.workflow == Workflow.SHARED:
            errors.setdefault(UNIT_KEY, []).append(_("已交办的记录请通过“重新交办”更换%(label)s。") % {
                "label": definition.unit_label})
        elif not may_write_for(actor, definition, unit):
            deny(actor, "entry_update", _("您无权把记录改到“%(unit)s”。") % {"unit": unit}, obj=current)
    errors.update(_missing_attachments(definition, cleaned["data"], checked))
    raise_errors(errors)
    before = snapshot(current)
    old_data = dict(current.data)
    _apply(definition, current, cleaned)
    current.version += 1
    current.full_clean(exclude=["kind"])
    light, reason = compute_light(current)
    current.light, current.light_reason = light, reason
    current.save()
    changed = [f.label for f in definition.fields.all() if old_data.get(f.key) != current.data.get(f.key)]
    if before.get("lead_unit") != current.lead_unit_id:
        changed.insert(0, definition.unit_label)
    row = ItemAction.objects.create(item=current, action="edit", actor=actor, actor_name=str(actor)[:100],
                                    unit_id=actor.unit_id, time=timezone.now(), from_state=current.state,
                                    to_state=current.state, note=note or _("修改：%(fields)s") % {
                                        "fields": "、".join(changed) or _("无变化")})
    if checked:
        _attach(current, checked, actor, row)
        LedgerEntry.objects.filter(pk=current.pk).update(data=current.data)
    audit_change(AuditAction.UPDATE, current, actor=actor, before=before)
    _index_rows(definition, [current])
    return current


# --- bulk (the import engine) -----------------------------------------------------------------------


def _with_fields(definition):
    """The definition with its fields loaded once (a bulk write reads them for every row)."""
    if "fields" in getattr(definition, "_prefetched_objects_cache", {}):
        return definition
    return LedgerDefinition.objects.prefetch_related("fields__dictionary__entries").get(pk=definition.pk)


def _entry_state(definition, now):
    """State and timestamps of a row written straight into the ledger — as the workflow's first step leaves it."""
    if definition.workflow == Workflow.SHARED:
        return {"state": ItemState.ASSIGNED, "assigned_at": now}
    return {"state": ItemState.IN_PROGRESS, "assigned_at": now, "accepted_at": now}


def _raw_insert(model, fields, rows):
    """INSERT rows (tuples in the order of `fields`) with one executemany — the bulk path of an import, without
    building a model instance per row. Values are prepared by their fields (dates, JSON, decimals)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    preps = [f.get_db_prep_save if f.get_internal_type() in PREPARED_TYPES else None for f in fields]
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    cache = {}  # a batch repeats its timestamps and dates: prepare each value once

    def prepared_value(i, value):
        prep = preps[i]
        if prep is None or value is None:
            return value
        if isinstance(value, (dict, list)):
            return prep(value, connection)
        key = (i, value)
        if key not in cache:
            cache[key] = prep(value, connection)
        return cache[key]

    prepared = [tuple(prepared_value(i, v) for i, v in enumerate(row)) for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), 5000):
            cursor.executemany(sql, prepared[start:start + 5000])


PREPARED_TYPES = {"DateTimeField", "DateField", "DecimalField", "JSONField"}


def _allocate_item_ids(count):
    """`count` new Item ids, taken before the insert so each entry row can name its Item: PostgreSQL's
    sequence, or on SQLite the next ids above the largest (the writing transaction holds the write lock)."""
    table = Item._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        # AUTOINCREMENT never reuses an id: start above the largest ever given (sqlite_sequence), not only the
        # largest still there
        cursor.execute(f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                       f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0))", [table])
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


ITEM_FIELDS = [f for f in Item._meta.concrete_fields if not f.primary_key]
ENTRY_FIELDS = [LedgerEntry._meta.get_field(name) for name in ("item_ptr", "definition", "schema_version", "data")]
VALUE_FIELDS = [EntryValue._meta.get_field(name) for name in ("entry", "field", "text", "number")]


def entries_create_bulk(*, actor, definition, rows, batch, record, at=None):
    """Write rows already cleaned by clean_entry ({lead_unit, data}) as entries of `definition` — items and
    entries with a few statements per thousand rows, their numbers in one block, the light computed as
    perform() would, then `record(entries)` writes each row's audit row and timeline line (imports.trail).
    Call inside the caller's transaction (the import's: all or nothing)."""
    if not rows:
        return []
    definition = _with_fields(definition)
    now = at or timezone.now()
    numbers = next_numbers(definition.prefix, timezone.localtime(now).year, len(rows))
    thresholds = Thresholds.for_day(timezone.localtime(now).date())
    state = _entry_state(definition, now)
    entries = []
    # one instance built, the others copied from it (a model's __init__ per row is a third of the time)
    template = LedgerEntry(kind=definition.kind, definition=definition, owning_body_id=definition.owning_body_id,
                           created_by=actor, number="", created_at=now, updated_at=now, **state)
    for number, cleaned in zip(numbers, rows, strict=True):
        entry = copy.copy(template)
        entry.number = number
        _apply(definition, entry, cleaned)
        entry.light, entry.light_reason = compute_light(entry, thresholds=thresholds)
        entries.append(entry)
    for entry, pk in zip(entries, _allocate_item_ids(len(entries)), strict=True):
        entry.pk = entry.id = entry.item_ptr_id = pk
    id_field = Item._meta.pk
    _raw_insert(Item, [id_field, *ITEM_FIELDS],
                [(e.pk, *(getattr(e, f.attname) for f in ITEM_FIELDS)) for e in entries])
    _raw_insert(LedgerEntry, ENTRY_FIELDS, [(e.pk, e.definition_id, e.schema_version, e.data) for e in entries])
    _index_rows(definition, entries, fresh=True)
    record(entries)
    return entries


def entries_update_bulk(*, actor, definition, changes, record):
    """Apply (entry, cleaned) pairs — the entries locked and current — with one bulk UPDATE per table; then
    `record(pairs of (entry, before snapshot))` writes the audit diff and timeline line of each."""
    if not changes:
        return []
    definition = _with_fields(definition)
    thresholds = Thresholds.for_day(timezone.localdate())
    pairs, now = [], timezone.now()
    for entry, cleaned in changes:
        before = snapshot(entry)
        _apply(definition, entry, cleaned)
        entry.version += 1
        entry.updated_at = now
        entry.light, entry.light_reason = compute_light(entry, thresholds=thresholds)
        pairs.append((entry, before))
    entries = [e for e, _before in pairs]
    Item.objects.bulk_update(entries, ["title", "description", "lead_unit", "area", "due_date", "original_due_date",
                                       "version", "updated_at", "light", "light_reason"], batch_size=1000)
    LedgerEntry.objects.bulk_update(entries, ["data", "schema_version"], batch_size=1000)
    _index_rows(definition, entries)
    record(pairs)
    return entries


def entries_delete_bulk(*, entries, record):
    """Delete entries (the undo of an import batch): `record(entries)` audits each before it goes."""
    entries = list(entries)
    if not entries:
        return 0
    record(entries)
    pks = [e.pk for e in entries]
    EntryValue.objects.filter(entry_id__in=pks).delete()
    LedgerEntry.objects.filter(pk__in=pks).delete()
    return len(pks)


def entry_counts(definition):
    return definition.entries.aggregate(n=Count("pk"))["n"]


__all__ = ["definition_save", "dictionary_save", "entry_create", "entry_update", "entries_create_bulk",
           "entries_update_bulk", "entries_delete_bulk", "searchable_text", "definition_schema", "may_edit",
           "ordered_fields", "Light"]
