"""Key-task pages: the ledger (任务台账, with Excel export of exactly the filtered list), the new-task form
with milestones and bulk 交办 to several units, and the task page — the kind's page declared on items.kit
(target, measures, milestones, the units of a bulk 交办, and the workflow actions with the timeline)."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.tables import Column
from core.views import ObjectListView, form_error_status
from items.kit import ItemDetailView
from items.tables import BadgeColumn
from items.templatetags.item_tags import light_badge_html, state_badge_html

from . import selectors, services
from .filters import KeyTaskFilter
from .forms import MilestoneFormSet, TaskForm, task_bodies
from .models import KeyTask, Milestone


def _short(obj):
    return (obj.short_name or obj.name) if obj is not None else ""


def _milestones(task):
    total = getattr(task, "ms_total", None)
    if total is None:
        return ""
    return f"{task.ms_done}/{total}" if total else "—"


TASK_COLUMNS = [
    Column("number", gettext_lazy("编号"), link=True, orderable="number"),
    Column("title", gettext_lazy("任务名称"), link=True, orderable="title"),
    Column("owning_body", gettext_lazy("所属专班"), accessor=lambda t: _short(t.owning_body)),
    Column("lead_unit", gettext_lazy("责任单位"),
           accessor=lambda t: _short(t.lead_unit) if t.lead_unit_id else _("专班统筹"), orderable="lead_unit__name"),
    Column("due_date", gettext_lazy("办理期限"), orderable="due_date"),
    BadgeColumn("light", gettext_lazy("红黄绿灯"), accessor=lambda t: t.get_light_display(), orderable="light",
                render=lambda t: light_badge_html(t.light, t.light_reason)),
    BadgeColumn("state", gettext_lazy("状态"), accessor=lambda t: t.get_state_display(), orderable="state",
                render=lambda t: state_badge_html(t.state)),
    Column("progress_percent", gettext_lazy("进度(%)"), orderable="progress_percent"),
    Column("milestones", gettext_lazy("节点完成"), accessor=_milestones),
]


class TaskList(ObjectListView):
    """任务台账 — every key task the user may see."""

    queryset = KeyTask.objects.all()
    template_name = "tasks/task_list.html"
    filterset = KeyTaskFilter
    columns = TASK_COLUMNS
    title = gettext_lazy("重点任务台账")
    export_name = gettext_lazy("重点任务台账")
    paginate_by = 30

    def get_queryset(self, action=None):
        return selectors.task_list(self.request.user)

    def get_extra_context(self):
        may_create = task_bodies(self.request.user).exists()
        return {"new_url": reverse("tasks:task_create") if may_create else None}


class TaskCreate(LoginRequiredMixin, View):
    """新建重点任务: one unit → one task; several units → 批量交办 (parent + one child per unit). The form
    offers the bodies the user may 交办 for; tasks.services decides (a refusal answers 403 and is audited)."""

    template_name = "tasks/task_form.html"

    def _render(self, request, form, formset, status=200):
        return render(request, self.template_name, {"form": form, "formset": formset, "title": _("新建重点任务")},
                      status=status)

    def get(self, request):
        if not task_bodies(request.user).exists():
            raise DjangoPermissionDenied(_("只有专班调度人员、区领导或系统管理员可以新建重点任务。"))
        return self._render(request, TaskForm(user=request.user), MilestoneFormSet(prefix="ms"))

    def post(self, request):
        form = TaskForm(request.POST, user=request.user)
        formset = MilestoneFormSet(request.POST, prefix="ms")
        if not (form.is_valid() and formset.is_valid()):
            return self._render(request, form, formset, status=400)
        d = form.cleaned_data
        milestones = [(f.cleaned_data["title"], f.cleaned_data["due_date"]) for f in formset.forms
                      if f.cleaned_data.get("title")]
        common = dict(actor=request.user, title=d["title"], owning_body=d["owning_body"], due_date=d["due_date"],
                      target=d["target"], measures=d["measures"], milestones=milestones,
                      responsible_leader=d["responsible_leader"], target_value=d["target_value"],
                      target_unit=d["target_unit"], supervision_level=d["supervision_level"])
        units = list(d["units"])
        try:
            if len(units) > 1:
                task, children = services.task_assign_bulk(units=units, **common)
                messages.success(request, _("已批量交办给%(n)s个单位。") % {"n": len(children)})
            else:
                task = services.task_create(lead_unit=units[0], co_units=list(d["co_units"]), **common)
                messages.success(request, _("已交办：%(number)s") % {"number": task.number})
        except (ValidationError, DomainError) as exc:
            return self._render(request, form, formset, status=form_error_status(form, exc))
        return redirect(task.get_absolute_url())


class TaskDetail(ItemDetailView):
    """The key task's page, declared on items.kit: its target, measures, milestones and the units of a bulk
    交办 beside the workflow actions (items/_actions.html), the 旬报 and the timeline. GET renders; POST runs
    one workflow action through items.services.perform() (the kind's own approve row: tasks.workflow)."""

    model = KeyTask
    template_name = "tasks/task_detail.html"
    related = ("owning_body", "lead_unit", "area", "responsible_leader", "assignee", "parent", "created_by")
    prefetch = ("co_units", "milestones")

    def get_extra_context(self, task):
        user = self.request.user
        children = list(selectors.task_children(user, task))
        return {
            "task": task,
            "milestones": list(task.milestones.all()),
            "children": children,
            "rollup": selectors.children_progress(user, task) if children else None,
            "may_update_milestones": services.may_update_milestones(user, task),
            "reports": task.reports.select_related("reported_by")[:12],
            "extensions": task.extensions.select_related("requested_by", "decided_by"),
            "instructions": task.instructions.select_related("leader", "replied_by"),
        }


class MilestoneComplete(LoginRequiredMixin, View):
    """POST: mark a milestone done (or not done with undo=1). A refusal is audited by the service."""

    def post(self, request, pk):
        try:
            milestone = selectors.milestones_visible(request.user).get(pk=pk)
        except Milestone.DoesNotExist as exc:
            raise Http404 from exc
        try:
            services.milestone_complete(actor=request.user, milestone=milestone, undo=request.POST.get("undo") == "1")
        except DomainError as exc:
            if exc.status_code == 403:
                raise DjangoPermissionDenied(str(exc.message)) from exc
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("节点已更新。"))
        return redirect(reverse("tasks:task_detail", args=[milestone.task_id]))
