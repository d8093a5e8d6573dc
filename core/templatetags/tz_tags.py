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


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def choices_enum(model, field):
    """The ColoredChoices class a model field was declared with (`choices=Light.choices` keeps only the
    list, so the class is found by its choices; a model may name it in `choice_enums = {field: Enum}`)."""
    from core.choices import ColoredChoices

    declared = (getattr(model, "choice_enums", None) or {}).get(field)
    if declared is not None:
        return declared
    choices = list(model._meta.get_field(field).choices or [])
    if not choices:
        return None
    for enum in _subclasses(ColoredChoices):
        if list(enum.choices) == choices:
            return enum
    return None


@register.simple_tag
def choice_badge(obj, field):
    """A ColoredChoices field as a badge; the same colour on every page."""
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    enum = choices_enum(type(obj), field)
    color = enum.color(value) if enum else "secondary"
    return format_html('<span class="badge text-bg-{}">{}</span>', color, label)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
