"""The working-day calendar: holidays and 调休 from chinese-calendar, editable by administrators."""
import datetime

import pytest
from django.core.management import call_command

from audit.models import AuditLog
from core.errors import PermissionDenied
from items import calendar as workcal
from items.models import WorkCalendarDay

from .engine_fixtures import engine_kind  # noqa: F401

pytestmark = pytest.mark.dates

D = datetime.date


@pytest.fixture
def cal2024(db):
    workcal.calendar_seed_year(actor=None, year=2024)
    workcal.clear_cache()


def test_spring_festival_2024_is_off_and_its_make_up_sundays_and_saturdays_are_working_days(cal2024):
    # 2024 春节: 10–17 February off; Sunday 4 Feb and Sunday 18 Feb are 调休 working days.
    for day in range(10, 18):
        assert not workcal.is_workday(D(2024, 2, day)), day
    assert workcal.is_workday(D(2024, 2, 4)) and workcal.is_workday(D(2024, 2, 18))
    assert workcal.day_name(D(2024, 2, 12)) == "春节"
    assert "调休" in workcal.day_name(D(2024, 2, 4))


def test_a_make_up_saturday_is_a_working_day(cal2024):
    # National Day 2024: Saturday 12 October is a 调休 working day; 1–7 October are off.
    assert workcal.is_workday(D(2024, 10, 12))
    assert not workcal.is_workday(D(2024, 10, 1))
    assert workcal.is_workday(D(2024, 10, 8))


def test_add_workdays_skips_the_spring_festival(cal2024):
    # Friday 9 Feb 2024 (除夕, still a working day that year) + 1 working day → Sunday 18 Feb (调休).
    assert workcal.add_workdays(D(2024, 2, 9), 1) == D(2024, 2, 18)
    assert workcal.add_workdays(D(2024, 2, 9), 2) == D(2024, 2, 19)
    assert workcal.add_workdays(D(2024, 2, 19), -2) == D(2024, 2, 9)
    assert workcal.add_workdays(D(2024, 2, 9), 0) == D(2024, 2, 9)
    assert workcal.workdays_between(D(2024, 2, 9), D(2024, 2, 19)) == 2
    assert workcal.next_workday(D(2024, 2, 10)) == D(2024, 2, 18)


def test_without_rows_the_weekday_rule_applies(db):
    assert workcal.is_workday(D(2031, 1, 1))  # a Wednesday the package does not know
    assert not workcal.is_workday(D(2031, 1, 4))  # Saturday
    assert workcal.add_workdays(D(2031, 1, 3), 1) == D(2031, 1, 6)


def test_an_administrator_edits_a_day_and_the_cache_follows(db, admin_user, town_a):
    assert workcal.is_workday(D(2031, 1, 2))
    workcal.calendar_day_set(actor=admin_user, date=D(2031, 1, 2), is_workday=False, name="元旦")
    assert not workcal.is_workday(D(2031, 1, 2)) and workcal.day_name(D(2031, 1, 2)) == "元旦"
    assert AuditLog.objects.filter(object_type="items.workcalendarday").exists()
    workcal.calendar_day_set(actor=admin_user, date=D(2031, 1, 2), is_workday=True)  # back to the rule
    assert workcal.is_workday(D(2031, 1, 2)) and not WorkCalendarDay.objects.filter(date=D(2031, 1, 2)).exists()
    with pytest.raises(PermissionDenied):
        workcal.calendar_day_set(actor=town_a, date=D(2031, 1, 2), is_workday=False)


def test_seed_calendar_command_reports_unknown_years(db, capsys):
    call_command("seed_calendar", "--years", "2024", "2099")
    out, err = capsys.readouterr()
    assert "2024:" in out and "2099" in err and "by hand" in err
    assert WorkCalendarDay.objects.filter(date__year=2024).count() > 20
