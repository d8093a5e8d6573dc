"""Health (运行状态) for the proxy, the monitoring and the IT office, with django-health-check:

    /health/live/    the process answers (no I/O) — for a process supervisor / load balancer
    /health/ready/   database, job queue, disk (MEDIA_ROOT and the database's directory) — 200 or 500 with
                     what failed (`?format=json`, `?format=text`, `Accept: application/openmetrics-text`)
"""
import dataclasses
import datetime
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.contrib.psutil import Disk
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class Queue(HealthCheck):
    """The job queue: its table answers, and no due job has waited longer than `max_wait` (a waiting job
    that old means no worker runs)."""

    max_wait: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(seconds=settings.TAIZHANG_HEALTH["queue_max_wait_seconds"]),
        repr=False)

    def run(self):
        from django.db import connection

        from .selectors import oldest_ready

        try:
            oldest = oldest_ready()
        except Exception as exc:  # noqa: BLE001 — any database error: the queue is unavailable
            raise ServiceUnavailable("job queue table unavailable") from exc
        finally:
            if not connection.in_atomic_block:
                connection.close()  # checks run in a pool thread: leave no connection behind
        if oldest is not None and timezone.now() - oldest > self.max_wait:
            raise ServiceUnavailable(f"a job has waited since {oldest:%Y-%m-%d %H:%M} (is a worker running?)")


def readiness_checks():
    limit = settings.TAIZHANG_HEALTH["disk_max_percent"]
    paths = {Path(settings.MEDIA_ROOT)}
    db_name = str(settings.DATABASES["default"].get("NAME", ""))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and db_name.startswith("/"):
        paths.add(Path(db_name).parent)
    disks = [(Disk, {"path": str(_existing(p)), "max_disk_usage_percent": limit}) for p in sorted(paths)]
    return [Database, Queue, *disks]


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


class Ready(HealthCheckView):
    def get_checks(self):
        self.checks = readiness_checks()
        return super().get_checks()


def live(request):
    return HttpResponse("ok\n", content_type="text/plain")
