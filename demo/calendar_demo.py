"""The working-day calendar for the demo years (2023 for the seeds' history up to next year)."""
from django.utils import timezone

from items.calendar import calendar_seed_year


def load(context):
    this_year = timezone.localdate().year
    for year in range(2023, this_year + 2):
        try:
            calendar_seed_year(actor=None, year=year)
        except NotImplementedError:  # chinese-calendar does not know the year yet: Monday–Friday until added
            pass
    return {}
