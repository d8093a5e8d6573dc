"""Who may see an appeal's requester (name, phone, ID number, address).

- Masked by default (张*, 138****5678, 110101********1234) everywhere: pages, lists, exports, API, audit.
- A role with accounts.view_personal_data may reveal one value at a time (an audited POST, services.reveal_personal).
- The unit an appeal complains about (and the units below it) never sees who complained: not even the
  masked value, whatever its permissions.
"""
from django.utils.translation import gettext_lazy as _

from accounts.personal import may_see_personal_data
from core.masking import mask

WITHHELD = _("（不向被投诉单位显示）")


def is_complained_party(user, appeal):
    unit_id = getattr(appeal, "complained_unit_id", None)
    if not unit_id or user is None or not getattr(user, "unit_id", None):
        return False
    if user.unit_id == unit_id:
        return True
    complained = appeal.complained_unit
    return user.unit.path.startswith(complained.path)


def may_see_requester(user, appeal):
    return may_see_personal_data(user) and not is_complained_party(user, appeal)


def requester_value(user, appeal, field, *, revealed=False):
    """The value of a requester field as `user` sees it on a page (masked unless revealed by an audited action)."""
    value = getattr(appeal, field)
    if is_complained_party(user, appeal):
        return WITHHELD if value else ""
    if revealed and may_see_personal_data(user):
        return value
    kind = appeal.personal_fields.get(field)
    return mask(kind, value) if kind and value else value


def masked_or_withheld(user, appeal, field):
    """For lists and exports: withheld for the complained party, masked unless the user may see it."""
    value = getattr(appeal, field)
    if is_complained_party(user, appeal):
        return WITHHELD if value else ""
    if may_see_personal_data(user):
        return value
    kind = appeal.personal_fields.get(field)
    return mask(kind, value) if kind and value else value
