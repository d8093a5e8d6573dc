"""PeriodicRun — 定时任务记录: the one row per (job, period) that lets a scheduler enqueue a periodic job
exactly once per period, however many scheduler processes run (a unique constraint, not a lock)."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    job = models.CharField(_("定时任务"), max_length=100)
    period = models.DateTimeField(_("计划时间"), help_text=_("本次运行对应的计划时刻"))
    enqueued_at = models.DateTimeField(_("入队时间"), auto_now_add=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        ordering = ["-period", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="periodic_run_once_per_period")]
        permissions = [("manage_jobs", _("可查看和重试后台任务"))]

    def __str__(self):
        return f"{self.job} @ {timezone.localtime(self.period):%Y-%m-%d %H:%M}"
