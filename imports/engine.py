"""The import engine — 导入引擎: upload → mapping → check (the preview, nothing written) → commit (all or
nothing, one transaction) → undo. The same for every target (imports.targets); NetBox's bulk import (every row
through the target's own validation, one transaction, "row N, field: message") with OpenProject's check first.

    batch_upload(actor=, target=, data=, name=)          → ImportBatch (the file refused: ValidationError)
    batch_set_mapping(actor=, batch=, mapping=, …)       the column ↔ field mapping, batch options
    batch_check(actor=, batch=)                          the preview: ImportIssue per bad cell, ImportChange per
                                                         changed row; a background job for a large file
    batch_commit(actor=, batch=, expected_version=)      the writes, after the same check again: refused when
                                                         the plan differs from the preview
    batch_undo(actor=, batch=, expected_version=)        while no later change touched its rows

Two passes over the file (the check and the commit) each stream it in chunks, so a 100,000-row file needs
the memory of one chunk, the keys seen and the 合计 sums — not the whole file.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from audit.models import AuditAction
from audit.services import audit_change, audit_record
from core.errors import Conflict, DomainError, PermissionDenied
from core.masking import mask
from core.requestcontext import current, use_context
from core.services import deny, require_version, service
from items.services import next_number

from .models import (
    BatchState,
    ChangeAction,
    ImportBatch,
    ImportChange,
    ImportIssue,
    ImportMapping,
    IssueSeverity,
)
from .reading import UnreadableFile, classify_row, detect_table, known_names, limits, norm, open_book
from .targets import NON_FIELD, SUMMABLE, BatchRef, FieldType, get_target, key_value
from .values import CellError, Converter, is_masked_of, personal_pattern, text_of

log = logging.getLogger(__name__)

CHUNK = 1000
MAX_ISSUES = 2000  # stored per batch; the count goes on
PREVIEW_CREATES = 50  # sample rows of the creates shown in the preview
TOTAL_WORDS_CHECKED = {"合计", "总计", "全区合计", "合计数"}


def bilingual(fn):
    """(Chinese, English) renderings of a message built by `fn()` (gettext inside)."""
    with translation.override("zh-hans"):
        zh = str(fn())
    with translation.override("en"):
        en = str(fn())
    return zh, en


def _message_of(exc):
    if isinstance(exc, CellError):
        return str(exc.message)
    return "；".join(str(m) for m in getattr(exc, "messages", [str(exc)]))


# --- values as stored in the batch -----------------------------------------------------------------------


def to_json(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def from_json(target_field, value):
    import datetime

    if value is None:
        return None
    kind = target_field.type
    if kind in (FieldType.UNIT, FieldType.AREA, FieldType.PERSON):
        from .values import default_lookup

        queryset = target_field.lookup() if target_field.lookup else default_lookup(kind)
        return queryset.model._default_manager.filter(pk=value).first()
    if kind in (FieldType.DECIMAL, FieldType.PERCENT):
        return Decimal(value)
    if kind == FieldType.DATE:
        return datetime.date.fromisoformat(value)
    if kind == FieldType.DATETIME:
        return datetime.datetime.fromisoformat(value)
    return value


def display(target_field, value):
    """A value as the preview shows it (personal data masked)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if target_field.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        labels = dict(target_field.choices)
        values = value if isinstance(value, list) else [value]
        return "、".join(str(labels.get(v, v)) for v in values)
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    elif hasattr(value, "isoformat") and not isinstance(value, models.Model):
        text = value.isoformat()
    else:
        text = str(value)
    if target_field.personal:
        text = mask(target_field.personal, text)
    return text


def same(target_field, old, new) -> bool:
    if old in (None, "", []) and new in (None, "", []):
        return True
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return key_value(old) == key_value(new)
    if isinstance(old, (int, float, Decimal)) and isinstance(new, (int, float, Decimal)) \
            and not isinstance(old, bool) and not isinstance(new, bool):
        return Decimal(str(old)) == Decimal(str(new))
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        return sorted(map(str, old)) == sorted(map(str, new))
    if hasattr(old, "date") and hasattr(new, "isoformat") and not hasattr(new, "date"):
        return old.date() == new
    return old == new


# --- mapping ---------------------------------------------------------------------------------------------


