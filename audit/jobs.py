"""Background jobs of the audit log (`core.jobqueue` conventions)."""
from django_tasks import task

from core.jobqueue import retries

from .models import AuditLog
from .services import audit_verify as verify_chain


class AuditChainBroken(Exception):
    """The audit log's hash chain does not verify (the job fails: the job page and the metrics show it)."""


@task()
@retries(0)  # a broken chain stays broken: retrying would only repeat the alarm
def audit_verify() -> int:
    """Recompute the hash chain; fail (FAILED on the job page, counted in the metrics) when a row was
    altered, removed or reordered. Returns the number of rows checked."""
    problems = verify_chain()
    if problems:
        raise AuditChainBroken(f"{len(problems)} problem(s): " + "; ".join(f"row {pk}: {p}" for pk, p in problems[:20]))
    return AuditLog.objects.count()
