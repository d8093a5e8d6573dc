"""Background jobs of the shared kit (`core.jobqueue` conventions)."""
from django_tasks import task

from .media import prune_orphans


@task()
def prune_media(older_than_hours: float = 24.0) -> dict:
    """Delete uploads no row references (left by rolled-back actions or deleted rows) after a grace period;
    idempotent (a second run finds nothing). Returns {"files": n, "bytes": size}."""
    return prune_orphans(older_than_seconds=older_than_hours * 3600)
