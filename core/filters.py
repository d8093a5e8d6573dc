"""The filter form every ledger list shares its look with (NetBox's filter forms, small)."""
import django_filters
from django import forms

from .widgets import FastSelect


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap's small inputs on every filter field; long plain selects (hundreds of units and areas)
    render their options in one join (FastSelect)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            css = "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
