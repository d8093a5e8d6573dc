"""Key-task reads: the task ledger and milestones of visible tasks — every read through
accounts.scope.visible_to (the one scope rule)."""
from django.db.models import Avg, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.scope import visible_to
from items.models import DONE_STATES

from .models import KeyTask, Milestone


def tasks_visible(user, queryset=None):
    """Key tasks `user` may see (accounts.scope.visible_to)."""
    return visible_to(user, queryset if queryset is not None else KeyTask.objects.all())


def _milestone_count(**filters):
    sub = (Milestone.objects.filter(task_id=OuterRef("pk"), **filters).order_by()
           .values("task_id").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def task_list(user):
    """The ledger rows: task + body, lead unit, area loaded; milestones done/total as correlated
    sub-queries (evaluated only for the rows of the page, so the count query stays plain)."""
    return (tasks_visible(user).select_related("owning_body", "lead_unit", "area")
            .annotate(ms_total=_milestone_count(), ms_done=_milestone_count(done_at__isnull=False)))


def milestones_visible(user, queryset=None):
    """Milestones of the tasks `user` may see."""
    qs = queryset if queryset is not None else Milestone.objects.all()
    return qs.filter(task_id__in=tasks_visible(user).values("pk"))


def task_children(user, task):
    """The linked per-unit tasks of a bulk 交办 (parent), visible to `user`."""
    return tasks_visible(user).filter(parent_id=task.pk).select_related("lead_unit").order_by("lead_unit__path")


def children_progress(user, task):
    """(count, average percent, closed) of a parent task's children `user` may see — the roll-up of a bulk
    交办 (for its dispatchers: every unit)."""
    agg = tasks_visible(user).filter(parent_id=task.pk).order_by().aggregate(
        n=Count("pk"), avg=Avg("progress_percent"), closed=Count("pk", filter=Q(state__in=DONE_STATES)))
    return agg["n"], round(agg["avg"] or 0), agg["closed"]
