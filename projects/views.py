"""Pages of 抓大引大: the project ledger (office layout, Excel export of exactly the filtered rows), the project
page (stage timeline, monthly investment chart), the 专班 dashboard, signing events, carriers and the carrier
map. Thin: reads through projects.selectors, writes through projects.services, every row fetched scoped."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.roles import dispatchable_bodies, may_dispatch
from accounts.scope import get_scoped_or_404, visible_to
from core import errors
from core.tables import Column, choice_badge
from core.views import ObjectDetailView, ObjectEditView, ObjectListView, form_error_status
from items.kit import ItemDetailView
from items.models import ItemState, Light
from org.models import Body

from . import selectors, services
from .filters import ProjectFilter
from .models import (
    STAGE_ORDER,
    Carrier,
    CarrierKind,
    InvestmentReport,
    Project,
    ProjectCategory,
    ProjectLevel,
    ProjectList,
    SigningEvent,
    SigningEventKind,
    Stage,
)


def figures_period(request):
    """(year, month) of the figures: ?year=&month= if given and valid, else the latest reported month up to
    the last completed one (so the demo's 2023 data shows without parameters)."""
    default_year, default_month = selectors.default_period()
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    try:
        month = int(request.GET.get("month") or 0)
    except ValueError:
        month = 0
    if not year:
        latest = (InvestmentReport.objects.filter(year__lte=default_year).aggregate(y=Max("year"))["y"])
        year = latest or default_year
    if not 1 <= month <= 12:
        if year == default_year:
            month = default_month
        else:
            month = InvestmentReport.objects.filter(year=year).aggregate(m=Max("month"))["m"] or 12
    return year, month


def _amount(field):
    def get(obj):
        return selectors.money(getattr(obj, field, None))

    return get


def _rate(obj):
    r = selectors.rate(getattr(obj, "done_amount", 0), getattr(obj, "plan_amount", 0))
    return f"{r}%" if r is not None else ""


class SeqColumn(Column):
    """序号: counts the rows as they are rendered (from the page's first row number)."""

    def __init__(self, start=0):
        super().__init__("seq", gettext_lazy("序号"), accessor=self.next_number)
        self.counter = start

    def next_number(self, obj):
        self.counter += 1
        return self.counter


def ledger_columns(start=0):
    """The office layout of 重大重点项目推进情况表; the light and stage columns are on the page only."""
    return [
        SeqColumn(start),
        Column("title", gettext_lazy("项目名称"), link=True, orderable="title"),
        Column("construction_content", gettext_lazy("建设内容")),
        Column("total_investment", gettext_lazy("总投资（万元）"), orderable="total_investment"),
        Column("plan_amount", gettext_lazy("年度计划投资（万元）"), accessor=_amount("plan_amount"),
               orderable="plan_amount"),
        Column("done_amount", gettext_lazy("累计完成投资（万元）"), accessor=_amount("done_amount"),
               orderable="done_amount"),
        Column("rate", gettext_lazy("完成率"), accessor=_rate),
        Column("image_progress", gettext_lazy("形象进度")),
        Column("lead_unit", gettext_lazy("责任单位"), orderable="lead_unit__path"),
        Column("responsible_leader", gettext_lazy("包保领导")),
        Column("problems", gettext_lazy("存在问题")),
        Column("current_stage", gettext_lazy("当前阶段"), accessor="get_current_stage_display", export=False),
        Column("light", gettext_lazy("红黄绿灯"), badge=choice_badge("light", Light), export=False),
    ]


class ProjectListView(ObjectListView):
    queryset = Project.objects.select_related("lead_unit", "responsible_leader", "owning_body")
    filterset = ProjectFilter
    template_name = "projects/project_list.html"
    default_ordering = ("-total_investment", "pk")
    columns = ledger_columns()

    def get_queryset(self, action=None):
        self.year, self.month = figures_period(self.request)
        return selectors.with_figures(super().get_queryset(action), self.year, self.month)

    def filtered(self):
        qs = super().filtered()
        if self.request.GET.get("export") == "xlsx":
            start = 0
        else:
            try:
                start = max(int(self.request.GET.get("page") or 1) - 1, 0) * self.paginate_by
            except ValueError:
                start = 0
        self.columns = ledger_columns(start)
        self.title = _("%(year)s年重大重点项目推进情况表（截至%(month)s月）") % {"year": self.year, "month": self.month}
        self.export_name = _("重大重点项目台账")
        return qs

    def get_extra_context(self):
        qs = self.filtered_for_total()
        fig = selectors.total(self.request.user, year=self.year, month=self.month, queryset=qs)
        return {"figure": fig, "year": self.year, "month": self.month,
                "may_create": project_bodies(self.request.user).exists(),
                "breadcrumbs": [(_("抓大引大"), reverse("projects:dashboard"))]}

    def filtered_for_total(self):
        qs = visible_to(self.request.user, Project.objects.all())
        if self.filter is not None and self.filter.is_bound and self.filter.is_valid():
            qs = self.filterset(self.request.GET, queryset=qs, request=self.request).qs
        return qs


def _project_or_404(user, pk):
    qs = Project.objects.select_related("lead_unit", "owning_body", "area", "responsible_leader", "carrier")
    return get_scoped_or_404(user, qs, pk=pk)


class ProjectDetailView(ItemDetailView):
    """The project's page, declared on items.kit: stage timeline, monthly investment chart, signings and funds
    beside the workflow actions (items/_actions.html) and the item timeline. POST: one workflow action."""

    model = Project
    template_name = "projects/project_detail.html"
    related = ("lead_unit", "owning_body", "area", "responsible_leader", "carrier", "assignee", "parent",
               "created_by")
    prefetch = ("co_units", "lists")

    def get_extra_context(self, obj):
        year, _month = figures_period(self.request)
        series = selectors.project_series(obj, year)
        stages = {s.stage: s for s in obj.stages.select_related("recorded_by", "evidence")}
        timeline = [{"stage": code, "label": Stage(code).label, "row": stages.get(code),
                     "current": obj.current_stage == code} for code in STAGE_ORDER]
        chart = {"months": [f"{r['month']}月" for r in series["rows"]],
                 "done": [float(r["done"]) if r["done"] is not None else None for r in series["rows"]],
                 "schedule": [float(r["schedule"]) if r["schedule"] is not None else None for r in series["rows"]],
                 "plan": float(series["plan"]) if series["plan"] is not None else None,
                 "labels": {"done": _("累计完成投资（万元）"), "schedule": _("序时进度（万元）"),
                            "plan": _("年度计划（万元）")}}
        latest = series["reports"][-1] if series["reports"] else None
        allocations = getattr(obj, "allocations", None)  # funds' reverse relation, when funds is installed
        return {
            "year": year, "series": series, "chart": chart, "stage_timeline": timeline, "latest": latest,
            "light_color": Light.color(obj.light), "state_color": ItemState.color(obj.state),
            "rate": selectors.rate(latest.cumulative_amount, series["plan"]) if latest and series["plan"] else None,
            "may_report": services.may_report(self.request.user, obj),
            "may_dispatch": may_dispatch(self.request.user, obj.owning_body),
            "signings": obj.signings.select_related("event"),
            "allocations": allocations.all() if allocations is not None else [],
            "lists": obj.lists.all(),
            "breadcrumbs": [(_("抓大引大"), reverse("projects:dashboard")),
                            (_("项目台账"), reverse("projects:project_list"))],
        }


# ------------------------------------------------------------------------------ forms (input only)

class InvestmentForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    month = forms.IntegerField(label=gettext_lazy("月份"), min_value=1, max_value=12,
                               widget=forms.NumberInput(attrs={"class": "form-control"}))
    cumulative_amount = forms.CharField(label=gettext_lazy("年度累计完成投资（万元）"), max_length=20,
                                        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
                                        help_text=gettext_lazy("本年1月至本月的累计数，单位：万元"))
    note = forms.CharField(label=gettext_lazy("说明"), required=False,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    correction_note = forms.CharField(label=gettext_lazy("更正说明"), required=False,
                                      widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
                                      help_text=gettext_lazy("累计数低于上月或修改已填报月份时必填"))
    image_progress = forms.CharField(label=gettext_lazy("形象进度"), required=False,
                                     widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    problems = forms.CharField(label=gettext_lazy("存在问题"), required=False,
                               widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    # the project's version the form showed: 形象进度/存在问题 change the project (compare-and-swap; missing → 428)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("阶段"), choices=Stage.choices,
                              widget=forms.Select(attrs={"class": "form-select"}))
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"class": "form-control",
                                                                                   "type": "date"}))
    note = forms.CharField(label=gettext_lazy("说明/佐证"), required=False,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    skip_reason = forms.CharField(label=gettext_lazy("跳过原因"), required=False,
                                  widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
                                  help_text=gettext_lazy("跳过前面尚未完成的阶段时必填"))


def project_bodies(user):
    """The bodies `user` may create projects and signing events for (accounts.roles.dispatchable_bodies)."""
    return dispatchable_bodies(user, Body.objects.select_related("mechanism").order_by("-mechanism__year",
                                                                                       "sort_order"))


class ProjectCreateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("项目名称"), max_length=200)
    owning_body = forms.ModelChoiceField(label=gettext_lazy("所属机构"), queryset=None)
    lists = forms.ModelMultipleChoiceField(label=gettext_lazy("所属清单"), required=False, queryset=None)
    category = forms.ChoiceField(label=gettext_lazy("项目类别"), choices=ProjectCategory.choices)
    lead_unit = forms.ModelChoiceField(label=gettext_lazy("责任单位"), queryset=None)
    responsible_leader = forms.ModelChoiceField(label=gettext_lazy("包保领导"), queryset=None, required=False)
    construction_content = forms.CharField(label=gettext_lazy("建设内容"), required=False, widget=forms.Textarea)
    total_investment = forms.CharField(label=gettext_lazy("总投资（万元）"), max_length=20)
    investor = forms.CharField(label=gettext_lazy("投资主体"), max_length=200, required=False)
    carrier = forms.ModelChoiceField(label=gettext_lazy("招商载体"), queryset=Carrier.objects.all(), required=False)
    plan_year = forms.IntegerField(label=gettext_lazy("计划年度"), min_value=2000, max_value=2100, required=False)
    planned_amount = forms.CharField(label=gettext_lazy("年度计划投资（万元）"), max_length=20, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from org.models import Person, Unit

        self.fields["owning_body"].queryset = project_bodies(user)
        self.fields["lists"].queryset = ProjectList.objects.all()
        self.fields["lead_unit"].queryset = Unit.objects.all()
        self.fields["responsible_leader"].queryset = Person.objects.all()
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["construction_content"].widget.attrs["rows"] = 3


class ProjectCreateView(ObjectEditView):
    """新建项目 — dispatchers of a body (the 抓大引大专班, the HQ) or administrators; 交办 to the unit at once."""

    queryset = Project.objects.all()
    form_class = ProjectCreateForm
    title = gettext_lazy("重大重点项目")
    success_message = gettext_lazy("项目已建立并交办责任单位。")

    def may_create(self):
        return project_bodies(self.request.user).exists()

    def form_kwargs(self, instance):
        return {"user": self.request.user, "initial": {"plan_year": timezone.localdate().year}}

    def save(self, form, instance):
        return services.project_create(actor=self.request.user, **form.cleaned_data)


class _ProjectFormView(LoginRequiredMixin, View):
    form_class = None
    template_name = "projects/project_form.html"
    title = ""

    def project(self, request, pk):
        project = _project_or_404(request.user, pk)
        if not services.may_report(request.user, project):
            raise errors.PermissionDenied(_("只有项目责任单位或本专班调度人员可以填报。"))
        return project

    def render_form(self, request, project, form, status=200):
        return render(request, self.template_name, {
            "form": form, "project": project, "title": self.title,
            "breadcrumbs": [(_("项目台账"), reverse("projects:project_list")), (project.title, project.get_absolute_url())],
            **self.extra(project)}, status=status)

    def extra(self, project):
        return {}

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except errors.PermissionDenied as exc:
            return render(request, "projects/denied.html", {"message": exc.message, "title": _("无权操作")},
                          status=403)

    def get(self, request, pk):
        project = self.project(request, pk)
        return self.render_form(request, project, self.form_class(initial=self.initial(project)))

    def post(self, request, pk):
        project = self.project(request, pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render_form(request, project, form, status=400)
        try:
            self.save(request, project, form.cleaned_data)
        except (ValidationError, errors.DomainError) as exc:
            status = form_error_status(form, exc)
            if status == 409 and "version" in form.fields:  # keep the input; the next submit carries the new version
                form.data = form.data.copy()
                form.data["version"] = Project.objects.values_list("version", flat=True).get(pk=project.pk)
            return self.render_form(request, project, form, status=status)
        messages.success(request, _("已保存。"))
        return redirect(project.get_absolute_url())


class InvestmentReportView(_ProjectFormView):
    """填报月度投资: the form is pre-filled with the next month to report and the last cumulative figure."""

    form_class = InvestmentForm
    title = gettext_lazy("填报月度投资完成情况")

    def initial(self, project):
        today = timezone.localdate()
        texts = {"image_progress": project.image_progress, "problems": project.problems, "version": project.version}
        last = InvestmentReport.objects.filter(project=project).order_by("-year", "-month").first()
        if last is None:
            return {"year": today.year, "month": max(today.month - 1, 1), **texts}
        year, month = (last.year, last.month + 1) if last.month < 12 else (last.year + 1, 1)
        if (year, month) > (today.year, today.month):
            year, month = last.year, last.month
        return {"year": year, "month": month, **texts,
                "cumulative_amount": last.cumulative_amount if year == last.year else ""}

    def extra(self, project):
        return {"reports": InvestmentReport.objects.filter(project=project).order_by("-year", "-month")[:12]}

    def save(self, request, project, data):
        services.monthly_update(actor=request.user, project=project, expected_version=data["version"],
                                year=data["year"], month=data["month"],
                                cumulative_amount=data["cumulative_amount"], note=data["note"],
                                correction_note=data["correction_note"], image_progress=data["image_progress"],
                                problems=data["problems"])


class StageRecordView(_ProjectFormView):
    form_class = StageForm
    title = gettext_lazy("记录项目阶段")

    def initial(self, project):
        nxt = STAGE_ORDER[project.stage_index + 1] if project.stage_index + 1 < len(STAGE_ORDER) else None
        return {"stage": nxt, "date": timezone.localdate()}

    def save(self, request, project, data):
        services.stage_record(actor=request.user, project=project, stage=data["stage"], date=data["date"],
                              note=data["note"], skip_reason=data["skip_reason"])


class AnnualPlanForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    planned_amount = forms.CharField(label=gettext_lazy("年度计划投资（万元）"), max_length=20,
                                     widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}))


