"""Personal data (phone, ID number, requester name): masked unless the user's role may see it."""
from core.masking import mask

PERSONAL_DATA_PERMISSION = "accounts.view_personal_data"


def may_see_personal_data(user):
    return bool(user and user.is_authenticated and user.has_perm(PERSONAL_DATA_PERMISSION))


def shown(user, obj, field_name):
    """The value of a personal field as `user` may see it."""
    value = getattr(obj, field_name)
    kind = (getattr(obj, "personal_fields", {}) or {}).get(field_name)
    if kind is None or may_see_personal_data(user):
        return value
    return mask(kind, value)
