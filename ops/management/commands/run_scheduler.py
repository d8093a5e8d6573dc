"""manage.py run_scheduler [--once] [--interval S] — enqueue the periodic jobs (ops.schedule) when due.

Runs beside the workers (`manage.py db_worker`), one or several: each period is enqueued exactly once (a
unique PeriodicRun row). `--once` checks one time and exits (tests, a manual catch-up).
"""
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from ops.schedule import enqueue_due, periodic_jobs


class Command(BaseCommand):
    help = "Enqueue the periodic jobs (TAIZHANG_PERIODIC_JOBS) when they are due, once per period."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks (default 30)")

    def handle(self, *args, once, interval, **options):
        for job in periodic_jobs():
            self.stdout.write(f"{job.name}: {job.task_path}, {job.describe()}")
        signal.signal(signal.SIGTERM, self.stop)
        while True:
            close_old_connections()
            for name in enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)

    def stop(self, signum, frame):
        raise SystemExit(0)  # mid-enqueue, the transaction rolls back: the period is enqueued next time
