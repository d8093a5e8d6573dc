"""Validators of Chinese identifiers, usable as model-field validators and from plain code.

- 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from the 31-character set
  0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V); the last is a check character over the first 17.
- 居民身份证号码 (resident identity number), GB 11643-1999: 17 digits, an ISO 7064 MOD 11-2 check
  character (0-9 or X), and a real birth date in positions 7–14.
- 手机号码 (mainland mobile number): 11 digits starting 1[3-9].

Each `validate_*` raises django's ValidationError with a Chinese message and a code; each `is_valid_*`
answers True/False. `normalize_*` upper-cases and strips spaces, so "91350100m000100y43 " is accepted.
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------- 统一社会信用代码 GB 32100-2015

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUW-Y]{2}[0-9]{6}[0-9A-HJ-NPQRTUW-Y]{10}$")


def normalize_credit_code(value):
    return re.sub(r"\s+", "", str(value or "")).upper()


def credit_code_check_character(first17):
    """The GB 32100 check character for the first 17 characters."""
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value):
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，当前为%(n)d位。"), code="credit_code_length",
                              params={"n": len(code)})
    if not _CREDIT_CODE_SHAPE.match(code):
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V；第3至8位为行政区划码数字）。"),
            code="credit_code_charset")
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位错误，请核对后重新输入。"), code="credit_code_check")


def is_valid_credit_code(value):
    try:
        validate_credit_code(value)
    except ValidationError:
        return False
    return True


# --------------------------------------------------------------- 居民身份证号码 GB 11643-1999

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_id_number(value):
    return re.sub(r"\s+", "", str(value or "")).upper()


def id_number_check_character(first17):
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_birth_date(value):
    """The birth date in an ID number, or None when it is not a real date."""
    code = normalize_id_number(value)
    try:
        return datetime.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except (ValueError, IndexError):
        return None


def validate_id_number(value, *, today=None):
    code = normalize_id_number(value)
    if len(code) != 18:
        raise ValidationError(_("身份证号码应为18位，当前为%(n)d位。"), code="id_length", params={"n": len(code)})
    if not re.match(r"^\d{17}[\dX]$", code):
        raise ValidationError(_("身份证号码前17位应为数字，最后一位为数字或X。"), code="id_charset")
    born = id_number_birth_date(code)
    today = today or datetime.date.today()
    if born is None or born > today or born.year < 1890:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth_date")
    if id_number_check_character(code[:17]) != code[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对后重新输入。"), code="id_check")


def is_valid_id_number(value):
    try:
        validate_id_number(value)
    except ValidationError:
        return False
    return True


# --------------------------------------------------------------- 手机号码

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(value):
    """Strip spaces and dashes and a leading +86 / 86."""
    s = re.sub(r"[\s\-]", "", str(value or ""))
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    return s


def validate_mobile(value):
    s = normalize_phone(value)
    if not s.isdigit():
        raise ValidationError(_("手机号码只能包含数字。"), code="phone_charset")
    if len(s) != 11:
        raise ValidationError(_("手机号码应为11位，当前为%(n)d位。"), code="phone_length", params={"n": len(s)})
    if not _MOBILE.match(s):
        raise ValidationError(_("手机号码应以13～19开头。"), code="phone_prefix")


def is_valid_mobile(value):
    try:
        validate_mobile(value)
    except ValidationError:
        return False
    return True
