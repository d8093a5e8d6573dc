import re

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

CLASSES = [re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]")]


class CharacterClassValidator:
    """At least `min_classes` of: lower case, upper case, digits, symbols (等保 password rules)."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if sum(1 for rx in CLASSES if rx.search(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。",
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。",
            self.min_classes,
        ) % {"n": self.min_classes}
