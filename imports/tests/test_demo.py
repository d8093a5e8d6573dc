"""The demo's workbooks: the committed files are what imports.demo_books builds (deterministic), and the demo
step imports them through the engine into the three seed ledgers with seed 003's figures computed from rows."""
import datetime
from pathlib import Path

import pytest

from imports.demo_books import FILE_NAMES, closed_year_books, current_year_books

DATA = Path(__file__).resolve().parent.parent / "demo_data"


def test_the_committed_workbooks_are_what_the_builder_makes():
    for code, data in closed_year_books().items():
        assert (DATA / FILE_NAMES[code]).read_bytes() == data, f"run scripts/make_demo_workbooks.py ({code})"


def test_this_years_rows_are_dated_before_the_load_day():
    from imports.demo_books import current_year_rows

    today = datetime.date(2026, 3, 15)
    rows = current_year_rows(today)
    assert all(r["found"] < today for r in rows["disputes"] + rows["hazards"])
    assert all(r["surveyed"] < today for r in rows["households"])
    assert current_year_books(today) == current_year_books(today)
    assert current_year_rows(datetime.date(2027, 1, 1)) == {"disputes": [], "hazards": [], "households": []}


@pytest.fixture
def seed_ledger(demo, admin_user):
    from ledgers import seeds

    return lambda code: seeds.load_seed(code, actor=admin_user, mechanism=demo.mechanism)


def imported(code, demo):
    """Run the demo's import of one ledger (both years) and return the 2023 batch's rows and values."""
    from imports import demo as step
    from imports.targets import get_target

    target = get_target(f"ledger:{code}")
    town, supervisor, today = demo.users["town"], demo.users["supervisor"], step.timezone.localdate()
    closed = step._import(town, target, (DATA / FILE_NAMES[code]).read_bytes(), FILE_NAMES[code])
    step._walk(code, target, closed, town=town, supervisor=supervisor, today=today)
    if code in current_year_books(today):
        running = step._import(town, target, current_year_books(today)[code], "this-year.xlsx")
        step._walk(code, target, running, town=town, supervisor=supervisor, today=today)
    rows = target.model._default_manager.filter(pk__in=[pk for pk, _t in closed.created_rows])
    return rows, [target.values_of(r) for r in rows]


@pytest.mark.dates  # this year's rows are dated relative to the day
@pytest.mark.django_db
def test_disputes_198_resolved_29_by_the_town_committee(demo, seed_ledger):
    from items.models import ItemState

    seed_ledger("disputes")
    rows, values = imported("disputes", demo)
    resolved = [v for v in values if v["result"] == "resolved"]
    assert len(resolved) == 198 and sum(v["mediator"] == "town" for v in resolved) == 29
    assert rows.filter(state=ItemState.CLOSED).count() == 198


@pytest.mark.dates  # this year's rows are dated relative to the day
@pytest.mark.django_db
def test_hazards_21_found_21_rectified_and_verified(demo, seed_ledger):
    from items.models import ItemAction, ItemState

    seed_ledger("hazards")
    rows, values = imported("hazards", demo)
    assert len(values) == 21 and rows.filter(state=ItemState.STRUCK_OFF).count() == 21
    verifiers = set(ItemAction.objects.filter(item__in=rows, action="verify").values_list("actor__username", flat=True))
    assert verifiers == {"supervisor"}  # verified outside the rectifying unit


@pytest.mark.dates  # this year's rows are dated relative to the day
@pytest.mark.django_db
def test_households_332_surveyed_2_monitored(demo, seed_ledger):
    seed_ledger("households")
    _rows, values = imported("households", demo)
    assert len(values) == 332 and sum(v["status"] != "checked" for v in values) == 2
