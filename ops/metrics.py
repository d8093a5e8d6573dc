"""Prometheus metrics (`/metrics`), from django-prometheus (request latency, counts by view/status) plus the
job queue read from its table at scrape time (so every worker process and machine counts):

    taizhang_jobs{status="READY|RUNNING|FAILED|SUCCESSFUL"}   rows of the queue by status
    taizhang_job_failures                                    jobs FAILED for good (retries used up)
    taizhang_job_retries_pending                             failed attempts waiting for their retry
    taizhang_job_oldest_ready_seconds                        how long the longest-waiting due job has waited

Under gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR makes the request metrics the sum over the
workers (prometheus_client's multiprocess mode; the gunicorn config marks exited workers). Only the addresses
in TAIZHANG_METRICS_ALLOWED_IPS may scrape (the proxy answers 404 for /metrics from outside as well).
"""
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from core.middleware import client_ip

from .selectors import oldest_ready, queue_counts


class QueueCollector:
    def collect(self):
        counts = queue_counts()
        jobs = GaugeMetricFamily("taizhang_jobs", "Background jobs by status", labels=["status"])
        for status, n in counts.items():
            jobs.add_metric([status], n)
        yield jobs
        yield GaugeMetricFamily("taizhang_job_failures", "Background jobs failed for good (no retry left)",
                                value=counts[TaskResultStatus.FAILED])
        retrying = DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(traceback="").count()
        yield GaugeMetricFamily("taizhang_job_retries_pending", "Failed attempts waiting for their retry",
                                value=retrying)
        oldest = oldest_ready()
        yield GaugeMetricFamily("taizhang_job_oldest_ready_seconds", "Wait of the longest-waiting due job",
                                value=(timezone.now() - oldest).total_seconds() if oldest else 0)


def process_registry():
    """The request metrics: this process's, or (multiprocess mode) every gunicorn worker's summed."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        reg = CollectorRegistry()
        multiprocess.MultiProcessCollector(reg)
        return reg
    return REGISTRY


def queue_registry():
    reg = CollectorRegistry()
    reg.register(QueueCollector())
    return reg


def metrics(request):
    if client_ip(request) not in settings.TAIZHANG_METRICS_ALLOWED_IPS:
        raise Http404
    response = HttpResponse(generate_latest(process_registry()) + generate_latest(queue_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
