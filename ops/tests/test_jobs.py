"""Background jobs on the real database backend: the worker (`db_worker`) runs them, a failed job is retried
with a back-off and then stays FAILED, the administrator's page lists and retries it, and the scheduler
enqueues each period exactly once."""
import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from audit.models import AuditLog
from ops.models import PeriodicRun
from ops.schedule import enqueue_due, periodic_jobs

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RUNS = []


@task()
def flaky(fail_times: int) -> int:
    """Fails its first `fail_times` attempts (counted in RUNS), then succeeds."""
    RUNS.append(1)
    if len(RUNS) <= fail_times:
        raise RuntimeError(f"attempt {len(RUNS)} fails")
    return len(RUNS)


def work():
    """Run every job that is due, as a worker process would, then make every deferred retry due now."""
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)


def make_retries_due():
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


@pytest.fixture
def db_queue(transactional_db):
    RUNS.clear()
    with override_settings(TASKS=DB_BACKEND, TAIZHANG_JOBS={"retries": 2, "backoff_seconds": 60}):
        yield


def test_a_failing_job_is_retried_with_a_back_off_then_succeeds(db_queue):
    result = flaky.enqueue(fail_times=2)
    work()
    row = DBTaskResult.objects.get(pk=result.id)
    # failed once, back in the queue for later (60 s back-off), the traceback kept
    assert row.status == TaskResultStatus.READY and len(row.worker_ids) == 1
    assert row.run_after > timezone.now() + datetime.timedelta(seconds=50)
    assert "attempt 1 fails" in row.traceback
    work()
    assert len(RUNS) == 1, "a retry waits for its back-off"
    make_retries_due()
    work()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and row.run_after > timezone.now() + datetime.timedelta(seconds=110)
    make_retries_due()
    work()
    row.refresh_from_db()
    assert (row.status, row.return_value, len(row.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 3, 3)


def test_a_job_that_keeps_failing_stays_failed_and_the_admin_retries_it(db_queue, client_for, admin_user, town_a):
    result = flaky.enqueue(fail_times=10)
    for _ in range(3):  # the first attempt and the two retries
        work()
        make_retries_due()
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, len(row.worker_ids)) == (TaskResultStatus.FAILED, 3)

    admin = client_for(admin_user)
    page = admin.get("/ops/jobs/?status=FAILED")
    assert page.status_code == 200 and "ops.tests.test_jobs.flaky" in page.content.decode()
    counts = page.context["counts"]
    failed = next(c for c in counts if c[0] == "FAILED")
    assert failed[2] == 1 and len(admin.get(failed[3]).context["rows"]) == 1  # the count is its rows
    detail = admin.get(f"/ops/jobs/{row.pk}/")
    assert "attempt 3 fails" in detail.content.decode() and detail.context["may_retry"]

    assert client_for(town_a).post(f"/ops/jobs/{row.pk}/retry/").status_code == 403
    assert admin.post(f"/ops/jobs/{row.pk}/retry/").status_code == 302
    assert admin.post(f"/ops/jobs/{row.pk}/retry/").status_code == 409  # no longer failed
    audit = AuditLog.objects.filter(object_type="django_tasks_db.dbtaskresult").get()
    assert (audit.username, audit.object_id) == ("admin", str(row.pk))
    work()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and len(row.worker_ids) == 4  # ran again (and failed again)


def test_the_job_page_lists_every_apps_jobs_and_the_schedule(client_for, admin_user):
    page = client_for(admin_user).get("/ops/jobs/")
    listed = {path for path, _ in page.context["catalogue"]}
    assert {"items.jobs.recompute_lights", "items.jobs.send_reminders", "items.jobs.seed_calendar",
            "core.jobs.prune_media", "audit.jobs.audit_verify"} <= listed
    assert [job.name for job, _, _ in page.context["schedule"]] == [j.name for j in periodic_jobs()]


def test_the_scheduler_enqueues_each_period_once(db):
    # the suite's clock is 10:00: every daily job's latest moment is today (recompute 00:10 … reminders 08:00)
    names = enqueue_due()
    assert set(names) == {j.name for j in periodic_jobs()}
    assert enqueue_due() == [] and enqueue_due() == []  # a second scheduler, a restart: nothing twice
    today = timezone.localdate()
    run = PeriodicRun.objects.get(job="send_reminders")
    local = timezone.localtime(run.period)
    assert (local.date(), local.time()) == (today, datetime.time(8))
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert set(enqueue_due(tomorrow)) == {"recompute_lights", "prune_media", "audit_verify", "send_reminders"}


def test_periodic_moments():
    by_name = {j.name: j for j in periodic_jobs()}
    tz = timezone.get_current_timezone()
    at = datetime.datetime(2026, 12, 1, 3, 59, tzinfo=tz)
    assert by_name["seed_calendar"].latest(at) == datetime.datetime(2026, 11, 1, 4, 0, tzinfo=tz)
    assert by_name["seed_calendar"].latest(at.replace(hour=4)) == datetime.datetime(2026, 12, 1, 4, 0, tzinfo=tz)
    assert by_name["recompute_lights"].latest(at.replace(hour=0, minute=5)) == datetime.datetime(2026, 11, 30, 0, 10, tzinfo=tz)


@task()
def record(n: int) -> int:
    import time

    time.sleep(0.02)  # long enough for the other worker to look for work meanwhile
    return n


def test_several_workers_share_one_queue_without_running_a_job_twice(db_queue):
    """The multi-machine set-up: workers (on one machine or several) claim jobs from the PostgreSQL queue with
    SELECT … FOR UPDATE SKIP LOCKED — every job runs exactly once, and both workers get work."""
    import threading

    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker

    if connection.vendor != "postgresql":
        pytest.skip("several workers on one queue is the PostgreSQL set-up (SKIP LOCKED); SQLite runs one")
    ids = [str(record.enqueue(n).id) for n in range(40)]

    def worker(name):
        try:
            Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                   max_tasks=None, worker_id=name, excluded_queue_names=[]).run()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"worker-{k}",)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = DBTaskResult.objects.filter(pk__in=ids)
    assert sorted(rows.values_list("return_value", flat=True)) == list(range(40))
    assert all(len(r.worker_ids) == 1 and r.status == TaskResultStatus.SUCCESSFUL for r in rows)  # each ran once
    assert {r.worker_ids[0] for r in rows} == {"worker-0", "worker-1"}  # and both workers got work
