"""旬 — the dekad rhythm of progress reports: 1–10, 11–20, 21–month end.

A report is due on the 10th, the 20th and the 30th — or on the month's last day when the month is shorter
(February). In a 31-day month the third 旬 runs to the 31st but its report is due on the 30th, so a
report written on the 31st is late. Dates are local dates in Asia/Shanghai (settings.TIME_ZONE): 23:59:59
on the 10th still belongs to the first 旬.
"""
from __future__ import annotations

import calendar as _calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    due: datetime.date

    @property
    def index(self) -> int:
        """1 (上旬), 2 (中旬) or 3 (下旬)."""
        return {1: 1, 11: 2, 21: 3}[self.start.day]

    @property
    def label(self) -> str:
        name = {1: _("上旬"), 2: _("中旬"), 3: _("下旬")}[self.index]
        return _("%(year)s年%(month)s月%(name)s") % {"year": self.start.year, "month": self.start.month,
                                                     "name": name}

    def __contains__(self, d) -> bool:
        return self.start <= _local_date(d) <= self.end

    def __str__(self):
        return self.label


def _local_date(value) -> datetime.date:
    """A date, or an aware datetime turned into the local (Asia/Shanghai) date."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    return value


def period_of(d) -> Period:
    """The 旬 that contains `d` (a date, or a datetime read in local time)."""
    d = _local_date(d)
    last = _calendar.monthrange(d.year, d.month)[1]
    if d.day <= 10:
        start, end, due = 1, 10, 10
    elif d.day <= 20:
        start, end, due = 11, 20, 20
    else:
        start, end, due = 21, last, min(30, last)
    return Period(d.replace(day=start), d.replace(day=end), d.replace(day=due))


def current_period(now=None) -> Period:
    """The 旬 of `now` (default: the current time) in Asia/Shanghai local time."""
    return period_of(now if now is not None else timezone.now())


def previous_period(p_or_date=None) -> Period:
    """The 旬 before the given period (or before the period of the given date/now)."""
    if p_or_date is None:
        p = current_period()
    elif isinstance(p_or_date, Period):
        p = p_or_date
    else:
        p = period_of(p_or_date)
    return period_of(p.start - datetime.timedelta(days=1))


def next_period(p: Period) -> Period:
    return period_of(p.end + datetime.timedelta(days=1))


def periods_between(first, last) -> list[Period]:
    """Every 旬 from the one containing `first` to the one containing `last`, in order."""
    p, stop = period_of(first), period_of(last)
    result = []
    while p <= stop:
        result.append(p)
        p = next_period(p)
    return result


def last_completed_period(today=None) -> Period:
    """The most recent 旬 whose report due date has passed (the one before the current)."""
    return previous_period(today if today is not None else timezone.localdate())


def is_late(period: Period, reported_on) -> bool:
    """A report is late when written after its 旬's due date (local date)."""
    return _local_date(reported_on) > period.due
