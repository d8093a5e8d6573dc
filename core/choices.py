"""Choices that carry a colour: a status badge and a traffic light are one declaration (NetBox's ChoiceSet).

    @with_colors({"red": "danger", "green": "success"})
    class Light(ColoredChoices):
        RED = "red", _("红灯")
"""
from django.db import models


class ColoredChoices(models.TextChoices):
    @classmethod
    def color(cls, value):
        return getattr(cls, "color_map", {}).get(value, "secondary")


def with_colors(mapping):
    def decorate(cls):
        cls.color_map = dict(mapping)  # set after creation so it is not taken for an enum member
        return cls

    return decorate