class AnnualPlanView(_ProjectFormView):
    """下达年度计划: the 专班's dispatchers set (or change) a project's annual investment plan."""

    form_class = AnnualPlanForm
    title = gettext_lazy("下达年度投资计划")

    def project(self, request, pk):
        project = _project_or_404(request.user, pk)
        if not may_dispatch(request.user, project.owning_body):
            raise errors.PermissionDenied(_("只有本专班调度人员或系统管理员可以下达年度计划。"))
        return project

    def initial(self, project):
        year = timezone.localdate().year
        plan = project.plans.filter(year=year).first()
        return {"year": year, "planned_amount": plan.planned_amount if plan else ""}

    def extra(self, project):
        return {"plans": project.plans.order_by("-year")}

    def save(self, request, project, data):
        services.annual_plan_set(actor=request.user, project=project, year=data["year"],
                                 planned_amount=data["planned_amount"])


# ------------------------------------------------------------------------------ dashboard

class DashboardView(LoginRequiredMixin, View):
    """抓大引大专班 看板: the lists' figures (clickable), progress vs 序时进度, the signing funnel, lights by unit."""

    def get(self, request):
        year, month = figures_period(request)
        user = request.user
        levels = [selectors.level_figure(user, year=year, month=month, level=lv) for lv in ProjectLevel.values]
        progress = selectors.monthly_progress(user, year=year)
        funnel = selectors.signing_funnel(user, year=year)
        chart = {
            "months": [f"{m['month']}月" for m in progress["months"]],
            "share": [float(m["share"]) if m["share"] is not None else None for m in progress["months"]],
            "elapsed": [float(m["elapsed"]) for m in progress["months"]],
            "labels": {"share": _("投资完成进度（%）"), "elapsed": _("序时进度（%）")},
            "funnel": [{"name": s["label"], "value": s["count"], "url": s["url"]} for s in funnel["steps"]],
        }
        return render(request, "projects/dashboard.html", {
            "title": _("抓大引大专班看板"), "year": year, "month": month, "levels": levels,
            "by_unit": selectors.rollup(user, year=year, month=month, by="unit"),
            "by_list": selectors.rollup(user, year=year, month=month, by="list"),
            "by_area": selectors.rollup(user, year=year, month=month, by="area"),
            "funnel": funnel, "lights": selectors.lights_by_unit(user), "chart": chart,
            "events": selectors.events_with_counts(user, year),
            "carriers": selectors.carriers_summary(user),
        })


