"""Fixtures of the item-engine tests (imported by the test modules that use them).

The engine is tested on a kind of its own ("ledger_entry" registered with Item as its model and the
prefix TZ for the duration of a test), so these tests do not depend on any kind app's fields.
"""
import datetime

import pytest
from django.utils import timezone

from items import calendar as workcal
from items.kinds import KINDS, KindSpec
from items.models import Item

KIND = "ledger_entry"


@pytest.fixture(autouse=True)
def engine_kind(monkeypatch):
    monkeypatch.setitem(KINDS, KIND, KindSpec(code=KIND, model=Item, prefix="TZ", label="测试台账"))
    workcal.clear_cache()
    yield
    workcal.clear_cache()


@pytest.fixture(name="make_item")
def make_item_fixture(demo, taskforce):
    """make_item(**overrides) → an item of the 扫楼扫街专班 (taskforce sits in it) for 罗家镇, assigned."""

    def make(**kw):
        from items import services

        kw.setdefault("actor", taskforce)
        kw.setdefault("kind", KIND)
        kw.setdefault("title", "扫楼扫街：走访辖区楼宇企业")
        kw.setdefault("lead_unit", demo.units["罗家镇"])
        kw.setdefault("owning_body", demo.bodies["扫楼扫街专班"])
        kw.setdefault("due_date", timezone.localdate() + datetime.timedelta(days=60))
        kw.setdefault("assign", True)
        return services.item_create(**kw)

    return make


def set_state(item, state, **fields):
    """Put an item into `state` directly (test set-up only) and return it fresh."""
    now = timezone.now()
    defaults = {"assigned_at": now, "accepted_at": now if state not in ("draft", "assigned", "bounced") else None}
    defaults.update(fields)
    Item.objects.filter(pk=item.pk).update(state=state, **defaults)
    return Item.objects.get(pk=item.pk)
