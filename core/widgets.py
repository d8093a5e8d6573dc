"""A <select> that renders its options with one string join instead of a template per option.

Django's Select renders every <option> through the template engine; with the ~500 units and areas of a
large district that was most of an item-list page's time (docs/bench.md). Same HTML, same attributes."""
from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs or {})
        final["name"] = name
        selected = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v not in (None, "")}
        parts = [format_html("<select{}>", flatatt(final))]
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(getattr(option_value, "value", option_value))
            mark = " selected" if option_value in selected else ""
            parts.append(f'<option value="{conditional_escape(option_value)}"{mark}>{conditional_escape(label)}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))
