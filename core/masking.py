"""Masking of personal data (phone, ID number, name) — one place, used by pages, exports, API and audit."""


def mask_phone(value):
    """13812345678 → 138****5678"""
    if not value:
        return value
    s = str(value)
    if len(s) <= 7:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


def mask_id_number(value):
    """110101199003071234 → 110101********1234"""
    if not value:
        return value
    s = str(value)
    if len(s) <= 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_name(value):
    """张三 → 张*, 欧阳娜娜 → 欧***"""
    if not value:
        return value
    s = str(value)
    return s[0] + "*" * max(len(s) - 1, 1)


def mask_text(value):
    if not value:
        return value
    s = str(value)
    return s[:2] + "****" if len(s) > 2 else "****"


MASKERS = {"phone": mask_phone, "id_number": mask_id_number, "name": mask_name, "text": mask_text}


def mask(kind, value):
    return MASKERS[kind](value)
