"""后台任务 — the administrator's job page: the queue by status (each count links to its rows), the periodic
schedule with each job's last run, every job the apps define, and a failed job's traceback with 重试."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.errors import DomainError
from core.services import record_refusal
from core.tables import Column
from core.views import ObjectListView, ScopedViewMixin

from . import selectors
from .filters import JobFilter
from .services import job_retry

STATUS_COLORS = {"READY": "secondary", "RUNNING": "primary", "SUCCESSFUL": "success", "FAILED": "danger"}


def status_badge(row):
    return row.get_status_display(), STATUS_COLORS.get(row.status, "secondary")


class JobMixin(ScopedViewMixin):
    # System rows, not ledger rows: no data scope, the permission alone decides (系统管理员).
    permission_required = "ops.manage_jobs"
    queryset = DBTaskResult.objects.all()

    def get_queryset(self, action=None):
        return self.queryset.all()


class JobList(JobMixin, ObjectListView):
    template_name = "ops/job_list.html"
    filterset = JobFilter
    title = gettext_lazy("后台任务")
    default_ordering = ("-enqueued_at",)
    columns = [
        Column("task_path", gettext_lazy("任务"), accessor=lambda r: r.task_path),
        Column("status", gettext_lazy("状态"), badge=status_badge),
        Column("enqueued_at", gettext_lazy("入队时间"), orderable="enqueued_at"),
        Column("started_at", gettext_lazy("开始时间")),
        Column("finished_at", gettext_lazy("结束时间")),
        Column("attempts", gettext_lazy("尝试次数"), accessor=lambda r: len(r.worker_ids)),
        Column("error", gettext_lazy("错误"), accessor=lambda r: r.exception_class_path),
        Column("detail", gettext_lazy("详情"), export=False,
               accessor=lambda r: format_html('<a href="{}">{}</a>', reverse("ops:job_detail", args=[r.pk]), _("查看"))),
    ]

    def get_extra_context(self):
        base = reverse("ops:job_list")
        return {
            "counts": [(status, label, selectors.queue_counts()[status], f"{base}?status={status}",
                        STATUS_COLORS[status]) for status, label in TaskResultStatus.choices],
            "schedule": selectors.schedule_with_last_runs(),
            "catalogue": selectors.job_catalogue(),
        }


class JobDetail(JobMixin, View):
    def get(self, request, pk):
        row = self.get_object(pk=pk)
        return render(request, "ops/job_detail.html", {"row": row, "attempts": len(row.worker_ids),
                                                        "may_retry": row.status == TaskResultStatus.FAILED})


class JobRetry(JobMixin, View):
    def post(self, request, pk):
        row = self.get_object(pk=pk)
        try:
            job_retry(actor=request.user, job_id=row.pk)
        except DomainError as exc:
            record_refusal(exc)
            messages.error(request, exc.message)
            return render(request, "ops/job_detail.html", {"row": row, "attempts": len(row.worker_ids)},
                          status=exc.status_code)
        messages.success(request, _("已重新加入队列。"))
        return redirect("ops:job_detail", pk=row.pk)
