"""The key-task part of the traffic light (红黄绿灯): behind the milestone schedule → yellow.

items.lights.compute_light applies the shared rules (red = overdue, yellow = due soon / missed 旬
report) and asks KindSpec.light_rule(item, today) for the kind's own part; None means "nothing to add".
"""
from django.utils.translation import gettext as _

from items.models import Light


def behind_schedule(item, today):
    """Yellow when a milestone's due date has passed and it is not done (节点滞后)."""
    from .models import Milestone

    late = (Milestone.objects.filter(task_id=item.pk, done_at__isnull=True, due_date__lt=today)
            .order_by("due_date").values_list("title", "due_date").first())
    if late is None:
        return None
    title, due = late
    return Light.YELLOW, _("节点滞后：%(title)s（%(due)s）") % {"title": title, "due": due.strftime("%Y-%m-%d")}


def _behind_schedule_bulk(items, today):
    """Set-based form for items.lights.recompute_all: (pk, light, reason) of the candidate tasks that have a
    late milestone — one query over the milestones instead of one per task."""
    from .models import Milestone

    seen = set()
    rows = (Milestone.objects.filter(task_id__in=items.values("pk"), done_at__isnull=True, due_date__lt=today)
            .order_by("task_id", "due_date").values_list("task_id", "title", "due_date"))
    for task_id, title, due in rows.iterator(chunk_size=5000):
        if task_id in seen:
            continue
        seen.add(task_id)
        yield task_id, Light.YELLOW, _("节点滞后：%(title)s（%(due)s）") % {
            "title": title, "due": due.strftime("%Y-%m-%d")}


behind_schedule.bulk = _behind_schedule_bulk
