"""manage.py recompute_lights [--date YYYY-MM-DD] — recompute every item's traffic light (红黄绿灯) with
set-based UPDATEs; run it daily (a light turns red when a due date passes without any action)."""
import time

from django.core.management.base import BaseCommand

from core.commands import add_date_argument
from items.lights import recompute_all


class Command(BaseCommand):
    help = "Recompute the traffic lights of all items (set-based)."

    def add_arguments(self, parser):
        add_date_argument(parser, "compute as of this local date (default: today)")

    def handle(self, *args, date=None, **options):
        today = date
        started = time.monotonic()
        changed = recompute_all(today)
        summary = ", ".join(f"{k}={v}" for k, v in changed.items())
        self.stdout.write(f"lights recomputed in {time.monotonic() - started:.2f}s; rows changed: {summary}")
