"""Traffic lights: red overdue, yellow due soon / missed 旬 report / the kind's rule, green otherwise —
the same answer from compute_light (one item) and recompute_all (set-based, every item)."""
import datetime

import pytest
from django.core.management import call_command

from items import lights
from items.kinds import KINDS
from items.models import Item, ItemState, Light

from .engine_fixtures import KIND, engine_kind, make_item_fixture, set_state  # noqa: F401

pytestmark = pytest.mark.dates

TODAY = datetime.date(2024, 3, 13)  # a Wednesday in the 2nd 旬 of March 2024 (no holidays near)
ACCEPTED = datetime.datetime(2024, 2, 1, 2, tzinfo=datetime.UTC)


@pytest.fixture
def in_progress(make_item):
    def make(due, **fields):
        item = make_item(due_date=due)
        fields.setdefault("accepted_at", ACCEPTED)
        fields.setdefault("last_report_on", datetime.date(2024, 3, 1))
        return set_state(item, ItemState.IN_PROGRESS, **fields)

    return make


def test_overdue_is_red(in_progress):
    item = in_progress(datetime.date(2024, 3, 12))
    assert lights.compute_light(item, TODAY) == (Light.RED, "已超过办理期限")


def test_due_within_n_working_days_is_yellow(in_progress, settings):
    settings.TAIZHANG_LIGHTS = {"yellow_working_days": 3}
    assert lights.compute_light(in_progress(datetime.date(2024, 3, 18)), TODAY)[0] == Light.YELLOW  # Mon: 3 wd
    assert lights.compute_light(in_progress(datetime.date(2024, 3, 19)), TODAY)[0] == Light.GREEN  # 4 wd


def test_a_missed_previous_period_report_is_yellow(in_progress):
    item = in_progress(datetime.date(2024, 6, 30), last_report_on=datetime.date(2024, 2, 21))
    light, reason = lights.compute_light(item, TODAY)
    assert light == Light.YELLOW and "2024年3月上旬" in reason
    # accepted after the previous 旬 was due: nothing was owed yet
    late_start = in_progress(datetime.date(2024, 6, 30), last_report_on=None,
                             accepted_at=datetime.datetime(2024, 3, 11, 2, tzinfo=datetime.UTC))
    assert lights.compute_light(late_start, TODAY)[0] == Light.GREEN


def test_a_kind_without_dekad_reports_never_owes_one(in_progress, monkeypatch):
    """A work order (dekad_reports=False) is not yellow for a missed 旬 report, in one item or set-based."""
    monkeypatch.setattr(KINDS[KIND], "dekad_reports", False)
    item = in_progress(datetime.date(2024, 6, 30), last_report_on=datetime.date(2024, 2, 21))
    assert lights.compute_light(item, TODAY) == (Light.GREEN, "")
    lights.recompute_all(TODAY, Item.objects.filter(pk=item.pk))
    assert Item.objects.get(pk=item.pk).light == Light.GREEN


def test_the_kinds_own_rule_can_turn_a_yellow_item_red(in_progress, monkeypatch):
    """Worst wins: a project due soon (yellow) but far behind its 序时进度 (the kind's red) is red."""
    monkeypatch.setattr(KINDS[KIND], "light_rule", lambda item, today: (Light.RED, "序时进度严重滞后"))
    due_soon = in_progress(datetime.date(2024, 3, 15))
    assert lights.compute_light(due_soon, TODAY) == (Light.RED, "序时进度严重滞后")
    lights.recompute_all(TODAY, Item.objects.filter(pk=due_soon.pk))
    assert Item.objects.get(pk=due_soon.pk).light == Light.RED


def test_draft_and_closed_have_no_light(make_item):
    item = make_item(assign=False, due_date=datetime.date(2024, 1, 1))
    assert lights.compute_light(item, TODAY) == (Light.NONE, "")
    closed = set_state(make_item(due_date=datetime.date(2024, 1, 1)), ItemState.CLOSED)
    assert lights.compute_light(closed, TODAY)[0] == Light.NONE


def test_the_kinds_own_rule_adds_yellow(in_progress, monkeypatch):
    monkeypatch.setattr(KINDS[KIND], "light_rule", lambda item, today: (Light.YELLOW, "节点滞后"))
    assert lights.compute_light(in_progress(datetime.date(2024, 6, 30)), TODAY) == (Light.YELLOW, "节点滞后")
    # a red item stays red
    assert lights.compute_light(in_progress(datetime.date(2024, 3, 1)), TODAY)[0] == Light.RED


def test_recompute_all_agrees_with_compute_light(in_progress, make_item, monkeypatch):
    flagged = in_progress(datetime.date(2024, 6, 29))
    monkeypatch.setattr(KINDS[KIND], "light_rule",
                        lambda item, today: (Light.YELLOW, "节点滞后") if item.pk == flagged.pk else None)
    items = [
        in_progress(datetime.date(2024, 3, 1)),
        in_progress(datetime.date(2024, 3, 15)),
        in_progress(datetime.date(2024, 6, 30), last_report_on=None),
        in_progress(datetime.date(2024, 6, 30)),
        flagged,
        set_state(make_item(), ItemState.CLOSED),
        make_item(assign=False),
    ]
    Item.objects.filter(pk__in=[i.pk for i in items]).update(light=Light.NONE, light_reason="stale")
    lights.recompute_all(TODAY)
    for item in items:
        item.refresh_from_db()
        assert (item.light, item.light_reason) == lights.compute_light(item, TODAY), item.title
    assert [i.light for i in items] == ["red", "yellow", "yellow", "green", "yellow", "none", "none"]
    # a second run changes nothing
    assert sum(lights.recompute_all(TODAY).values()) == 0


def test_recompute_lights_command_runs(in_progress, capsys):
    in_progress(datetime.date(2024, 3, 1))
    call_command("recompute_lights", "--date", "2024-03-13")
    assert "lights recomputed" in capsys.readouterr().out


def test_refresh_light_stores_the_light(in_progress):
    item = in_progress(datetime.date(2024, 3, 1))
    lights.refresh_light(item, TODAY)
    assert Item.objects.get(pk=item.pk).light == Light.RED
