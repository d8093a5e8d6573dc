"""The data generator (demo.generator): rows consistent with what perform() would leave, at a small size."""
from collections import defaultdict

import pytest
from django.db.models import Count, Max

from demo.generator import generate
from items.lights import recompute_all
from items.models import Item, ItemAction, ItemState, NumberSequence, ProgressReport
from org.models import Unit
from tasks.models import KeyTask

pytestmark = pytest.mark.django_db


def test_the_generator_writes_consistent_items_timelines_and_reports(demo):
    before_items, before_units = Item.objects.count(), Unit.objects.count()
    generate(items=400, units=before_units + 5, seed=3, log=lambda m: None)
    new = Item.objects.order_by("-pk")[:400]
    ids = [i.pk for i in new]
    assert Item.objects.count() == before_items + 400
    assert Unit.objects.count() == before_units + 5
    assert KeyTask.objects.filter(pk__in=ids).count() == 400
    assert Item.objects.values("number").annotate(n=Count("pk")).filter(n__gt=1).count() == 0

    actions = defaultdict(list)
    for item_id, action, _time in ItemAction.objects.filter(item_id__in=ids).order_by("time", "id") \
            .values_list("item_id", "action", "time"):
        actions[item_id].append(action)
    last_report = dict(ProgressReport.objects.filter(item_id__in=ids).values("item_id")
                       .annotate(m=Max("period_start")).values_list("item_id", "m"))
    states = set()
    for item in Item.objects.filter(pk__in=ids):
        states.add(item.state)
        assert actions[item.pk][0] == "assign"
        assert item.lead_unit_id and item.owning_body_id and item.due_date
        assert item.last_report_on == last_report.get(item.pk)
        if item.state == ItemState.CLOSED:
            assert item.closed_at and item.submitted_at and actions[item.pk][-1] == "approve"
        if item.state in (ItemState.IN_PROGRESS, ItemState.SUBMITTED, ItemState.CLOSED):
            assert item.accepted_at and "accept" in actions[item.pk]
        if item.state == ItemState.ASSIGNED:
            assert item.accepted_at is None
    assert {ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.SUBMITTED, ItemState.CLOSED} <= states

    # the stored lights follow the rule: recomputing changes nothing
    changed = recompute_all(queryset=Item.objects.filter(pk__in=ids))
    assert sum(changed.values()) == 0, changed


def test_numbers_continue_after_generated_rows(demo, admin_user):
    from django.utils import timezone

    from tasks import services

    generate(items=50, seed=5, log=lambda m: None)
    year = timezone.localdate().year
    last = NumberSequence.objects.get(prefix="RW", year=year).last
    task = services.task_create(actor=admin_user, title="新任务", owning_body=demo.bodies["改旧建新专班"],
                                lead_unit=demo.units["住建局"], due_date=timezone.localdate(), target="x")
    assert task.number == f"RW-{year}-{last + 1:04d}"
