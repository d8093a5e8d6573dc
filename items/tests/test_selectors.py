"""Reads: the to-do list per persona, the 旬 submission board, rankings — and query counts that do not
grow with the number of rows."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from items import selectors, services
from items.models import Item, ItemState
from items.periods import current_period, previous_period

from .engine_fixtures import KIND, engine_kind, make_item_fixture, set_state  # noqa: F401

pytestmark = pytest.mark.dates


def test_todo_per_persona(demo, make_item, taskforce, town_a, town_b, village, leader):
    to_accept = make_item(title="待签收")
    working = make_item(title="办理中")
    services.perform(working, "accept", town_a, working.version)
    submitted = make_item(title="待审核")
    services.perform(submitted, "accept", town_a, submitted.version)
    services.perform(submitted, "submit", town_a, submitted.version)
    late = set_state(make_item(title="已逾期"), ItemState.IN_PROGRESS,
                     due_date=timezone.localdate() - datetime.timedelta(days=3))
    services.perform(working, "instruct", leader, working.version, note="抓紧",
                     data={"due_date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()})
    services.perform(working, "request_extension", town_a, working.version, note="需延期",
                     data={"due_date": (working.due_date + datetime.timedelta(days=9)).isoformat()})

    town = selectors.todo_for(town_a)
    assert list(town["to_accept"]) == [to_accept]
    assert set(town["to_report"]) == {working, late}
    assert list(town["overdue"]) == [late]
    assert [i.item_id for i in town["instructions_awaiting_reply"]] == [working.pk]
    assert not town["to_review"].exists()

    tf = selectors.todo_for(taskforce)
    assert list(tf["to_review"]) == [submitted]
    assert [e.item_id for e in tf["extensions_to_decide"]] == [working.pk]
    assert not tf["to_accept"].exists()

    for user in (town_b, village):
        counts = selectors.todo_counts(user)
        assert sum(counts.values()) == 0, user

    counts = selectors.todo_counts(town_a)
    assert counts == {"to_accept": 1, "to_report": 2, "to_review": 0, "overdue": 1,
                      "instructions_awaiting_reply": 1, "extensions_to_decide": 0}
    assert selectors.todo_count(town_a) == 4


def test_items_visible_matches_the_scope_rule(demo, make_item, town_a, town_b, dept, leader):
    from accounts.scope import visible_to

    make_item(co_units=[demo.units["住建局"]])
    make_item(lead_unit=demo.units["谢埠村"])
    make_item(lead_unit=demo.units["塘山镇"])
    for user in (town_a, town_b, dept, leader):
        assert set(selectors.items_visible(user)) == set(visible_to(user, Item.objects.all())), user


def test_submission_board_counts_reported_missing_and_late(demo, make_item, town_a, town_b):
    period = current_period()
    reported = make_item(title="已报")
    services.perform(reported, "accept", town_a, reported.version)
    services.perform(reported, "report", town_a, reported.version, data={"percent": 20, "narrative": "进展"})
    missing = make_item(title="未报")
    services.perform(missing, "accept", town_a, missing.version)
    other = make_item(title="塘山未报", lead_unit=demo.units["塘山镇"])
    services.perform(other, "accept", town_b, other.version)
    board = {row["unit"].short_name: row for row in selectors.submission_board(
        body=demo.bodies["扫楼扫街专班"], period=period)}
    assert board["罗家镇"]["owing"] == 2 and board["罗家镇"]["reported"] == 1 and board["罗家镇"]["missing"] == 1
    assert board["塘山镇"]["missing"] == 1
    # a unit board shows only that unit (and the units below it); a user sees only their scope
    assert [r["unit"].short_name for r in selectors.submission_board(unit=demo.units["塘山镇"], period=period)] == [
        "塘山镇"]
    assert [r["unit"].short_name for r in selectors.submission_board(period=period, user=town_a)] == ["罗家镇"]
    items = selectors.submission_items(unit=demo.units["罗家镇"], period=period)
    assert {i.pk: i.has_report for i in items} == {reported.pk: True, missing.pk: False}


def test_a_late_report_is_marked_on_the_board(demo, make_item, town_a):
    item = make_item(due_date=datetime.date(2030, 1, 1))
    services.perform(item, "accept", town_a, item.version, at=datetime.datetime(2024, 1, 2, 2, tzinfo=datetime.UTC))
    services.perform(item, "report", town_a, item.version, data={"percent": 5, "narrative": "补报"},
                     at=datetime.datetime(2024, 1, 31, 3, tzinfo=datetime.UTC))
    period = previous_period(datetime.date(2024, 2, 1))
    row = selectors.submission_board(period=period, user=town_a, today=datetime.date(2024, 2, 1))[0]
    assert (row["owing"], row["reported"], row["late"]) == (1, 1, 1)


def test_overdue_by_unit_and_light_counts(demo, make_item, leader, town_a):
    past = timezone.localdate() - datetime.timedelta(days=1)
    for _ in range(2):
        set_state(make_item(), ItemState.IN_PROGRESS, due_date=past, light="red")
    set_state(make_item(lead_unit=demo.units["塘山镇"]), ItemState.IN_PROGRESS, due_date=past, light="red")
    make_item()
    ranking = selectors.overdue_by_unit(leader)
    assert [(r["unit"].short_name, r["count"]) for r in ranking][:2] == [("罗家镇", 2), ("塘山镇", 1)]
    assert [(r["unit"].short_name, r["count"]) for r in selectors.overdue_by_unit(town_a)] == [("罗家镇", 2)]
    counts = {r["body"].short_name: r for r in selectors.light_counts_by_body(leader)}
    assert counts["扫楼扫街专班"]["red"] == 3 and counts["扫楼扫街专班"]["green"] >= 1


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["todo", "todo_counts", "board", "overdue", "lights", "timeline"])
def test_query_counts_do_not_grow_with_rows(demo, make_item, town_a, leader, name):
    from accounts.models import User

    def fresh(user):
        return User.objects.get(pk=user.pk)  # no cached scope: every run pays the same fixed cost

    def run_all():
        if name == "todo":
            u = fresh(town_a)
            todo = selectors.todo_for(u)
            for key in selectors.TODO_KEYS:
                list(todo[key])
        elif name == "todo_counts":
            selectors.todo_counts(fresh(town_a))
        elif name == "board":
            selectors.submission_board(body=demo.bodies["扫楼扫街专班"], user=fresh(town_a))
        elif name == "overdue":
            selectors.overdue_by_unit(fresh(leader))
        elif name == "lights":
            selectors.light_counts_by_body(fresh(leader))
        elif name == "timeline":
            for row in selectors.timeline(item):
                list(row.attachments.all()), row.actor, row.unit

    def grow(n):
        past = timezone.localdate() - datetime.timedelta(days=1)
        for i in range(n):
            it = make_item(title=f"事项{i}", lead_unit=demo.units["塘山镇" if i % 3 == 2 else "罗家镇"])
            if i % 2:
                set_state(it, ItemState.IN_PROGRESS, due_date=past)
            services.perform(item, "comment", town_a, Item.objects.get(pk=item.pk).version, note=f"备注{i}")

    item = make_item(title="时间线")
    grow(3)
    run_all()  # warm per-process caches (the kinds of defined ledgers, read once per process)
    small = _queries(run_all)
    grow(27)
    assert _queries(run_all) == small


def test_board_counts_agree_with_the_drill_down_rows(demo, make_item, town_a):
    period = current_period()
    moved_on = make_item(title="报后提交")
    services.perform(moved_on, "accept", town_a, moved_on.version)
    services.perform(moved_on, "report", town_a, moved_on.version, data={"percent": 90, "narrative": "基本完成"})
    services.perform(moved_on, "submit", town_a, moved_on.version)
    waiting = make_item(title="未报")
    services.perform(waiting, "accept", town_a, waiting.version)
    make_item(title="未签收")  # assigned, owes nothing yet
    row = selectors.submission_board(period=period, user=town_a)[0]
    items = list(selectors.submission_items(period=period, user=town_a))
    assert (row["owing"], row["reported"], row["missing"]) == (2, 1, 1)
    assert row["owing"] == len(items) and row["reported"] == sum(i.has_report for i in items)
