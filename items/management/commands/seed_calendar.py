"""manage.py seed_calendar [--years 2023 2024 …] — fill the working-day calendar (工作日历) from the
chinese-calendar package: public holidays on weekdays become days off with the holiday's name, 调休
weekend working days become working days. Years the package does not know are reported and skipped:
add them by hand from the State Council's notice (items.calendar.calendar_day_set)."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.requestcontext import use_context
from items.calendar import calendar_seed_year


class Command(BaseCommand):
    help = "Seed the working-day calendar from the chinese-calendar package (default: last, this and next year)."

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", type=int, help="years to seed, e.g. --years 2023 2024")

    def handle(self, *args, years=None, **options):
        this_year = timezone.localdate().year
        years = years or [this_year - 1, this_year, this_year + 1]
        with use_context(source="command"):
            for year in years:
                try:
                    n = calendar_seed_year(actor=None, year=year)
                except NotImplementedError:
                    self.stderr.write(f"{year}: chinese-calendar has no data for this year — add its holidays "
                                      "and 调休 days by hand (工作日历); until then it follows Monday–Friday.")
                    continue
                self.stdout.write(f"{year}: {n} holiday / make-up working days")