# ------------------------------------------------------------------------------ signing events

def _event_count(obj):
    return getattr(obj, "n", None)


class SigningEventListView(ObjectListView):
    queryset = SigningEvent.objects.select_related("owning_body")
    title = gettext_lazy("签约活动")
    default_ordering = ("-date", "pk")
    columns = [
        Column("date", gettext_lazy("活动日期"), orderable="date"),
        Column("name", gettext_lazy("活动名称"), link=True),
        Column("kind", gettext_lazy("活动类型"), badge=choice_badge("kind", SigningEventKind)),
        Column("place", gettext_lazy("地点")),
        Column("n", gettext_lazy("签约项目数"), accessor=_event_count),
        Column("amount", gettext_lazy("签约金额（万元）")),
    ]

    def get_queryset(self, action=None):
        visible = selectors.projects_visible(self.request.user).values("pk")
        from django.db.models import Count, Q, Sum

        return super().get_queryset(action).annotate(
            n=Count("signed", filter=Q(signed__project__in=visible)),
            amount=Sum("signed__amount", filter=Q(signed__project__in=visible)))

    def get_extra_context(self):
        return {"breadcrumbs": [(_("抓大引大"), reverse("projects:dashboard"))],
                "add_url": reverse("projects:event_add") if project_bodies(self.request.user).exists() else None}


