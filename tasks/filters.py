"""The key-task list filters: every item filter (items.filters.ItemFilter) plus the year."""
import django_filters
from django.utils.translation import gettext_lazy as _

from items.filters import ItemFilter

from .models import KeyTask


class KeyTaskFilter(ItemFilter):
    year = django_filters.NumberFilter(field_name="year", label=_("年度"))

    class Meta:
        model = KeyTask
        fields = []
