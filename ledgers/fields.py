"""What each field type is (FieldType): how a value is read from a form, the API or an import, how it is
stored in the entry's JSON, shown, indexed and described in the ledger's JSON Schema. One table of
behaviour per type, so the form, the API, the import and the export read values the same way."""
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.masking import mask
from core.validators import normalize_id_number, normalize_phone, validate_id_number, validate_mobile

from .models import FieldType

TEXT_MAX = 200
LONG_TEXT_MAX = 5000
DECIMAL_PLACES = 4
MAX_NUMBER = Decimal("1e15")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
TRUE_WORDS = {"true", "1", "是", "yes", "y", "on", "有", "√"}
FALSE_WORDS = {"false", "0", "否", "no", "n", "off", "无", "×"}
NUMERIC = (FieldType.INTEGER, FieldType.DECIMAL, FieldType.COMPUTED)
REFERENCES = (FieldType.UNIT, FieldType.AREA, FieldType.PERSON)
# Types whose value lives in EntryValue.number (the others in .text)
NUMBER_INDEXED = (*NUMERIC, *REFERENCES)


def empty(value):
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _text(value):
    return str(value).strip()


def _decimal(field, value):
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if field.type == FieldType.DECIMAL and field.unit == "%" and text.endswith("%"):
        text = text[:-1]
    for unit in ("亿元", "万元", "元"):
        if text.endswith(unit) and field.unit == unit:
            text = text[: -len(unit)]
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        unit = f"（{field.unit}）" if field.unit else ""
        raise ValidationError(_("“%(label)s”须为数字%(unit)s。") % {"label": field.label, "unit": unit})
    return number


def _check_range(field, number):
    if field.min_value is not None and number < field.min_value:
        raise ValidationError(_("“%(label)s”不能小于%(min)s。") % {"label": field.label, "min": _plain(field.min_value)})
    if field.max_value is not None and number > field.max_value:
        raise ValidationError(_("“%(label)s”不能大于%(max)s。") % {"label": field.label, "max": _plain(field.max_value)})
    if abs(number) >= MAX_NUMBER:
        raise ValidationError(_("“%(label)s”的数值过大。") % {"label": field.label})


def _plain(number):
    """12.5000 → 12.5, 3.0 → 3"""
    text = format(Decimal(number).normalize(), "f")
    return text


def to_json_number(number):
    """A Decimal as the JSON number stored (int when integral; float round-trips up to 15 digits)."""
    number = Decimal(number)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def parse(field, value, lookups):
    """The stored (JSON) value of `value` for `field`, None when empty — or ValidationError(message).
    `value` is what a form, the API or the import engine gives: text, or already typed (Decimal, date,
    a Unit …)."""
    if empty(value):
        return None
    t = field.type
    if t in (FieldType.TEXT, FieldType.LONG_TEXT):
        text = _text(value)
        limit = TEXT_MAX if t == FieldType.TEXT else LONG_TEXT_MAX
        if len(text) > limit:
            raise ValidationError(_("“%(label)s”最多%(n)s个字。") % {"label": field.label, "n": limit})
        if field.pattern and not re.fullmatch(field.pattern, text):
            raise ValidationError(_("“%(label)s”的格式不正确。") % {"label": field.label}
                                  + (f"{field.help_text}" if field.help_text else ""))
        return text
    if t == FieldType.INTEGER:
        number = _decimal(field, value)
        if number != number.to_integral_value():
            raise ValidationError(_("“%(label)s”须为整数。") % {"label": field.label})
        _check_range(field, number)
        return int(number)
    if t == FieldType.DECIMAL:
        number = _decimal(field, value)
        if -number.as_tuple().exponent > DECIMAL_PLACES:
            raise ValidationError(_("“%(label)s”最多保留%(n)s位小数。") % {"label": field.label, "n": DECIMAL_PLACES})
        _check_range(field, number)
        return to_json_number(number)
    if t == FieldType.DATE:
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(_text(value)[:10]).isoformat()
        except ValueError:
            raise ValidationError(_("“%(label)s”须为日期（YYYY-MM-DD）。") % {"label": field.label}) from None
    if t == FieldType.DATETIME:
        if not isinstance(value, datetime.datetime):
            try:
                value = datetime.datetime.fromisoformat(_text(value))
            except ValueError:
                raise ValidationError(_("“%(label)s”须为日期时间（YYYY-MM-DD HH:MM）。") % {
                    "label": field.label}) from None
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.replace(second=0, microsecond=0).isoformat(timespec="minutes")
    if t == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        word = _text(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("“%(label)s”须为“是”或“否”。") % {"label": field.label})
    if t == FieldType.CHOICE:
        return lookups.choice(field, value)
    if t == FieldType.MULTI_CHOICE:
        values = value if isinstance(value, (list, tuple, set)) else re.split(r"[、，,;；/\n]+", _text(value))
        codes = [lookups.choice(field, v) for v in values if not empty(v)]
        return list(dict.fromkeys(codes)) or None
    if t in REFERENCES:
        return lookups.reference(field, value)
    if t == FieldType.PHONE:
        text = normalize_phone(value)
        if not LANDLINE.match(text):
            try:
                validate_mobile(text)
            except ValidationError as exc:
                raise ValidationError(_("“%(label)s”：%(why)s") % {"label": field.label, "why": exc.messages[0]}) from None
        return text
    if t == FieldType.ID_NUMBER:
        text = normalize_id_number(value)
        try:
            validate_id_number(text)
        except ValidationError as exc:
            raise ValidationError(_("“%(label)s”：%(why)s") % {"label": field.label, "why": exc.messages[0]}) from None
        return text
    if t == FieldType.ATTACHMENT:
        ids = value if isinstance(value, (list, tuple)) else [value]
        try:
            return [int(v) for v in ids] or None
        except (TypeError, ValueError):
            raise ValidationError(_("“%(label)s”须为附件。") % {"label": field.label}) from None
    return None  # computed: never input