class SigningEventDetailView(ObjectDetailView):
    queryset = SigningEvent.objects.select_related("owning_body")
    template_name = "projects/event_detail.html"

    def get_extra_context(self, obj):
        visible = selectors.projects_visible(self.request.user).values("pk")
        signed = obj.signed.filter(project__in=visible).select_related("project", "project__lead_unit")
        may_manage = may_dispatch(self.request.user, obj.owning_body)
        return {"signed": signed, "funnel": selectors.signing_funnel(self.request.user, event=obj),
                "signed_form": SignedProjectForm(user=self.request.user) if may_manage else None,
                "breadcrumbs": [(_("签约活动"), reverse("projects:event_list"))]}


class SigningEventForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("活动名称"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("活动类型"), choices=SigningEventKind.choices)
    date = forms.DateField(label=gettext_lazy("活动日期"), widget=forms.DateInput(attrs={"type": "date"}))
    owning_body = forms.ModelChoiceField(label=gettext_lazy("所属机构"), queryset=None)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    note = forms.CharField(label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owning_body"].queryset = project_bodies(user)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")


class SigningEventCreateView(ObjectEditView):
    """登记签约活动 — the 专班's dispatchers or administrators."""

    queryset = SigningEvent.objects.all()
    form_class = SigningEventForm
    title = gettext_lazy("签约活动")
    success_message = gettext_lazy("签约活动已登记，请逐个登记签约项目。")

    def may_create(self):
        return project_bodies(self.request.user).exists()

    def form_kwargs(self, instance):
        return {"user": self.request.user, "initial": {"date": timezone.localdate()}}

    def save(self, form, instance):
        return services.signing_event_create(actor=self.request.user, **form.cleaned_data)


