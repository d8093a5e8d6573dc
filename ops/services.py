"""Writes of the operations app: an administrator puts a failed job back in the queue."""
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from audit.services import audit_record
from core.errors import Conflict
from core.services import deny, service


@service
def job_retry(*, actor, job_id):
    """重试: a FAILED job runs again (the same row back to READY, now; its attempts go on counting). Only a
    job still FAILED: a second click, or a retry racing the automatic one, answers 409."""
    if not actor.has_perm("ops.manage_jobs"):
        deny(actor, "job_retry", _("只有系统管理员可以重试后台任务。"))
    changed = DBTaskResult.objects.filter(pk=job_id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=timezone.now(), finished_at=None)
    if not changed:
        raise Conflict(_("该任务已不是失败状态（可能已被重试），请刷新页面。"))
    row = DBTaskResult.objects.get(pk=job_id)
    audit_record(action="update", actor=actor, object_type="django_tasks_db.dbtaskresult", object_id=str(job_id),
                 object_repr=row.task_path, message=_("重试后台任务"),
                 before={"status": TaskResultStatus.FAILED}, after={"status": TaskResultStatus.READY})
    return row
