"""Cell values as offices write them → engine values (imports.targets.FieldType says which Python type).

    dates       2023.5.1 · 2023年5月1日 · 2023/05/01 · 2023-5-1 · 20230501 · an Excel date or serial (45047)
    amounts     1,234.5 · 1234.5万元 · a header "（亿元）" into a field stored in 万元 (× 10000)
    percents    85% · 85 · 0.85 (a plain number from 0 to 1 is a fraction) · a cell formatted as %
    yes/no      是/否 · 有/无 · √/× · Y/N · true/false · 1/0
    units       by name or short name (NFKC, spaces ignored); a name that does not exist → the nearest three
    people      by name, "姓名（单位）" when two people share a name
    empty       None, "", "—", "-", "/", "无" in a number or date column

`Converter(field).convert(raw, fmt)` returns the value or raises CellError(message). Every message is Chinese
in gettext; the engine renders it in Chinese and English.
"""
from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import FORMULA_PREFIXES
from core.masking import mask
from core.validators import is_valid_id_number, normalize_id_number, normalize_phone

from .reading import norm
from .targets import FieldType, TargetField

UNIT_FACTORS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
EMPTY_MARKS = {"", "—", "-", "--", "/", "／", "无", "——"}
TRUE_WORDS = {"是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "对", "已"}
FALSE_WORDS = {"否", "无", "×", "✗", "✘", "n", "no", "false", "0", "错", "未"}
_DATE = re.compile(r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?"
                   r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_IN_TEXT = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
MASKED = re.compile(r"\*{2,}")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


class CellError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def text_of(value) -> str:
    """A cell as text: integral floats without ".0", a leading apostrophe before a formula character removed
    (core.excel.safe_cell added it on export, so an export re-imports unchanged)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def unit_factor(header_unit, field_unit) -> Decimal:
    """The factor from the header's unit into the field's (亿元 → 万元: 10000); 1 when either is not money."""
    if header_unit in UNIT_FACTORS and field_unit in UNIT_FACTORS:
        return UNIT_FACTORS[header_unit] / UNIT_FACTORS[field_unit]
    return Decimal(1)


def personal_pattern(text) -> str:
    """"phone" / "id_number" when `text` holds a mobile number or a valid ID number, else ""."""
    if MOBILE_IN_TEXT.search(text):
        return "phone"
    for match in ID_IN_TEXT.finditer(text):
        if is_valid_id_number(match.group(0)):
            return "id_number"
    return ""


class Lookup:
    """Names → rows for UNIT / AREA / PERSON fields: every row loaded once per batch (a district has hundreds
    of units), matched by name or short name; the nearest names suggested for one that does not exist."""

    def __init__(self, queryset, kind):
        self.kind = kind
        self.by_name: dict[str, list] = {}
        for row in queryset:
            for name in self._names(row):
                if name:
                    bucket = self.by_name.setdefault(norm(name), [])
                    if row not in bucket:
                        bucket.append(row)

    def _names(self, row):
        if self.kind == FieldType.UNIT:
            return (row.name, getattr(row, "short_name", ""))
        if self.kind == FieldType.AREA:
            return (row.name, getattr(row, "code", ""))
        return (row.name,)

    def find(self, text):
        key = norm(text)
        hint = ""
        if self.kind == FieldType.PERSON:
            match = re.match(r"^(.+?)[（(](.+)[)）]$", key)
            if match:
                key, hint = match.group(1), match.group(2)
        rows = self.by_name.get(key, [])
        if hint:
            rows = [r for r in rows if hint in (norm(r.unit.name), norm(r.unit.short_name))]
        if len(rows) == 1:
            return rows[0]
        if len(rows) > 1:
            raise CellError(_("有 %(n)s 位同名人员“%(name)s”，请写成“姓名（单位）”，如“%(example)s”。") % {
                "n": len(rows), "name": text, "example": f"{rows[0].name}（{rows[0].unit.short_name or rows[0].unit.name}）"})
        near = difflib.get_close_matches(key, list(self.by_name), n=3, cutoff=0.4)
        what = {FieldType.UNIT: _("单位"), FieldType.AREA: _("区划"), FieldType.PERSON: _("人员")}[self.kind]
        if near:
            raise CellError(_("没有名为“%(name)s”的%(what)s；您是否要找：%(near)s？") % {
                "name": text, "what": what, "near": "、".join(near)})
        raise CellError(_("没有名为“%(name)s”的%(what)s。") % {"name": text, "what": what})


def default_lookup(kind):
    from org.models import Area, Person, Unit

    if kind == FieldType.UNIT:
        return Unit.objects.filter(is_active=True)
    if kind == FieldType.AREA:
        return Area.objects.all()
    return Person.objects.filter(is_active=True).select_related("unit")


class Converter:
    """Converts the cells of one column into `field`'s values; `header_unit` is the column's (or the sheet's)
    unit. Lookups for unit/area/person columns are shared by the batch (`lookups`, keyed by queryset)."""

    def __init__(self, field: TargetField, *, header_unit="", lookups=None):
        self.field = field
        self.type = field.type
        self.factor = unit_factor(header_unit, field.unit) if field.type == FieldType.DECIMAL else Decimal(1)
        self.header_unit = header_unit
        self.lookup = None
        if self.type in (FieldType.UNIT, FieldType.AREA, FieldType.PERSON):
            lookups = lookups if lookups is not None else {}
            key = (self.type, field.lookup)
            if key not in lookups:
                lookups[key] = Lookup(field.lookup() if field.lookup else default_lookup(self.type), self.type)
            self.lookup = lookups[key]
        self.choices = {}
        for value, label in field.choices:
            self.choices[norm(label).lower()] = value
            self.choices[norm(value).lower()] = value

    def convert(self, raw, fmt=None):
        """The engine value of a raw cell (None for an empty one), or CellError."""
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return None
        method = getattr(self, f"_{self.type}")
        return method(raw, fmt)

    # --- one method per type ---------------------------------------------------------------------------

    def _text(self, raw, fmt):
        text = text_of(raw)
        if self.field.max_length and len(text) > self.field.max_length:
            raise CellError(_("内容过长（%(n)s 字），最多 %(max)s 字。") % {"n": len(text), "max": self.field.max_length})
        return text

    _long_text = _text

    def _number(self, raw):
        if isinstance(raw, bool):
            raise CellError(_("应为数字。"))
        if isinstance(raw, (int, Decimal)):
            return Decimal(raw)
        if isinstance(raw, float):
            return Decimal(repr(raw))
        text = unicodedata.normalize("NFKC", text_of(raw)).replace(",", "").replace(" ", "")
        if text in EMPTY_MARKS:
            return None
        for unit in ("亿元", "万元", "千元", "元"):
            if text.endswith(unit):
                text = text[: -len(unit)]
                if self.type == FieldType.DECIMAL and self.field.unit in UNIT_FACTORS:
                    self._cell_factor = unit_factor(unit, self.field.unit)
                break
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("应为数字。")) from None
        if not number.is_finite():
            raise CellError(_("应为数字。"))
        return number

    def _integer(self, raw, fmt):
        number = self._number(raw)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise CellError(_("应为整数。"))
        return int(number)

    def _decimal(self, raw, fmt):
        self._cell_factor = None
        number = self._number(raw)
        if number is None:
            return None
        factor = self._cell_factor if self._cell_factor is not None else self.factor
        return (number * factor).normalize() if factor != 1 else number

    def _percent(self, raw, fmt):
        if isinstance(raw, str) and raw.strip().rstrip().endswith(("%", "％")):
            number = self._number(raw.strip().rstrip("%％"))
            return number
        number = self._number(raw)
        if number is None:
            return None
        if (fmt and "%" in str(fmt)) or (not isinstance(raw, str) and Decimal(0) <= number <= 1) or (
                isinstance(raw, str) and Decimal(0) < number < 1):
            return (number * 100).normalize()
        return number

    def _date(self, raw, fmt):
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if 1 <= raw < 2958466:
                return EXCEL_EPOCH + datetime.timedelta(days=int(raw))
            raise CellError(_("不是有效的日期。"))
        text = unicodedata.normalize("NFKC", text_of(raw))
        if text in EMPTY_MARKS:
            return None
        found = _DATE.match(text) or _COMPACT_DATE.match(text)
        if not found:
            if re.fullmatch(r"\d{5}(\.\d+)?", text):
                return self._date(float(text), fmt)
            raise CellError(_("日期格式无法识别（可写作 2023-05-01、2023.5.1 或 2023年5月1日）。"))
        try:
            return datetime.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            raise CellError(_("不是有效的日期。")) from None

    def _datetime(self, raw, fmt):
        if isinstance(raw, datetime.datetime):
            moment = raw
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            day = self._date(raw, fmt)
            seconds = round((float(raw) % 1) * 86400)
            moment = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(seconds=seconds)
        else:
            text = unicodedata.normalize("NFKC", text_of(raw))
            found = _DATE.match(text)
            if not found:
                day = self._date(raw, fmt)
                moment = datetime.datetime.combine(day, datetime.time())
            else:
                g = found.groups()
                try:
                    moment = datetime.datetime(int(g[0]), int(g[1]), int(g[2]), int(g[3] or 0), int(g[4] or 0),
                                               int(g[5] or 0))
                except ValueError:
                    raise CellError(_("不是有效的日期时间。")) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone()) if settings.USE_TZ else moment
        return moment

    def _boolean(self, raw, fmt):
        if isinstance(raw, bool):
            return raw
        text = norm(text_of(raw)).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise CellError(_("应填“是”或“否”。"))

    def _choice(self, raw, fmt):
        text = norm(text_of(raw)).lower()
        if text in self.choices:
            return self.choices[text]
        labels = [label for _value, label in self.field.choices]
        raise CellError(_("“%(value)s”不是可选值；可选：%(choices)s。") % {
            "value": text_of(raw), "choices": "、".join(str(label) for label in labels[:20])})

    def _multi_choice(self, raw, fmt):
        parts = [p for p in re.split(r"[、，,;；/\n]+", text_of(raw)) if p.strip()]
        return [self._choice(p, fmt) for p in parts]

    def _unit(self, raw, fmt):
        return self.lookup.find(text_of(raw))

    _area = _unit
    _person = _unit

    def _phone(self, raw, fmt):
        text = text_of(raw)
        if MASKED.search(text):
            return text  # a masked export re-imported: the engine compares it with the masked current value
        phone = normalize_phone(text)
        if re.fullmatch(r"1[3-9]\d{9}", phone):
            return phone
        landline = re.sub(r"\s+", "", text)
        if LANDLINE.match(landline):
            return landline  # as written: the area code's dash kept
        raise CellError(_("电话号码格式不正确（手机 11 位，座机如 0791-88888888）。"))

    def _id_number(self, raw, fmt):
        text = text_of(raw)
        if MASKED.search(text):
            return text
        code = normalize_id_number(text)
        if not is_valid_id_number(code):
            raise CellError(_("身份证号码不正确（18 位，校验位须正确）。"))
        return code


def is_masked_of(file_value, current_value, kind) -> bool:
    """Is `file_value` the masked form of `current_value` (a masked export re-imported unchanged)?"""
    return bool(current_value) and isinstance(file_value, str) and MASKED.search(file_value) is not None and \
        mask(kind, current_value) == file_value