class SignedProjectForm(forms.Form):
    project_number = forms.CharField(label=gettext_lazy("项目编号"), max_length=40,
                                     help_text=gettext_lazy("如 XM-2026-0003；项目须先在项目台账中建立。"))
    amount = forms.CharField(label=gettext_lazy("签约金额（万元）"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_project_number(self):
        number = self.cleaned_data["project_number"].strip().upper()
        project = selectors.projects_visible(self.user).filter(number=number).first()
        if project is None:
            raise forms.ValidationError(_("找不到项目 %(number)s（编号有误或不在您的数据范围内）。") % {"number": number})
        return project


class SignedProjectAddView(LoginRequiredMixin, View):
    """POST on an event's page: 登记签约项目 (project by number + amount)."""

    def post(self, request, pk):
        event = get_scoped_or_404(request.user, SigningEvent.objects.select_related("owning_body"), pk=pk)
        form = SignedProjectForm(request.POST, user=request.user)
        status = 400
        if form.is_valid():
            try:
                services.signed_project_add(actor=request.user, event=event, amount=form.cleaned_data["amount"],
                                            project=form.cleaned_data["project_number"])
                messages.success(request, _("签约项目已登记。"))
                return redirect(event.get_absolute_url())
            except (ValidationError, errors.DomainError) as exc:
                status = form_error_status(form, exc)
        detail = SigningEventDetailView(request=request)
        return render(request, detail.template_name,
                      {"object": event, **detail.get_extra_context(event), "signed_form": form}, status=status)


# ------------------------------------------------------------------------------ carriers

def _utilisation(obj):
    r = obj.utilisation_rate
    return f"{r}%" if r is not None else ""


class CarrierListView(ObjectListView):
    queryset = Carrier.objects.select_related("area", "managing_unit")
    title = gettext_lazy("招商载体")
    default_ordering = ("name", "pk")
    add_url = reverse_lazy("projects:carrier_add")
    columns = [
        Column("name", gettext_lazy("载体名称"), link=True, orderable="name"),
        Column("kind", gettext_lazy("类型"), badge=choice_badge("kind", CarrierKind)),
        Column("area", gettext_lazy("所在区划")),
        Column("theme", gettext_lazy("产业主题")),
        Column("total_area", gettext_lazy("总面积（平方米）")),
        Column("usable_area", gettext_lazy("可招商面积（平方米）")),
        Column("occupied_area", gettext_lazy("已入驻面积（平方米）")),
        Column("utilisation", gettext_lazy("利用率"), accessor=_utilisation),
        Column("tenants", gettext_lazy("入驻企业")),
        Column("managing_unit", gettext_lazy("管理单位")),
    ]

    def get_extra_context(self):
        return {"breadcrumbs": [(_("抓大引大"), reverse("projects:dashboard"))]}


class CarrierDetailView(ObjectDetailView):
    queryset = Carrier.objects.select_related("area", "managing_unit")
    template_name = "projects/carrier_detail.html"

    def get_extra_context(self, obj):
        projects = selectors.projects_visible(self.request.user).filter(carrier=obj).select_related("lead_unit")
        return {"projects": projects, "may_edit": services.may_manage_carrier(self.request.user, obj), "breadcrumbs": [(_("招商载体"), reverse("projects:carrier_list"))]}


class CarrierForm(forms.ModelForm):
    """Input only: the service cleans the amounts and checks who may."""

    total_area = forms.CharField(label=gettext_lazy("总面积（平方米）"), max_length=20)
    usable_area = forms.CharField(label=gettext_lazy("可招商面积（平方米）"), max_length=20)
    occupied_area = forms.CharField(label=gettext_lazy("已入驻面积（平方米）"), max_length=20)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Carrier
        fields = ["name", "kind", "area", "managing_unit", "address", "theme", "total_area", "usable_area",
                  "occupied_area", "tenants", "lng", "lat"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["tenants"].widget.attrs["rows"] = 3
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        pass  # model validation happens in projects.services.carrier_save


class CarrierEditView(LoginRequiredMixin, View):
    """新增/维护招商载体 (利用情况 每旬协调后更新): the managing unit or an administrator."""

    def carrier(self, request, pk):
        carrier = get_scoped_or_404(request.user, Carrier.objects.all(), pk=pk) if pk else None
        if not services.may_manage_carrier(request.user, carrier):
            raise Http404
        return carrier

    def render_form(self, request, form, carrier, status=200):
        return render(request, "core/object_edit.html", {
            "form": form, "object": carrier, "title": _("招商载体")},
            status=status)

    def get(self, request, pk=None):
        carrier = self.carrier(request, pk)
        return self.render_form(request, CarrierForm(instance=carrier), carrier)

    def post(self, request, pk=None):
        carrier = self.carrier(request, pk)
        form = CarrierForm(request.POST, instance=carrier)
        if not form.is_valid():
            return self.render_form(request, form, carrier, status=400)
        data = {name: form.cleaned_data[name] for name in CarrierForm.Meta.fields}
        try:
            saved = services.carrier_save(actor=request.user, carrier=carrier, data=data,
                                          expected_version=form.cleaned_data.get("version"))
        except (ValidationError, errors.DomainError) as exc:
            return self.render_form(request, form, carrier, status=form_error_status(form, exc))
        messages.success(request, _("已保存。"))
        return redirect(saved.get_absolute_url())


class CarrierMapView(LoginRequiredMixin, View):
    def get(self, request):
        points = selectors.map_points(request.user)
        points["labels"] = {"carriers": _("招商载体"), "projects": _("项目"), "rate": _("利用率")}
        return render(request, "projects/carrier_map.html", {
            "title": _("招商载体地图"), "points": points, "summary": selectors.carriers_summary(request.user),
            "breadcrumbs": [(_("招商载体"), reverse("projects:carrier_list"))]})
