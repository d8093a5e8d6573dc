"""The key-task filters — one FilterSet for the ledger page, its Excel export and the API list
(`KeyTaskViewSet.filterset_class`): every item filter (items.filters.ItemFilter) plus the year."""
import django_filters
from django.utils.translation import gettext_lazy as _

from items.filters import ItemFilter

from .models import KeyTask, Milestone


class KeyTaskFilter(ItemFilter):
    year = django_filters.NumberFilter(field_name="year", label=_("年度"))

    class Meta:
        model = KeyTask
        fields = []


class MilestoneFilter(django_filters.FilterSet):
    """The API's milestone list: the milestones of one task (?task=), done or not (?done=)."""

    task = django_filters.NumberFilter(field_name="task_id", label=_("重点任务"))
    done = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True, label=_("已完成"))

    class Meta:
        model = Milestone
        fields = []