def propose_mapping(target, table) -> dict[str, str]:
    """{column index: field name}: the remembered mapping of this target first, then each field's label,
    template header and synonyms against the column's joined header, its label without unit, and its parts."""
    remembered = ImportMapping.objects.filter(target_code=target.code).values_list("headers", flat=True).first() or {}
    names = {}
    for f in target.fields:
        for alias in (f.label, f.header, *f.synonyms):
            names.setdefault(norm(alias), f.name)
    valid = {f.name for f in target.fields}
    mapping, used = {}, set()
    for column in table.columns:
        candidates = [norm(column.header), norm(column.label), *(norm(p) for p in reversed(column.parts))]
        choice = None
        for candidate in candidates:
            remembered_field = remembered.get(candidate)
            if remembered_field in valid and remembered_field not in used:
                choice = remembered_field
                break
        if choice is None:
            for candidate in candidates:
                if candidate in names and names[candidate] not in used:
                    choice = names[candidate]
                    break
        if choice is not None:
            mapping[str(column.index)] = choice
            used.add(choice)
    return mapping


def remember_mapping(batch, table_columns):
    headers = {}
    for column in table_columns:
        name = batch.mapping.get(str(column["index"]))
        if name:
            headers[norm(column["header"])] = name
    row, _created = ImportMapping.objects.get_or_create(target_code=batch.target_code)
    row.headers = {**row.headers, **headers}
    row.save()


# --- permissions -----------------------------------------------------------------------------------------


def target_of(batch):
    target = get_target(batch.target_code)
    if target is None:
        raise ValidationError(_("导入目标“%(code)s”已不存在。") % {"code": batch.target_code})
    return target


def may_run(actor, batch) -> bool:
    """The uploader (while still allowed to import into the target) or an administrator."""
    target = get_target(batch.target_code)
    if target is None or not target.may_import(actor):
        return False
    return batch.created_by_id == actor.pk or is_admin(actor)


def _require(actor, batch, what):
    if not may_run(actor, batch):
        deny(actor, what, _("只有上传人或系统管理员可以操作此导入批次。"), obj=batch)


# --- upload and mapping ----------------------------------------------------------------------------------


def read_table(data, name, sheet_name=None):
    """(book, table) of an upload; UnreadableFile for a file the importer refuses."""
    book = open_book(data, name)
    table = detect_table(book.sheet(sheet_name), known=known_names())
    return book, table


def _clean_options(target, raw):
    cleaned, errors = {}, {}
    for option in target.options:
        value = (raw or {}).get(option.name)
        try:
            converted = Converter(option).convert(value)
        except CellError as exc:
            errors[option.name] = exc.message
            continue
        if converted is None and option.required:
            errors[option.name] = _("请填写“%(label)s”。") % {"label": option.label}
        cleaned[option.name] = to_json(converted)
    if errors:
        raise ValidationError(errors)
    return cleaned


@service
def batch_upload(*, actor, target, data: bytes, name: str, sheet_name=None, options=None) -> ImportBatch:
    """Keep an uploaded file as a new batch with its detected header and a proposed mapping. A file the
    importer refuses (not a spreadsheet, encrypted, macros, XXE, zip bomb, over the limits, no header) is a
    ValidationError on "file" — nothing is written."""
    if not target.may_import(actor):
        deny(actor, "import_upload", _("您无权向“%(target)s”导入数据。") % {"target": target.label},
             object_type="imports.importbatch", object_repr=target.label)
    try:
        book, table = read_table(data, name, sheet_name)
    except UnreadableFile as exc:
        raise ValidationError({"file": exc.message}) from None
    cleaned_options = _clean_options(target, options)
    batch = ImportBatch(
        number=next_number("DR", timezone.localdate().year), target_code=target.code, target_label=str(target.label),
        original_name=(name or "upload")[:200], size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        file_format=book.format, sheet_name=table.sheet.name, table=table.as_dict(), options=cleaned_options,
        created_by=actor, unit=getattr(actor, "unit", None),
    )
    batch.table["sheets"] = [s.name for s in book.sheets]
    batch.table["uncalculated"] = table.sheet.uncalculated
    batch.table["formula_cells"] = table.sheet.formula_cells
    batch.mapping = propose_mapping(target, table)
    batch.file.save(f"{batch.number}{Path(name or '').suffix.lower()[:6]}", ContentFile(data), save=False)
    batch.full_clean(exclude=["file"])
    batch.save()
    audit_change(AuditAction.CREATE, batch, actor=actor)
    return batch


