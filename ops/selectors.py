"""Reads of the operations app: the queue by status, the periodic schedule with each job's last run."""
from django.db.models import Count, Min
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.jobqueue import known_jobs

from .models import PeriodicRun
from .schedule import periodic_jobs


def queue_counts() -> dict[str, int]:
    """{status: rows} for every status (0 where none)."""
    counts = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in TaskResultStatus.values}


def oldest_ready():
    """When the longest-waiting job that is due now was enqueued (None when none waits)."""
    return DBTaskResult.objects.ready().order_by().aggregate(t=Min("enqueued_at"))["t"]


def schedule_with_last_runs():
    """[(Periodic, last PeriodicRun or None, its job row or None)] in the settings' order."""
    rows = []
    for job in periodic_jobs():
        run = PeriodicRun.objects.filter(job=job.name).order_by("-period").first()
        result = DBTaskResult.objects.filter(pk=run.task_id).first() if run and run.task_id else None
        rows.append((job, run, result))
    return rows


def job_catalogue():
    """Every task in an app's jobs.py (module path, first docstring line) — other apps' imports and reports
    included: the page lists what the worker can run."""
    return [(path, (task.func.__doc__ or "").strip().splitlines()[0] if task.func.__doc__ else "")
            for path, task in known_jobs()]
