"""Periodic jobs, scheduled by the queue (no cron lines): `TAIZHANG_PERIODIC_JOBS` says what runs when, and
`enqueue_due()` — called every half minute by `manage.py run_scheduler` — enqueues each job whose latest
scheduled moment has no PeriodicRun row yet. The row and the queued job are written in one transaction and
the row is unique per (job, moment): two schedulers (or a restarted one) never enqueue a period twice, and
a scheduler that was down enqueues the latest missed period once when it comes back (the jobs are
idempotent and work "as of today").

    TAIZHANG_PERIODIC_JOBS = {
        "recompute_lights": {"task": "items.jobs.recompute_lights", "every": "day", "at": "00:10"},
        "seed_calendar": {"task": "items.jobs.seed_calendar", "every": "month", "day": 1, "at": "04:00"},
        "weekly_report": {"task": "…", "every": "week", "day": 0, "at": "07:30"},   # 0 = Monday
    }
"""
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicRun

logger = logging.getLogger("taizhang.scheduler")


@dataclass(frozen=True)
class Periodic:
    name: str
    task_path: str
    every: str  # day | week | month
    at: datetime.time
    day: int = 0  # week: 0 = Monday; month: day of the month (1–28)

    @property
    def task(self):
        return import_string(self.task_path)

    def latest(self, now):
        """The latest scheduled moment ≤ now (aware, local time)."""
        local = timezone.localtime(now)
        tz = local.tzinfo

        def at(day):
            return datetime.datetime.combine(day, self.at, tzinfo=tz)

        today = local.date()
        if self.every == "day":
            moment = at(today)
            return moment if moment <= local else at(today - datetime.timedelta(days=1))
        if self.every == "week":
            moment = at(today - datetime.timedelta(days=(today.weekday() - self.day) % 7))
            return moment if moment <= local else moment - datetime.timedelta(days=7)
        moment = at(today.replace(day=self.day))
        if moment > local:
            previous = today.replace(day=1) - datetime.timedelta(days=1)
            moment = at(previous.replace(day=self.day))
        return moment

    def describe(self):
        hhmm = self.at.strftime("%H:%M")
        if self.every == "day":
            return f"daily {hhmm}"
        if self.every == "week":
            return f"weekly, day {self.day} (0 = Monday) {hhmm}"
        return f"monthly, day {self.day} {hhmm}"


def periodic_jobs():
    jobs = []
    for name, spec in settings.TAIZHANG_PERIODIC_JOBS.items():
        every = spec.get("every", "day")
        if every not in {"day", "week", "month"}:
            raise ValueError(f"{name}: every must be day, week or month")
        day = int(spec.get("day", 1 if every == "month" else 0))
        if (every == "month" and not 1 <= day <= 28) or (every == "week" and not 0 <= day <= 6):
            raise ValueError(f"{name}: day {day} out of range for every={every}")
        jobs.append(Periodic(name=name, task_path=spec["task"], every=every,
                             at=datetime.time.fromisoformat(spec["at"]), day=day))
    return jobs


def enqueue_due(now=None) -> list[str]:
    """Enqueue every periodic job due at `now` and not yet enqueued for that moment; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs():
        moment = job.latest(now)
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, period=moment)
                result = job.task.enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # this period was enqueued already (by this or another scheduler)
        logger.info("periodic job enqueued", extra={"job": job.name, "period": moment.isoformat(),
                                                    "job_id": str(result.id)})
        enqueued.append(job.name)
    return enqueued
