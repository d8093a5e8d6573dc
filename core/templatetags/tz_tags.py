from django import template
from django.http import QueryDict
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def querystring_sort(querystring, field, current):
    """The list's query string with `sort` toggled between field and -field."""
    params = QueryDict(querystring, mutable=True)
    params["sort"] = f"-{field}" if current == field else field
    return params.urlencode()


@register.simple_tag
def choice_badge(obj, field):
    """A ColoredChoices field as a badge; the same colour on every page."""
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    enum = getattr(type(obj), "choice_enums", {}).get(field)
    color = enum.color(value) if enum else "secondary"
    return format_html('<span class="badge text-bg-{}">{}</span>', color, label)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
