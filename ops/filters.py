import django_filters
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.filters import StyledFilterSet


class JobFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TaskResultStatus.choices)
    task_path = django_filters.CharFilter(label=_("任务"), lookup_expr="icontains")

    class Meta:
        model = DBTaskResult
        fields = ["status", "task_path"]
