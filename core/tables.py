"""Columns of a list: one declaration renders the HTML table and the Excel export, so "export what you
see" holds by construction. Personal-data columns are masked unless the user may see them."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import ports
from .masking import mask


@dataclass
class Column:
    name: str
    header: Any
    accessor: Callable | str | None = None  # attribute path "lead_unit.name" or a callable(obj)
    link: bool = False  # link to obj.get_absolute_url()
    personal: str | None = None  # "phone" / "id_number" / "name": masked unless allowed
    badge: Callable | None = None  # callable(obj) → (label, bootstrap colour)
    orderable: str | None = None  # ORM field to order by
    export: bool = True

    def raw(self, obj, user=None):
        accessor = self.accessor or self.name
        if callable(accessor):
            value = accessor(obj)
        else:
            value = obj
            for part in accessor.split("."):
                value = getattr(value, part, None) if value is not None else None
                if callable(value) and not hasattr(value, "all"):
                    value = value()
        if hasattr(value, "all"):
            value = "、".join(str(v) for v in value.all())
        if self.personal and value:
            if not ports.scope.may_see_personal_data(user):
                value = mask(self.personal, value)
        return value

    def html(self, obj, user=None):
        value = self.raw(obj, user)
        if self.badge:
            label, color = self.badge(obj)
            return format_html('<span class="badge text-bg-{}">{}</span>', color, label)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if self.link and hasattr(obj, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), value)
        return value


def choice_badge(field, enum):
    """Badge for a ColoredChoices field: the same colour everywhere."""

    def render(obj):
        value = getattr(obj, field)
        return getattr(obj, f"get_{field}_display")(), enum.color(value)

    return render
