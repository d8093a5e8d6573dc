"""旬 periods: 1–10, 11–20, 21–month end; due on the 10th, 20th and 30th (or the month's last day)."""
import datetime
import zoneinfo

import pytest

from items.periods import current_period, is_late, period_of, periods_between, previous_period

pytestmark = pytest.mark.dates

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_23_59_59_on_the_10th_in_shanghai_is_the_first_period():
    moment = datetime.datetime(2024, 3, 10, 23, 59, 59, tzinfo=SHANGHAI)
    p = current_period(moment)
    assert (p.start, p.end, p.due) == (D(2024, 3, 1), D(2024, 3, 10), D(2024, 3, 10))
    # The same instant in UTC is 15:59:59 on the 10th; one second later in Shanghai is the 11th.
    assert current_period(moment.astimezone(datetime.UTC)) == p
    assert current_period(moment + datetime.timedelta(seconds=1)).start == D(2024, 3, 11)


def test_utc_evening_of_the_10th_is_already_the_second_period_in_shanghai():
    moment = datetime.datetime(2024, 3, 10, 16, 30, tzinfo=datetime.UTC)  # 00:30 on the 11th in Shanghai
    assert current_period(moment).start == D(2024, 3, 11)


@pytest.mark.parametrize("year,last", [(2024, 29), (2023, 28), (2100, 28), (2000, 29)])
def test_february_third_period_ends_and_is_due_on_the_last_day(year, last):
    p = period_of(D(year, 2, 21))
    assert p.end == D(year, 2, last) and p.due == D(year, 2, last)
    assert period_of(D(year, 2, last)) == p
    assert period_of(D(year, 3, 1)).start == D(year, 3, 1)


def test_a_31_day_month_runs_to_the_31st_but_is_due_on_the_30th():
    p = period_of(D(2024, 1, 31))
    assert (p.start, p.end, p.due) == (D(2024, 1, 21), D(2024, 1, 31), D(2024, 1, 30))
    assert is_late(p, D(2024, 1, 31)) and not is_late(p, D(2024, 1, 30))


def test_a_30_day_month_is_due_on_the_30th():
    assert period_of(D(2024, 4, 25)).due == D(2024, 4, 30)


def test_middle_period_and_labels():
    p = period_of(D(2024, 5, 11))
    assert (p.start, p.end, p.due, p.index) == (D(2024, 5, 11), D(2024, 5, 20), D(2024, 5, 20), 2)
    assert p.label == "2024年5月中旬"


def test_previous_period_crosses_months_and_years():
    assert previous_period(D(2024, 3, 5)).start == D(2024, 2, 21)
    assert previous_period(D(2024, 1, 1)) == period_of(D(2023, 12, 31))
    assert previous_period(period_of(D(2024, 3, 15))).start == D(2024, 3, 1)


def test_periods_between_lists_three_per_month():
    ps = periods_between(D(2024, 1, 5), D(2024, 3, 25))
    assert len(ps) == 9 and ps[0].start == D(2024, 1, 1) and ps[-1].start == D(2024, 3, 21)
