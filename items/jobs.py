"""Background jobs of the item engine (`core.jobqueue` conventions; scheduled by `ops`' scheduler).

Each is idempotent: run twice on a day, it changes nothing more the second time (lights are recomputed from
the rows, a user's reminder digest is sent once per day, a calendar year already seeded is left alone).
"""
import datetime

from django.utils import timezone
from django_tasks import task

from core.requestcontext import use_context

from .calendar import calendar_seed_year
from .lights import recompute_all
from .models import WorkCalendarDay
from .notifications import send_daily_digests


def _day(value):
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@task()
def recompute_lights(day: str | None = None) -> dict:
    """红黄绿灯: recompute every item's light as of `day` (ISO date, default today), set-based."""
    return recompute_all(_day(day))


@task()
def send_reminders(day: str | None = None) -> int:
    """The daily e-mail digest of notifications and reminders; returns the number of e-mails sent."""
    return send_daily_digests(_day(day))


@task()
def seed_calendar(year: int | None = None) -> int:
    """工作日历: seed `year` (default next year) from chinese-calendar — only if it has no rows yet, so the
    days an administrator corrected by hand are never overwritten. Returns the rows written (0: left alone,
    or the package does not know the year yet: the job runs again next month)."""
    year = year or timezone.localdate().year + 1
    if WorkCalendarDay.objects.filter(date__year=year).exists():
        return 0
    with use_context(source="command"):
        try:
            return calendar_seed_year(actor=None, year=year)
        except NotImplementedError:
            return 0
