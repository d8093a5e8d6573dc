"""The three workflows of a defined ledger, through the one perform(): 登记 → 办结; the shared table;
整改 → 核验 → 销号 verified outside the rectifying unit; a ledger without 旬 reports offers no 旬报."""
import datetime

import pytest
from django.utils import timezone

from core.errors import PermissionDenied, ValidationError
from core.services import TRUSTED
from items.models import ItemAction
from items.services import perform
from items.workflow import available_actions
from ledgers import services

from .conftest import dispute_raw

pytestmark = pytest.mark.django_db


def _actions(entry):
    return list(ItemAction.objects.filter(item_id=entry.pk).order_by("time", "id").values_list("action", flat=True))


def test_register_then_close_by_the_unit(dispute, town_a, leader):
    assert _actions(dispute) == ["register"]
    assert "close" in {t.action for t in available_actions(dispute, town_a)}
    assert "report" not in {t.action for t in available_actions(dispute, town_a)}  # no 旬 reports in this ledger
    assert "close" not in {t.action for t in available_actions(dispute, leader)}
    perform(dispute, "close", town_a, dispute.version, note="调解成功")
    dispute.refresh_from_db()
    assert dispute.state == "closed" and _actions(dispute) == ["register", "close"]


def test_rectification_is_verified_outside_the_rectifying_unit(hazards, demo, town_a, supervisor):
    entry = services.entry_create(actor=supervisor, definition=hazards, raw={
        "lead_unit": demo.units["罗家镇"].pk, "place": "东湖小区沿街商铺", "type": "九小场所", "level": "一般隐患",
        "found_on": "2026-11-10", "finding": "消防通道堵塞", "rectify_by": "2026-11-30"})
    assert entry.state == "in_progress" and entry.number.startswith("AQ-")
    perform(entry, "rectify", town_a, entry.version, note="已清理通道")
    entry.refresh_from_db()
    assert entry.state == "rectified"
    with pytest.raises(PermissionDenied):  # the rectifying unit does not verify itself
        perform(entry, "verify", town_a, entry.version)
    perform(entry, "verify", supervisor, entry.version)
    entry.refresh_from_db()
    assert entry.state == "struck_off" and _actions(entry) == ["register", "rectify", "verify"]


def test_a_town_registering_its_own_hazard_cannot_strike_it_off(hazards, demo, town_a):
    entry = services.entry_create(actor=town_a, definition=hazards, raw={
        "lead_unit": demo.units["罗家镇"].pk, "place": "加油站", "type": "安全生产", "level": "重大隐患",
        "found_on": "2026-11-10", "finding": "静电接地失效", "rectify_by": "2026-11-30"})
    perform(entry, "rectify", town_a, TRUSTED, note="已更换")
    assert "verify" not in {t.action for t in available_actions(entry, town_a)}
    with pytest.raises(PermissionDenied):
        perform(entry, "verify", town_a, TRUSTED)


def test_submit_is_withdrawn_where_the_workflow_has_none(dispute, town_a):
    with pytest.raises(ValidationError):
        perform(dispute, "submit", town_a, dispute.version)


def test_the_shared_table_assigns_at_creation(households, demo, admin_user, town_a):
    entry = services.entry_create(actor=admin_user, definition=households, raw={
        "lead_unit": demo.units["罗家镇"].pk, "household_no": "LJ-001-0001", "head": "李四",
        "id_number": "110101199003071233", "status": "checked", "surveyed_on": "2024-05-01"})
    assert entry.state == "assigned"
    perform(entry, "accept", town_a, entry.version)
    entry.refresh_from_db()
    assert entry.state == "in_progress"


@pytest.mark.dates
def test_the_due_field_drives_the_light_with_the_ledgers_own_threshold(disputes, demo, town_a):
    today = timezone.localdate()
    overdue = services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(
        demo, deadline=(today - datetime.timedelta(days=1)).isoformat()))
    assert (overdue.due_date, overdue.light) == (today - datetime.timedelta(days=1), "red")
    far = services.entry_create(actor=town_a, definition=disputes, raw=dispute_raw(
        demo, deadline=(today + datetime.timedelta(days=60)).isoformat()))
    assert far.light == "green"


def test_a_todo_list_and_the_item_list_show_entries_under_their_ledgers_name(dispute, town_a, client_for):
    page = client_for(town_a).get("/items/", {"kind": dispute.kind}).content.decode()
    assert dispute.number in page
    export = client_for(town_a).get("/items/", {"kind": dispute.kind, "export": "xlsx"})
    assert export.status_code == 200


@pytest.mark.dates
def test_the_periodic_recompute_applies_the_ledgers_own_yellow_threshold(hazards, demo, supervisor):
    from items.calendar import add_workdays
    from items.lights import recompute_all
    from items.models import Item

    today = timezone.localdate()
    soon = add_workdays(today, 5)  # inside the ledger's 5 working days, outside the shared 3
    entry = services.entry_create(actor=supervisor, definition=hazards, raw={
        "lead_unit": demo.units["罗家镇"].pk, "place": "农贸市场", "type": "燃气安全", "level": "一般隐患",
        "found_on": today.isoformat(), "finding": "软管老化", "rectify_by": soon.isoformat()})
    assert entry.light == "yellow"
    Item.objects.filter(pk=entry.pk).update(light="green", light_reason="")
    recompute_all(today)
    entry.refresh_from_db()
    assert (entry.light, entry.light_reason) == ("yellow", "5个工作日内到期")
