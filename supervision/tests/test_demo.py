"""The demo step loads quickly and leaves findings in every state, notices and two published bulletins."""
import time

import pytest

from items.models import ItemState
from supervision import demo
from supervision.models import Bulletin, Finding, Inspection, SupervisionNotice

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_the_demo_loads_a_year_of_inspections_in_under_20_seconds(db):
    started = time.monotonic()
    demo.load({})
    elapsed = time.monotonic() - started
    print(f"supervision demo: {elapsed:.1f}s, {Finding.objects.count()} findings")
    assert elapsed < 20, f"supervision demo took {elapsed:.1f}s"
    assert Inspection.objects.filter(state="written_up").count() >= 50
    assert Inspection.objects.filter(date__week_day=4).count() >= 50  # Wednesdays (or the next working day)
    states = set(Finding.objects.values_list("state", flat=True))
    assert {ItemState.IN_PROGRESS, ItemState.RECTIFIED, ItemState.STRUCK_OFF} <= states
    assert SupervisionNotice.objects.count() >= 3
    assert Bulletin.objects.filter(state="published").count() == 2