@service
def batch_set_mapping(*, actor, batch, mapping, options=None, expected_version):
    """Set the column ↔ field mapping ({column index: field name or ""}) and the batch options; the preview
    is then out of date (state back to 待确认)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _require(actor, batch, "import_mapping")
    expected = require_version(expected_version)
    if batch.version != expected:
        raise Conflict(data={"current_version": batch.version})
    if batch.state not in (BatchState.UPLOADED, BatchState.CHECKED, BatchState.FAILED):
        raise ValidationError(_("该批次已%(state)s，不能再修改对应关系。") % {"state": batch.get_state_display()})
    target = target_of(batch)
    valid = {f.name for f in target.fields}
    columns = {str(c["index"]) for c in batch.table.get("columns", [])}
    cleaned, used = {}, {}
    for column, name in (mapping or {}).items():
        if not name:
            continue
        if str(column) not in columns or name not in valid:
            raise ValidationError({"mapping": _("对应关系无效：第 %(col)s 列 → %(field)s。") % {"col": column, "field": name}})
        if name in used:
            raise ValidationError({"mapping": _("字段“%(label)s”对应了两列，请只选一列。") % {
                "label": target.field(name).label}})
        used[name] = column
        cleaned[str(column)] = name
    batch.mapping = cleaned
    if options is not None:
        batch.options = _clean_options(target, options)
    batch.state = BatchState.UPLOADED
    batch.plan_digest = ""
    batch.version += 1
    batch.save()
    return batch


# --- the pass over the rows --------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict
    raw: dict  # field → raw cell
    key: tuple | None = None
    errors: list = field(default_factory=list)  # (field or "", message_zh, message_en, value)


class _Abort(Exception):
    pass


class _Pass:
    """One pass over the batch's file: convert, check, diff — and with write=True, write."""

    def __init__(self, batch, target, actor, *, write):
        self.batch, self.target, self.actor, self.write = batch, target, actor, write
        with batch.file.open("rb") as fh:
            data = fh.read()
        _book, self.table = read_table(data, batch.original_name, batch.sheet_name or None)
        self.lim = limits()
        columns = {c.index: c for c in self.table.columns}
        self.target_fields = list(target.fields)  # once: a target may build its fields from the database
        self.by_name = {f.name: f for f in self.target_fields}
        self.mapped = {}  # column index → (field, converter, column)
        lookups = {}
        for index, name in batch.mapping.items():
            column = columns.get(int(index))
            if column is None:
                continue
            f = self.by_name[name]
            unit = column.unit or (self.table.sheet_unit if f.type == FieldType.DECIMAL else "")
            self.mapped[int(index)] = (f, Converter(f, header_unit=unit, lookups=lookups), column)
        self.fields_mapped = {f.name for f, _c, _col in self.mapped.values()}
        self.key_fields = ()
        for key in target.keys:
            if set(key) <= self.fields_mapped:
                self.key_fields = tuple(key)
                break
        self.options = {o.name: from_json(o, batch.options.get(o.name)) for o in target.options}
        self.need_formats = any(f.type == FieldType.PERCENT for f, _c, _col in self.mapped.values())
        self.ref = BatchRef(pk=batch.pk, number=batch.number, target_code=batch.target_code)
        self.issues, self.issue_count, self.warning_count = [], 0, 0
        self.seen_keys = {}
        self.sums = {}
        self.totals = []  # (row number, {field: (value, column)})
        self.counts = {"total": 0, "skipped": 0, "create": 0, "update": 0, "unchanged": 0}
        self.digest = hashlib.sha256()
        self.changes = []  # ImportChange rows
        self.created = []  # [pk, token]
        self.done = 0
        self.estimate = batch.progress_total or 0

    # issues ---------------------------------------------------------------------------------------------

    def issue(self, number, column, f, value, zh, en, severity=IssueSeverity.ERROR):
        if severity == IssueSeverity.ERROR:
            self.issue_count += 1
            if self.write:
                raise _Abort(zh)
        else:
            self.warning_count += 1
        if len(self.issues) >= MAX_ISSUES:
            return
        text = text_of(value)
        if f is not None and (f.personal or personal_pattern(text)):
            text = mask(f.personal or personal_pattern(text), text)
        self.issues.append(ImportIssue(
            batch_id=self.batch.pk, severity=severity, sheet=self.table.sheet.name, row=number,
            column=column.letter if column is not None else "", header=column.header[:200] if column is not None else "",
            field=f.name if f is not None else "", value=text[:200], message_zh=zh, message_en=en))

    def field(self, name):
        return self.by_name[name]

    def _values_of(self, obj):
        # a target without batch options may declare values_of(row) alone
        return self.target.values_of(obj, options=self.options) if self.target.options else self.target.values_of(obj)

    def _column_of(self, name):
        for f, _conv, column in self.mapped.values():
            if f.name == name:
                return f, column
        return None, None

    # reading --------------------------------------------------------------------------------------------

    def rows(self):
        formats = self.table.formats() if self.need_formats else None
        for number, raw in self.table.rows():
            fmt = next(formats, ()) if formats is not None else ()
            yield number, raw, fmt

    def run(self):
        chunk = []
        for number, raw, fmt in self.rows():
            kind = classify_row(raw)
            if kind == "blank":
                continue
            if kind in ("note", "total"):
                self.counts["skipped"] += 1
                if kind == "total":
                    self._total_row(number, raw)
                continue
            self.counts["total"] += 1
            if self.counts["total"] > self.lim["max_rows"]:
                raise UnreadableFile(_("数据超过 %(limit)s 行的上限，请分成几个文件导入。") % {"limit": self.lim["max_rows"]},
                                     "too_many_rows")
            if len(raw) > self.lim["max_columns"]:
                raise UnreadableFile(_("第 %(row)s 行有 %(n)s 列，超过上限 %(limit)s 列。") % {
                    "row": number, "n": len(raw), "limit": self.lim["max_columns"]}, "too_many_columns")
            chunk.append(self._convert(number, raw, fmt))
            if len(chunk) >= CHUNK:
                self._process(chunk)
                chunk = []
        if chunk:
            self._process(chunk)
        self._check_totals()

    def _convert(self, number, raw, fmt):
        row = _Row(number=number, values={}, raw={})
        for index, (f, converter, column) in self.mapped.items():
            cell = raw[index] if index < len(raw) else None
            cell_fmt = fmt[index] if index < len(fmt) else None
            row.raw[f.name] = cell
            try:
                value = converter.convert(cell, cell_fmt)
            except CellError:
                zh, en = bilingual(lambda c=converter, v=cell, x=cell_fmt: _cell_message(c, v, x))
                row.errors.append((f, column, cell, zh, en))
                continue
            if isinstance(value, Decimal) and f.type in SUMMABLE:
                self.sums[f.name] = self.sums.get(f.name, Decimal(0)) + value
            elif isinstance(value, int) and not isinstance(value, bool) and f.type in SUMMABLE:
                self.sums[f.name] = self.sums.get(f.name, Decimal(0)) + value
            if isinstance(value, str) and not f.personal and f.type in (FieldType.TEXT, FieldType.LONG_TEXT):
                kind = personal_pattern(value)
                if kind:
                    zh, en = bilingual(lambda k=kind: _personal_message(k))
                    row.errors.append((f, column, cell, zh, en))
                    continue
            row.values[f.name] = value
        if self.key_fields:
            parts = tuple(key_value(row.values.get(name)) for name in self.key_fields)
            if any(p in (None, "") for p in parts):
                missing = [self.field(n).label for n, p in zip(self.key_fields, parts, strict=True) if p in (None, "")]
                f, column = self._column_of(self.key_fields[0])
                if not any(e[0] is not None and e[0].name in self.key_fields for e in row.errors):
                    zh, en = bilingual(lambda m=missing: _("关键字段“%(fields)s”为空：无法判断新增还是更新。") % {
                        "fields": "、".join(str(x) for x in m)})
                    row.errors.append((f, column, None, zh, en))
            else:
                first = self.seen_keys.get(parts)
                if first is not None:
                    f, column = self._column_of(self.key_fields[0])
                    zh, en = bilingual(lambda n=first: _("与第 %(row)s 行的关键字段重复（同一文件中同一条记录只能出现一次）。") % {"row": n})
                    row.errors.append((f, column, row.raw.get(self.key_fields[0]), zh, en))
                else:
                    self.seen_keys[parts] = number
                    row.key = parts
        return row

    def _total_row(self, number, raw):
        label = next((norm(text_of(v)) for v in raw[:3] if norm(text_of(v)) in TOTAL_WORDS_CHECKED), None)
        if label is None:
            zh, en = bilingual(lambda: _("小计行已跳过（不核对）。"))
            self.issue(number, None, None, "", zh, en, IssueSeverity.WARNING)
            return
        values = {}
        for index, (f, converter, column) in self.mapped.items():
            if f.type not in SUMMABLE or index >= len(raw):
                continue
            try:
                value = converter.convert(raw[index])
            except CellError:
                continue
            if value is not None:
                values[f.name] = (value, column, converter)
        self.totals.append((number, values))

    def _check_totals(self):
        if len(self.totals) > 1:
            zh, en = bilingual(lambda: _("文件中有 %(n)s 个合计行，未逐一核对。") % {"n": len(self.totals)})
            self.issue(self.totals[0][0], None, None, "", zh, en, IssueSeverity.WARNING)
            return
        for number, values in self.totals:
            for name, (value, column, converter) in values.items():
                total = self.sums.get(name, Decimal(0))
                tolerance = Decimal("0.01") * converter.factor
                if abs(Decimal(value) - total) > tolerance:
                    f = self.field(name)
                    zh, en = bilingual(lambda v=value, t=total, f=f: _(
                        "合计与各行之和不符：合计为 %(total)s，各行相加为 %(sum)s（%(field)s）。") % {
                        "total": display(f, Decimal(v)), "sum": display(f, t), "field": f.label})
                    self.issue(number, column, f, value, zh, en)

    # checking and writing --------------------------------------------------------------------------------

    def _process(self, chunk):
        for row in chunk:
            for f, column, cell, zh, en in row.errors:
                self.issue(row.number, column, f, cell, zh, en)
        good = [r for r in chunk if not r.errors]
        existing = {}
        if self.key_fields:
            keys = [r.key for r in good if r.key is not None]
            existing = self.target.find_existing(keys, key_fields=self.key_fields, actor=self.actor) if keys else {}
        to_validate, currents, rows = [], [], []
        for row in good:
            obj = existing.get(row.key) if row.key is not None else None
            if obj is not None:
                if not self.target.may_change(obj, self.actor):
                    f, column = self._column_of(self.key_fields[0])
                    zh, en = bilingual(lambda o=obj: _("已有记录“%(row)s”，但您无权修改它（不在您的数据范围内或无修改权限）。") % {
                        "row": o})
                    self.issue(row.number, column, f, row.raw.get(self.key_fields[0]), zh, en)
                    continue
                current = self._values_of(obj)
                for name, value in list(row.values.items()):
                    f = self.field(name)
                    if f.personal and is_masked_of(value, current.get(name), f.personal):
                        row.values[name] = current.get(name)  # a masked export re-imported: unchanged
            else:
                current = None
                bad = False
                for name, value in row.values.items():
                    f = self.field(name)
                    if f.personal and isinstance(value, str) and "**" in value:
                        zh, en = bilingual(lambda: _("脱敏后的内容（带 *）不能作为新记录导入。"))
                        self.issue(row.number, self._column_of(name)[1], f, value, zh, en)
                        bad = True
                for f in self.target_fields:
                    if f.required and row.values.get(f.name) in (None, "", []):
                        column = self._column_of(f.name)[1]
                        zh, en = bilingual(lambda f=f: _("“%(label)s”为必填项。") % {"label": f.label})
                        self.issue(row.number, column, f, row.raw.get(f.name), zh, en)
                        bad = True
                if bad:
                    continue
            to_validate.append(row.values)
            currents.append((obj, current))
            rows.append(row)
        results = list(self.target.validate_rows(to_validate, actor=self.actor, existing=[o for o, _c in currents],
                                                 options=self.options))
        creates, updates = [], []
        for row, (obj, current), result in zip(rows, currents, results, strict=True):
            if isinstance(result, ValidationError):
                self._validation_issues(row, obj, result)
                continue
            if obj is None:
                creates.append((row, result))
                self.counts["create"] += 1
                self.digest.update(json.dumps([row.number, "c"]).encode())
                if not self.write and self.counts["create"] <= PREVIEW_CREATES:
                    self.changes.append(ImportChange(
                        batch_id=self.batch.pk, row=row.number, action=ChangeAction.CREATE,
                        key=" / ".join(str(p) for p in (row.key or ())),
                        changes={str(self.field(n).label): ["", display(self.field(n), v)]
                                 for n, v in result.items() if n in self.fields_mapped}))
                continue
            diff = {name: value for name, value in result.items()
                    if name in self.fields_mapped and not same(self.field(name), current.get(name), value)}
            if not diff:
                self.counts["unchanged"] += 1
                continue
            self.counts["update"] += 1
            self.digest.update(json.dumps([row.number, "u", obj.pk, sorted((n, to_json(v)) for n, v in diff.items())],
                                          default=str).encode())
            updates.append((row, obj, diff, current))
        if self.write:
            self._write(creates, updates)
        else:
            for row, obj, diff, current in updates:
                self.changes.append(self._change(row, obj, diff, current))
        self.done += len(chunk)
        self._progress()

    def _change(self, row, obj, diff, current, token=""):
        return ImportChange(
            batch_id=self.batch.pk, row=row.number, action=ChangeAction.UPDATE, object_id=obj.pk,
            key=" / ".join(str(p) for p in (row.key or ())),
            changes={str(self.field(n).label): [display(self.field(n), current.get(n)),
                                                      display(self.field(n), v)] for n, v in diff.items()},
            before={n: to_json(current.get(n)) for n in diff}, token=token)

    def _validation_issues(self, row, obj, error):
        """The target's ValidationError on the row's cells, in Chinese and English (validated again in English)."""
        with translation.override("en"):
            try:
                english = next(iter(self.target.validate_rows([row.values], actor=self.actor, existing=[obj],
                                                              options=self.options)))
            except Exception:  # noqa: BLE001 — the English rendering is best effort; the Chinese is the record
                english = None
        en_by_field = {}
        if isinstance(english, ValidationError):
            en_by_field = _error_dict(english)
        for name, messages in _error_dict(error).items():
            f, column = (None, None) if name == NON_FIELD else self._column_of(name)
            if f is None and name != NON_FIELD and name in self.by_name:
                f = self.field(name)
            en_messages = en_by_field.get(name, [])
            for i, message in enumerate(messages):
                self.issue(row.number, column, f, row.raw.get(name, ""), message,
                           en_messages[i] if i < len(en_messages) else message)

    def _write(self, creates, updates):
        if creates:
            objs = self.target.create_rows([c for _r, c in creates], actor=self.actor, batch=self.ref,
                                           options=self.options)
            if len(objs) != len(creates):
                raise _Abort(_("导入目标返回的记录数与新增行数不一致。"))
            self.created.extend([obj.pk, self.target.row_token(obj)] for obj in objs)
        if updates:
            objs = self.target.update_rows([(obj, diff) for _r, obj, diff, _c in updates], actor=self.actor,
                                           batch=self.ref, options=self.options)
            for (row, _obj, diff, current), obj in zip(updates, objs, strict=True):
                self.changes.append(self._change(row, obj, diff, current, token=self.target.row_token(obj)))

    def _progress(self):
        total = max(self.estimate, self.done)
        if self.write:
            write_progress_file(self.batch.pk, self.done, total)
        else:
            ImportBatch.objects.filter(pk=self.batch.pk).update(progress_done=self.done, progress_total=total)


