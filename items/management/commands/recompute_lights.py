"""manage.py recompute_lights [--date YYYY-MM-DD] — recompute every item's traffic light (红黄绿灯) with
set-based UPDATEs; run it daily (a light turns red when a due date passes without any action)."""
import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from items.lights import recompute_all


class Command(BaseCommand):
    help = "Recompute the traffic lights of all items (set-based)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="compute as of this local date (default: today)")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"invalid --date {date!r}: use YYYY-MM-DD") from exc
        started = time.monotonic()
        changed = recompute_all(today)
        summary = ", ".join(f"{k}={v}" for k, v in changed.items())
        self.stdout.write(f"lights recomputed in {time.monotonic() - started:.2f}s; rows changed: {summary}")
