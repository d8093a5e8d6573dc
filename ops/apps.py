from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """运维: background jobs (queue, schedule, the job page), backup/restore, health, metrics, logs."""

    name = "ops"
    verbose_name = _("运维")

    def ready(self):
        from django_tasks.signals import task_finished

        from core import navigation
        from core.jobqueue import discover, requeue_failed

        task_finished.connect(requeue_failed, dispatch_uid="taizhang-requeue-failed")
        discover()  # every app's jobs.py, so the worker can run any of them
        for section in navigation.NAVIGATION:
            if str(section["label"]) == "系统":
                section["links"].insert(1, {"label": _("后台任务"), "url": "ops:job_list", "icon": "gear-wide-connected",
                                            "perm": "ops.manage_jobs"})
                section["links"].insert(2, {"label": _("安全设置"), "url": "accounts:security", "icon": "shield-lock",
                                            "perm": "accounts.change_user"})