def _cell_message(converter, value, fmt):
    try:
        converter.convert(value, fmt)
    except CellError as exc:
        return exc.message
    return ""


def _personal_message(kind):
    what = _("手机号码") if kind == "phone" else _("身份证号码")
    return _("该列不是个人信息字段，但内容含有%(what)s：请删除，或请管理员把该字段设为个人信息字段。") % {"what": what}


def _error_dict(error):
    if hasattr(error, "error_dict"):
        return {name: [m for e in errors for m in e.messages] for name, errors in error.error_dict.items()}
    return {NON_FIELD: list(error.messages)}


# --- progress of a write (rows written in a transaction are invisible until it commits) --------------------


def _progress_path(batch_pk):
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{batch_pk}.json"


def write_progress_file(batch_pk, done, total):
    path = _progress_path(batch_pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(fd, "w") as fh:
        json.dump({"done": done, "total": total}, fh)
    os.replace(tmp, path)


def progress_of(batch):
    """(done, total) of a running batch: the row's during a check, the progress file's during a commit."""
    if batch.state == BatchState.COMMITTING:
        try:
            data = json.loads(_progress_path(batch.pk).read_text())
            return data["done"], data["total"]
        except (OSError, ValueError, KeyError):
            return 0, batch.rows_total
    return batch.progress_done, batch.progress_total


# --- check -----------------------------------------------------------------------------------------------


def in_background(batch) -> bool:
    """Is the file large enough for a background job (limits: background_rows)?"""
    rows = max(batch.rows_total, int(batch.table.get("size_hint") or 0))
    return rows > limits()["background_rows"]


def start_check(*, actor, batch):
    """Mark the batch 检查中 (refused: not the uploader, not in a state to check, nothing mapped)."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not may_run(actor, locked):
            raise PermissionDenied(_("只有上传人或系统管理员可以操作此导入批次。"))
        if locked.state not in (BatchState.UPLOADED, BatchState.CHECKED, BatchState.FAILED):
            raise ValidationError(_("该批次已%(state)s，不能重新检查。") % {"state": locked.get_state_display()})
        if not locked.mapping:
            raise ValidationError({"mapping": _("请至少为一列选择对应的字段。")})
        locked.state, locked.phase, locked.progress_done = BatchState.CHECKING, "check", 0
        locked.version += 1
        locked.save(update_fields=["state", "phase", "progress_done", "version", "updated_at"])
    return locked


def _actor(actor_id):
    from accounts.models import User

    return User.objects.get(pk=actor_id)


def run_check(batch_id, actor_id):
    """The check itself (also the background job's body). Idempotent: a batch no longer 检查中 is left alone."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state != BatchState.CHECKING:
        return batch
    actor = _actor(actor_id)
    target = target_of(batch)
    try:
        with translation.override("zh-hans"):
            run = _Pass(batch, target, actor, write=False)
            run.run()
    except UnreadableFile as exc:
        return _fail(batch, exc.message)
    except Exception as exc:  # noqa: BLE001 — a crash of the job is the batch's 失败, never a silent stop
        log.exception("import check of batch %s failed", batch_id)
        return _fail(batch, _("检查时出错：%(error)s") % {"error": type(exc).__name__})
    with transaction.atomic():
        ImportIssue.objects.filter(batch_id=batch_id).delete()
        ImportChange.objects.filter(batch_id=batch_id).delete()
        ImportIssue.objects.bulk_create(run.issues, batch_size=1000)
        ImportChange.objects.bulk_create(run.changes, batch_size=1000)
        ImportBatch.objects.filter(pk=batch_id).update(
            state=BatchState.CHECKED, phase="", checked_at=timezone.now(), rows_total=run.counts["total"],
            rows_skipped=run.counts["skipped"], rows_create=run.counts["create"], rows_update=run.counts["update"],
            rows_unchanged=run.counts["unchanged"], error_count=run.issue_count, warning_count=run.warning_count,
            key_fields=list(run.key_fields), plan_digest=run.digest.hexdigest(), progress_done=run.done,
            progress_total=run.done, message="")
    return ImportBatch.objects.get(pk=batch_id)


def _fail(batch, message):
    ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.FAILED, phase="", message=str(message))
    return ImportBatch.objects.get(pk=batch.pk)


# --- commit ----------------------------------------------------------------------------------------------


def start_commit(*, actor, batch, expected_version):
    """Mark the batch 导入中: refused while it has errors, its preview is not current, or the version is stale."""
    expected = require_version(expected_version)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not may_run(actor, locked):
            raise PermissionDenied(_("只有上传人或系统管理员可以操作此导入批次。"))
        if locked.version != expected:
            raise Conflict(data={"current_version": locked.version})
        if locked.state != BatchState.CHECKED:
            raise ValidationError(_("请先检查文件，确认预览无误后再导入（当前状态：%(state)s）。") % {
                "state": locked.get_state_display()})
        if locked.error_count:
            raise ValidationError(_("文件中还有 %(n)s 处错误，请修改文件后重新上传。") % {"n": locked.error_count})
        if locked.plan_digest == "stale":
            raise ValidationError(_("数据在预览之后发生了变化（有记录被他人修改或新增），请重新检查后再导入。"))
        if not (locked.rows_create or locked.rows_update):
            raise ValidationError(_("没有需要新增或更新的行。"))
        locked.state, locked.phase, locked.committed_by = BatchState.COMMITTING, "commit", actor
        locked.version += 1
        locked.save(update_fields=["state", "phase", "committed_by", "version", "updated_at"])
    write_progress_file(locked.pk, 0, locked.rows_total)
    return locked


def run_commit(batch_id, actor_id):
    """The write (also the background job's body). Idempotent: a batch no longer 导入中 is left alone."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state != BatchState.COMMITTING:
        return batch
    actor = _actor(actor_id)
    target = target_of(batch)
    ctx = current()
    try:
        with use_context(user=actor, ip=ctx.ip, request_id=f"import:{batch.number}", source="import"), \
                translation.override("zh-hans"), transaction.atomic():
            run = _Pass(batch, target, actor, write=True)
            run.run()
            if run.digest.hexdigest() != batch.plan_digest:
                raise _Abort(_("数据在预览之后发生了变化（有记录被他人修改或新增），请重新检查后再导入。"))
            ImportChange.objects.filter(batch_id=batch_id).delete()
            ImportChange.objects.bulk_create(run.changes, batch_size=1000)
            ImportBatch.objects.filter(pk=batch_id).update(
                state=BatchState.COMMITTED, phase="", committed_at=timezone.now(), created_rows=run.created,
                progress_done=run.done, progress_total=run.done, version=models.F("version") + 1, message="")
            batch.refresh_from_db()
            audit_record(action=AuditAction.IMPORT, obj=batch, actor=actor, message=_(
                "导入“%(target)s”：新增 %(c)s 行，更新 %(u)s 行") % {"target": batch.target_label, "c": run.counts["create"],
                                                           "u": run.counts["update"]})
            remember_mapping(batch, batch.table.get("columns", []))
    except (_Abort, UnreadableFile) as exc:
        message = exc.message if isinstance(exc, UnreadableFile) else str(exc)
        ImportBatch.objects.filter(pk=batch_id).update(state=BatchState.CHECKED, phase="", plan_digest="stale",
                                                       message=_("导入未完成，未写入任何数据：%(reason)s") % {"reason": message})
    except (ValidationError, DomainError) as exc:
        ImportBatch.objects.filter(pk=batch_id).update(state=BatchState.CHECKED, phase="", plan_digest="stale",
                                                       message=_("导入未完成，未写入任何数据：%(reason)s") % {
                                                           "reason": _message_of(exc)})
    except Exception as exc:  # noqa: BLE001
        log.exception("import commit of batch %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(state=BatchState.CHECKED, phase="", plan_digest="stale",
                                                       message=_("导入出错，未写入任何数据：%(error)s") % {
                                                           "error": type(exc).__name__})
    finally:
        _progress_path(batch_id).unlink(missing_ok=True)
    return ImportBatch.objects.get(pk=batch_id)


# --- undo ------------------------------------------------------------------------------------------------


@service
def batch_undo(*, actor, batch, expected_version):
    """Undo a committed batch: delete the rows it created, put back the values it changed — refused (with
    the rows named) when any of them changed after the import."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _require(actor, locked, "import_undo")
    expected = require_version(expected_version)
    if locked.version != expected:
        raise Conflict(data={"current_version": locked.version})
    if locked.state != BatchState.COMMITTED:
        raise ValidationError(_("只有已导入的批次可以撤销（当前状态：%(state)s）。") % {"state": locked.get_state_display()})
    target = target_of(locked)
    manager = target.model._default_manager
    created_ids = [pk for pk, _token in locked.created_rows]
    created = {obj.pk: obj for obj in manager.select_for_update().filter(pk__in=created_ids)} if created_ids else {}
    changes = list(locked.changes.filter(action=ChangeAction.UPDATE))
    updated = {obj.pk: obj for obj in manager.select_for_update().filter(pk__in=[c.object_id for c in changes])}
    blocked = []
    for pk, token in locked.created_rows:
        obj = created.get(pk)
        if obj is None or target.row_token(obj) != token:
            blocked.append(str(obj) if obj is not None else f"#{pk}")
    for change in changes:
        obj = updated.get(change.object_id)
        if obj is None or target.row_token(obj) != change.token:
            blocked.append(f"{_('第 %(row)s 行') % {'row': change.row}} {obj if obj is not None else ''}".strip())
    if blocked:
        raise ValidationError(_("导入后这些记录已被修改或删除，不能撤销：%(rows)s%(more)s") % {
            "rows": "；".join(blocked[:10]), "more": _(" 等 %(n)s 条") % {"n": len(blocked)} if len(blocked) > 10 else ""})
    ref = BatchRef(pk=locked.pk, number=locked.number, target_code=locked.target_code)
    restored = [(updated[c.object_id], {n: from_json(target.field(n), v) for n, v in c.before.items()}) for c in changes]
    extra = {"options": {o.name: from_json(o, locked.options.get(o.name)) for o in target.options}} \
        if target.options else {}  # like values_of: options only for a target that declares them
    target.undo_rows(created=[created[pk] for pk in created_ids], restored=restored, actor=actor, batch=ref, **extra)
    locked.state, locked.undone_at, locked.undone_by = BatchState.UNDONE, timezone.now(), actor
    locked.version += 1
    locked.save()
    audit_record(action=AuditAction.IMPORT, obj=locked, actor=actor, message=_("撤销导入：删除 %(c)s 行，恢复 %(u)s 行") % {
        "c": len(created_ids), "u": len(changes)})
    return locked


# --- template -------------------------------------------------------------------------------------------


def template_workbook(target):
    """The downloadable template: a title row and the header of the target's template fields (units in the
    header), the way the engine reads it back."""
    from core.excel import workbook

    fields = [f for f in target.fields if f.template]
    return workbook(_("%(label)s导入模板") % {"label": target.label}, [f.header for f in fields], [])