def index_value(field, stored):
    """(text, number) rows of EntryValue for a stored value — one per choice of a multi-choice."""
    if stored is None:
        return []
    if field.type == FieldType.MULTI_CHOICE:
        return [(code, None) for code in stored]
    if field.type in NUMBER_INDEXED:
        return [(None, Decimal(str(stored)))]
    if field.type == FieldType.BOOLEAN:
        return [("1" if stored else "0", None)]
    return [(str(stored)[:200], None)]


def display(field, stored, lookups, *, user_may_see_personal=False):
    """The value as a reader sees it (masked unless allowed), as text; "" when empty."""
    if stored is None or stored == "" or stored == []:
        return ""
    kind = field.personal_kind
    if kind and not user_may_see_personal:
        return mask(kind, stored)
    t = field.type
    if t == FieldType.BOOLEAN:
        return _("是") if stored else _("否")
    if t == FieldType.CHOICE:
        return lookups.choice_label(field, stored)
    if t == FieldType.MULTI_CHOICE:
        return "、".join(lookups.choice_label(field, code) for code in stored)
    if t in REFERENCES:
        return lookups.reference_label(field, stored)
    if t in (FieldType.DECIMAL, FieldType.COMPUTED):
        text = _plain(Decimal(str(stored)).quantize(Decimal("0.01")) if t == FieldType.COMPUTED else stored)
        return f"{text}{field.unit}" if field.unit == "%" else text
    if t == FieldType.DATETIME:
        return str(stored).replace("T", " ")
    if t == FieldType.ATTACHMENT:
        return _("%(n)s个附件") % {"n": len(stored)}
    return str(stored)


def export_value(field, stored, lookups, *, user_may_see_personal=False):
    """The cell of an Excel export: numbers stay numbers (so the file re-imports unchanged), the rest as shown."""
    if stored is None or stored == "" or stored == []:
        return None
    if field.type in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.COMPUTED) and not field.personal_kind:
        return Decimal(str(stored))
    if field.type == FieldType.DATE:
        return datetime.date.fromisoformat(stored)
    return display(field, stored, lookups, user_may_see_personal=user_may_see_personal)


def json_schema(field, lookups):
    """The JSON Schema of one field's value in `data` (the API's per-ledger schema)."""
    t = field.type
    schema = {"title": field.label}
    if field.help_text:
        schema["description"] = field.help_text
    if t in (FieldType.TEXT, FieldType.LONG_TEXT):
        schema.update(type="string", maxLength=TEXT_MAX if t == FieldType.TEXT else LONG_TEXT_MAX)
        if field.pattern:
            schema["pattern"] = field.pattern
    elif t == FieldType.INTEGER:
        schema["type"] = "integer"
    elif t in (FieldType.DECIMAL, FieldType.COMPUTED):
        schema["type"] = "number"
        if field.unit:
            schema["x-unit"] = field.unit
    elif t == FieldType.DATE:
        schema.update(type="string", format="date")
    elif t == FieldType.DATETIME:
        schema.update(type="string", format="date-time")
    elif t == FieldType.BOOLEAN:
        schema["type"] = "boolean"
    elif t == FieldType.CHOICE:
        choices = lookups.choices(field)
        schema.update(type="string", enum=[v for v, _label in choices], **{"x-labels": dict(choices)})
    elif t == FieldType.MULTI_CHOICE:
        choices = lookups.choices(field)
        schema.update(type="array", uniqueItems=True, items={"type": "string", "enum": [v for v, _l in choices]},
                      **{"x-labels": dict(choices)})
    elif t in REFERENCES:
        schema.update(type="integer", description=(field.help_text + " " if field.help_text else "")
                      + _("填写编号（id）或名称"))
    elif t in (FieldType.PHONE, FieldType.ID_NUMBER):
        schema["type"] = "string"
    elif t == FieldType.ATTACHMENT:
        schema.update(type="array", items={"type": "integer"}, readOnly=True)
    if t in NUMERIC and t != FieldType.COMPUTED:
        if field.min_value is not None:
            schema["minimum"] = float(field.min_value)
        if field.max_value is not None:
            schema["maximum"] = float(field.max_value)
    if t == FieldType.COMPUTED:
        schema["readOnly"] = True
    if field.personal_kind:
        schema["x-personal"] = field.personal_kind
    if t not in (FieldType.COMPUTED, FieldType.ATTACHMENT, FieldType.MULTI_CHOICE):
        schema = {"anyOf": [schema, {"type": "null"}]} if not field.required else schema
    return schema
