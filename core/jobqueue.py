"""Background jobs (后台任务): the conventions every app's `jobs.py` follows, on Django's Tasks API.

An app writes its background work as `django_tasks.task` functions in `<app>/jobs.py` (imports, report
generation, reminders …) and calls `.enqueue(...)`. Each job must be idempotent — safe to run twice — because
a failed job is retried: the database backend puts the same row back in the queue after a back-off, until
`retries()` (default `TAIZHANG_JOBS["retries"]`) attempts have failed; then it stays FAILED, and the
administrator's job page (`ops`) offers to run it again. `discover()` imports every app's `jobs` module, so
the worker, the scheduler and the page know every job.
"""
import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger("taizhang.jobs")

RETRIES_ATTR = "taizhang_retries"


def retries(count, *, backoff_seconds=None):
    """Put under `@task()`: how many times a failed run is retried (0: never) and the first back-off
    (doubled on each retry)."""

    def decorate(func):
        setattr(func, RETRIES_ATTR, (count, backoff_seconds))
        return func

    return decorate


def retry_policy(task):
    """(retries, first back-off in seconds) for a task: its `retries()` or the settings' default."""
    defaults = settings.TAIZHANG_JOBS
    count, backoff = getattr(task.func, RETRIES_ATTR, (None, None))
    return (defaults["retries"] if count is None else count,
            defaults["backoff_seconds"] if backoff is None else backoff)


def retry_delay(task, attempt):
    """Seconds to wait after the `attempt`-th failed attempt, or None when no retry is left."""
    count, backoff = retry_policy(task)
    if attempt > count:
        return None
    return backoff * 2 ** (attempt - 1)


def requeue_failed(sender, task_result, **kwargs):
    """task_finished receiver: a FAILED run of the database backend goes back to the queue (the same row:
    its worker_ids count the attempts and the page shows the last traceback) while retries are left."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if task_result.status != TaskResultStatus.FAILED:
        return
    if not DBTaskResult.objects.filter(pk=task_result.id).exists():
        return  # another backend: no row to put back
    try:
        task = task_result.task
    except ImportError:
        return
    delay = retry_delay(task, task_result.attempts)
    if delay is None:
        logger.error("job failed for good", extra={"job": task.module_path, "job_id": str(task_result.id),
                                                    "attempts": task_result.attempts})
        return
    DBTaskResult.objects.filter(pk=task_result.id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, finished_at=None,
        run_after=timezone.now() + datetime.timedelta(seconds=delay))
    logger.warning("job failed, retrying", extra={"job": task.module_path, "job_id": str(task_result.id),
                                                  "attempts": task_result.attempts, "retry_in_s": delay})


def discover():
    """Import every installed app's `jobs` module (the tasks register nothing: importing is enough for the
    worker to run them; the list of jobs is read from the modules)."""
    autodiscover_modules("jobs")


def known_jobs():
    """Every task defined in an app's `jobs.py`: [(module path, task)], sorted."""
    import sys

    from django.apps import apps
    from django_tasks.base import Task

    discover()
    found = {}
    for config in apps.get_app_configs():
        module = sys.modules.get(f"{config.name}.jobs")
        for value in vars(module).values() if module else ():
            if isinstance(value, Task) and value.func.__module__ == module.__name__:
                found[value.module_path] = value
    return sorted(found.items())
