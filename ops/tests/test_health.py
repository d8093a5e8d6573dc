"""Health, readiness and metrics endpoints (django-health-check, django-prometheus), structured logs."""
import datetime
import json
import logging
import logging.config

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from health_check.exceptions import ServiceUnavailable

from core.logs import logging_config
from ops.health import Queue


def test_liveness_and_readiness_answer_without_login(db):
    assert Client().get("/health/live/").status_code == 200
    ready = Client().get("/health/ready/?format=json")
    assert ready.status_code == 200, ready.content
    checks = ready.json()
    assert any(k.startswith("Database") for k in checks) and any(k.startswith("Queue") for k in checks)
    assert any(k.startswith("Disk") for k in checks) and set(checks.values()) == {"OK"}
    assert "no-store" in ready["Cache-Control"] or "no-cache" in ready["Cache-Control"]


def test_the_queue_check_fails_when_a_due_job_waited_too_long(db):
    # the check itself, in this thread (the view runs it in a pool thread, whose connection would not see this
    # test's uncommitted row); the view's answer for a failing check is django-health-check's 500
    row = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="items.jobs.recompute_lights",
                                      backend_name="default", run_after=timezone.now())
    Queue().run()  # just enqueued: fine
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ServiceUnavailable, match="worker"):
        Queue().run()
    metrics = Client().get("/metrics").content.decode()
    assert 'taizhang_jobs{status="READY"} 1.0' in metrics
    assert "taizhang_job_oldest_ready_seconds 36" in metrics  # ≈ 3600 s


def test_metrics_count_requests_and_latency_and_are_loopback_only(db, client_for, leader):
    client_for(leader).get("/")
    metrics = Client().get("/metrics")
    assert metrics.status_code == 200
    text = metrics.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text
    assert "taizhang_job_failures 0.0" in text
    with override_settings(TAIZHANG_METRICS_ALLOWED_IPS=("10.0.0.1",)):
        assert Client().get("/metrics").status_code == 404


def test_json_logs_carry_the_request_context(db, client_for, leader, capsys):
    logging.config.dictConfig(logging_config(fmt="json", level="INFO"))
    try:
        client_for(leader).get("/items/todo/", HTTP_X_REQUEST_ID="ignored")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        from django.conf import settings
        logging.config.dictConfig(settings.LOGGING)
    request = next(r for r in lines if r["logger"] == "taizhang.request")
    assert (request["path"], request["status"], request["user"]) == ("/items/todo/", 200, "leader")
    assert len(request["request_id"]) == 32 and request["duration_ms"] > 0
