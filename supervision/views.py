"""Supervision pages: thin views over supervision.selectors (reads) and supervision.services / perform (writes).

Objects are fetched through the selectors (scoped): outside the user's scope a page answers 404. A refused
action (DomainError / ValidationError) comes back as the page with the message and a 4xx status, never a 500.
"""
from __future__ import annotations

import datetime

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.filters import StyledFilterSet
from core.services import TRUSTED
from core.tables import Column, choice_badge
from core.views import ObjectListView
from items.models import ItemState, Light
from items.workflow import available_actions

from . import forms, selectors, services
from .bulletins import figure_rows
from .models import (
    RANKING_PARTS,
    BulletinState,
    Finding,
    FindingCategory,
    Inspection,
    InspectionState,
    InspectionType,
    NoticeLevel,
    NoticeState,
    RankingFormula,
    Severity,
    SupervisionNotice,
)

OWN_ACTIONS = ("rectify", "verify", "fail_verification", "review_again")
# shared actions that need only a note: offered on the finding page too; the rest live on the item page
PAGE_ACTIONS = ("accept", *OWN_ACTIONS, "urge", "escalate", "comment")


def _messages_of(exc):
    if isinstance(exc, DomainError):
        return [str(exc.message)]
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def _status_of(exc):
    return exc.status_code if isinstance(exc, DomainError) else 400


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc


def _require_supervisor(request):
    if not services.may_supervise(request.user):
        raise Http404  # the page does not exist for units: no hint


def _file_response(field, filename, content_type):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404(_("文件已不存在。")) from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ------------------------------------------------------------------------------------ dashboard

class DashboardView(LoginRequiredMixin, View):
    def get(self, request):
        data = selectors.dashboard(request.user)
        recent = selectors.bulletins_visible(request.user).filter(state=BulletinState.PUBLISHED)[:5]
        red_items = selectors.red_items(request.user) if services.may_supervise(request.user) else []
        rows = data["by_unit"][:15]
        chart = {"units": [r["lead_unit__short_name"] or r["lead_unit__name"] for r in rows], "series": [
            {"name": _("整改中"), "color": "#0d6efd", "data": [r["open"] - r["rectified"] for r in rows]},
            {"name": _("待核验"), "color": "#ffc107", "data": [r["rectified"] for r in rows]},
            {"name": _("已销号"), "color": "#198754", "data": [r["struck_off"] for r in rows]},
        ]}
        return render(request, "supervision/dashboard.html", {
            "title": _("督查总览"), "d": data, "recent_bulletins": recent, "chart": chart,
            "red_items": red_items,
            "can_supervise": services.may_supervise(request.user)})


class ThisWeekView(LoginRequiredMixin, View):
    """本周督查日: what is planned this week, what was found; supervisors plan the coming 督查日 here."""

    def context(self, request, form=None):
        day = request.GET.get("day")
        try:
            today = datetime.date.fromisoformat(day) if day else None
        except ValueError:
            today = None
        schedule = services.default_schedule()
        data = selectors.this_week(request.user, today)
        return {"title": _("本周督查日"), "w": data, "schedule": schedule,
                "prev_week": data["start"] - datetime.timedelta(days=7),
                "next_week": data["start"] + datetime.timedelta(days=7),
                "upcoming": selectors.inspections_visible(request.user).filter(
                    date__gt=data["end"], state=InspectionState.PLANNED).order_by("date")[:6],
                "can_supervise": services.may_supervise(request.user),
                "form": form or forms.ScheduleForm(initial={"weekday": schedule.weekday, "type": schedule.type,
                                                            "count": 4})}

    def get(self, request):
        return render(request, "supervision/this_week.html", self.context(request))

    def post(self, request):
        _require_supervisor(request)
        form = forms.ScheduleForm(request.POST)
        if not form.is_valid():
            return render(request, "supervision/this_week.html", self.context(request, form), status=400)
        schedule = services.default_schedule()
        try:
            schedule = services.schedule_update(actor=request.user, schedule=schedule, expected_version=None,
                                                weekday=form.cleaned_data["weekday"], type=form.cleaned_data["type"])
            planned = services.schedule_plan(actor=request.user, schedule=schedule,
                                             count=form.cleaned_data.get("count") or 4)
        except (DomainError, ValidationError) as exc:
            for m in _messages_of(exc):
                form.add_error(None, m)
            return render(request, "supervision/this_week.html", self.context(request, form),
                          status=_status_of(exc))
        messages.success(request, _("督查日已保存，新安排 %(n)s 次督查。") % {"n": len(planned)})
        return redirect("supervision:this_week")


# ------------------------------------------------------------------------------------ inspections

class InspectionFilter(StyledFilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=gettext_lazy("日期从"),
                                          widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=gettext_lazy("日期至"),
                                        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    type = django_filters.ChoiceFilter(choices=InspectionType.choices, label=gettext_lazy("督查方式"))
    state = django_filters.ChoiceFilter(choices=InspectionState.choices, label=gettext_lazy("状态"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("主题"))

    class Meta:
        model = Inspection
        fields = []



class InspectionList(ObjectListView):
    queryset = Inspection.objects.all()
    filterset = InspectionFilter
    title = gettext_lazy("督查记录")
    template_name = "supervision/inspection_list.html"
    columns = [
        Column("date", gettext_lazy("日期"), orderable="date"),
        Column("title", gettext_lazy("督查主题"), link=True),
        Column("type", gettext_lazy("方式"), accessor="get_type_display"),
        Column("state", gettext_lazy("状态"), badge=choice_badge("state", InspectionState)),
        Column("target_units", gettext_lazy("督查对象")),
        Column("n_findings", gettext_lazy("发现问题"), orderable="n_findings"),
    ]
    default_ordering = ("-date", "-id")

    def get_queryset(self, action=None):
        from django.db.models import Count

        return (selectors.inspections_visible(self.request.user).prefetch_related("target_units")
                .annotate(n_findings=Count("findings", distinct=True)))

    def get_extra_context(self):
        return {"can_supervise": services.may_supervise(self.request.user)}


class InspectionCreate(LoginRequiredMixin, View):
    def get(self, request):
        _require_supervisor(request)
        form = forms.InspectionForm(initial={"date": timezone.localdate(), "type": InspectionType.ONSITE},
                                    user=request.user)
        return render(request, "supervision/form.html", {"form": form, "title": _("登记督查")})

    def post(self, request):
        _require_supervisor(request)
        form = forms.InspectionForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, "supervision/form.html", {"form": form, "title": _("登记督查")}, status=400)
        cd = form.cleaned_data
        try:
            obj = services.inspection_create(
                actor=request.user, date=cd["date"], type=cd["type"], title=cd["title"], team=cd["team"],
                target_units=cd["target_units"], target_items=cd["target_items"], record=cd["record"],
                state=InspectionState.HELD if cd["held"] else InspectionState.PLANNED)
        except (DomainError, ValidationError) as exc:
            for m in _messages_of(exc):
                form.add_error(None, m)
            return render(request, "supervision/form.html", {"form": form, "title": _("登记督查")},
                          status=_status_of(exc))
        messages.success(request, _("督查已登记。"))
        return redirect(obj.get_absolute_url())


class InspectionEdit(LoginRequiredMixin, View):
    """Change an inspection's date, type, title, team, targets or record (CAS on the version)."""

    def obj(self, request, pk):
        _require_supervisor(request)
        return _get(selectors.inspections_visible(request.user), pk)

    def render(self, request, obj, form, status=200):
        return render(request, "supervision/form.html", {"form": form, "title": _("修改督查"), "object": obj},
                      status=status)

    def get(self, request, pk):
        obj = self.obj(request, pk)
        form = forms.InspectionEditForm(initial={
            "version": obj.version, "date": obj.date, "type": obj.type, "title": obj.title, "record": obj.record,
            "target_units": list(obj.target_units.all()), "team": list(obj.team.all()),
            "target_items": " ".join(i.number for i in obj.target_items.all())}, user=request.user)
        return self.render(request, obj, form)

    def post(self, request, pk):
        obj = self.obj(request, pk)
        form = forms.InspectionEditForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(request, obj, form, status=400)
        cd = dict(form.cleaned_data)
        version = cd.pop("version")
        cd.pop("held", None)
        try:
            services.inspection_update(actor=request.user, inspection=obj, expected_version=version, **cd)
        except (DomainError, ValidationError) as exc:
            for m in _messages_of(exc):
                form.add_error(None, m)
            return self.render(request, obj, form, status=_status_of(exc))
        messages.success(request, _("已保存。"))
        return redirect(obj.get_absolute_url())


class InspectionDetail(LoginRequiredMixin, View):
    def context(self, request, obj, **extra):
        can = services.may_supervise(request.user)
        ctx = {
            "title": str(obj), "object": obj, "can_supervise": can,
            "findings": selectors.findings_visible(request.user).filter(inspection=obj).select_related("lead_unit"),
            "photos": obj.photos.all(),
            "target_items": selectors.inspection_target_items(request.user, obj),
            "record_form": forms.RecordForm(initial={"version": obj.version, "record": obj.record}),
            "photo_form": forms.PhotoForm(),
            "finding_form": forms.FindingForm(initial={"rectify_workdays": 10}),
        }
        ctx.update(extra)
        return ctx

    def get(self, request, pk):
        obj = _get(selectors.inspections_visible(request.user).prefetch_related("team", "target_units"), pk)
        return render(request, "supervision/inspection_detail.html", self.context(request, obj))


class InspectionAction(LoginRequiredMixin, View):
    """POST hold / write_up / photo / finding on an inspection."""

    def post(self, request, pk, action):
        _require_supervisor(request)
        obj = _get(selectors.inspections_visible(request.user), pk)
        view = InspectionDetail()
        try:
            if action in ("hold", "write_up"):
                form = forms.RecordForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("请检查填写的内容。"))
                fn = services.inspection_hold if action == "hold" else services.inspection_write_up
                fn(actor=request.user, inspection=obj, expected_version=form.cleaned_data["version"],
                   record=form.cleaned_data["record"])
                messages.success(request, _("已保存。"))
            elif action == "photo":
                form = forms.PhotoForm(request.POST, request.FILES)
                if not form.is_valid():
                    return render(request, "supervision/inspection_detail.html",
                                  view.context(request, obj, photo_form=form), status=400)
                services.inspection_add_photo(actor=request.user, inspection=obj, file=form.cleaned_data["file"],
                                              caption=form.cleaned_data["caption"])
                messages.success(request, _("照片已上传。"))
            elif action == "finding":
                form = forms.FindingForm(request.POST)
                if not form.is_valid():
                    return render(request, "supervision/inspection_detail.html",
                                  view.context(request, obj, finding_form=form, open_finding=True), status=400)
                cd = form.cleaned_data
                finding = services.finding_from_inspection(
                    actor=request.user, inspection=obj, title=cd["title"], lead_unit=cd["lead_unit"],
                    category=cd["category"], severity=cd["severity"], rectify_workdays=cd["rectify_workdays"],
                    measures=cd["measures"], description=cd["description"], rectify_person=cd["rectify_person"])
                messages.success(request, _("督查问题 %(number)s 已登记并交办。") % {"number": finding.number})
            else:
                raise Http404
        except (DomainError, ValidationError) as exc:
            obj.refresh_from_db()
            return render(request, "supervision/inspection_detail.html",
                          view.context(request, obj, errors=_messages_of(exc)), status=_status_of(exc))
        return redirect(obj.get_absolute_url())


class InspectionPhotoDownload(LoginRequiredMixin, View):
    def get(self, request, pk):
        from .models import InspectionPhoto

        photo = _get(InspectionPhoto.objects.select_related("inspection"), pk)
        if not selectors.inspections_visible(request.user).filter(pk=photo.inspection_id).exists():
            raise Http404
        return _file_response(photo.file, photo.original_name, photo.content_type)


# ------------------------------------------------------------------------------------ findings (问题台账)

class FindingFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("关键词"))
    state = django_filters.ChoiceFilter(
        choices=[(s, ItemState(s).label) for s in (ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.RECTIFIED,
                                                   ItemState.STRUCK_OFF)], label=gettext_lazy("状态"))
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices, label=gettext_lazy("类别"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=gettext_lazy("严重程度"))
    lead_unit = django_filters.ModelChoiceFilter(queryset=lambda request: forms.active_units(),
                                                 label=gettext_lazy("整改单位"))
    light = django_filters.ChoiceFilter(choices=Light.choices, label=gettext_lazy("红黄绿灯"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=gettext_lazy("逾期未整改"),
                                           widget=django_filters.widgets.BooleanWidget())
    found_from = django_filters.DateFilter(field_name="found_on", lookup_expr="gte", label=gettext_lazy("发现日期从"),
                                           widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    found_to = django_filters.DateFilter(field_name="found_on", lookup_expr="lte", label=gettext_lazy("发现日期至"),
                                         widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Finding
        fields = []


    def search(self, qs, name, value):
        from django.db.models import Q

        return qs.filter(Q(title__icontains=value) | Q(number__icontains=value)) if value else qs

    def filter_overdue(self, qs, name, value):
        from items.models import OPEN_STATES

        if value is None:
            return qs
        cond = {"state__in": OPEN_STATES, "due_date__lt": timezone.localdate()}
        return qs.filter(**cond).exclude(state=ItemState.RECTIFIED) if value else qs.exclude(**cond)


def _state_badge(obj):
    return obj.get_state_display(), ItemState.color(obj.state)


def _light_badge(obj):
    return obj.get_light_display(), Light.color(obj.light)


FINDING_COLUMNS = [
    Column("number", gettext_lazy("编号"), link=True, orderable="number"),
    Column("title", gettext_lazy("问题"), link=True),
    Column("category", gettext_lazy("类别"), accessor="get_category_display"),
    Column("severity", gettext_lazy("严重程度"), badge=choice_badge("severity", Severity)),
    Column("lead_unit", gettext_lazy("整改单位"), orderable="lead_unit__path"),
    Column("found_on", gettext_lazy("发现日期"), orderable="found_on"),
    Column("due_date", gettext_lazy("整改期限"), orderable="due_date"),
    Column("state", gettext_lazy("状态"), badge=_state_badge, orderable="state"),
    Column("light", gettext_lazy("灯"), badge=_light_badge),
    Column("inspection", gettext_lazy("来源督查"), accessor=lambda o: str(o.inspection) if o.inspection_id else ""),
    Column("measures", gettext_lazy("整改要求"), export=True, accessor="measures"),
]


class FindingList(ObjectListView):
    queryset = Finding.objects.all()
    filterset = FindingFilter
    title = gettext_lazy("督查问题台账")
    export_name = gettext_lazy("督查问题台账")
    template_name = "supervision/finding_list.html"
    columns = FINDING_COLUMNS
    default_ordering = ("-found_on", "-pk")

    def get_queryset(self, action=None):
        return selectors.findings_visible(self.request.user).select_related("lead_unit", "inspection")


class FindingDetail(LoginRequiredMixin, View):
    def get(self, request, pk):
        finding = _get(selectors.findings_visible(request.user).select_related(
            "lead_unit", "inspection", "source_item", "rectify_person", "verified_by", "assignee"), pk)
        return render_finding(request, finding)


def render_finding(request, finding, *, failed=None, status=200):
    from items.selectors import timeline

    transitions = available_actions(finding, request.user)
    own = []
    for t in transitions:
        if t.action not in PAGE_ACTIONS:
            continue
        if failed and failed[0] == t.action:
            form = failed[1]
        else:
            form_class = forms.RectifyForm if t.action == "rectify" else forms.FindingActionForm
            form = form_class(initial={"version": finding.version}, prefix=t.action)
        own.append({"transition": t, "form": form, "open": bool(failed and failed[0] == t.action)})
    shared = [t for t in transitions if t.action not in PAGE_ACTIONS]
    evidence = list(selectors.evidence(finding))
    return render(request, "supervision/finding_detail.html", {
        "title": str(finding), "item": finding, "finding": finding, "own_actions": own, "shared_actions": shared,
        "evidence": evidence, "timeline": timeline(finding), "failed_message": failed[2] if failed else None,
        "notices": finding.supervision_notices.all(), "can_supervise": services.may_supervise(request.user),
    }, status=status)


class FindingActionView(LoginRequiredMixin, View):
    """POST one of the finding's own actions (整改 with files, 核验销号, 核验不通过, 回头看)."""

    def post(self, request, pk, action):
        from items.services import perform

        if action not in PAGE_ACTIONS:
            raise Http404
        finding = _get(selectors.findings_visible(request.user).select_related("lead_unit"), pk)
        form_class = forms.RectifyForm if action == "rectify" else forms.FindingActionForm
        form = form_class(request.POST, request.FILES, prefix=action)
        if not form.is_valid():
            return render_finding(request, finding, failed=(action, form, _("请检查填写的内容。")), status=400)
        cd = form.cleaned_data
        try:
            if action == "rectify":
                services.finding_rectify(actor=request.user, finding=finding, expected_version=cd["version"],
                                         note=cd["note"], before=cd["before"], after=cd["after"],
                                         request_key=cd["request_key"])
            else:
                perform(finding, action, request.user, cd["version"], note=cd["note"],
                        request_key=cd["request_key"])
        except (DomainError, ValidationError) as exc:
            message = "；".join(_messages_of(exc))
            form.add_error(None, message)
            finding = _get(selectors.findings_visible(request.user), pk)
            return render_finding(request, finding, failed=(action, form, message), status=_status_of(exc))
        messages.success(request, _("操作成功。"))
        return redirect("supervision:finding_detail", pk=pk)


class FindingFromItem(LoginRequiredMixin, View):
    """转为督查问题: one action on any item (typically a red one)."""

    def item(self, request, pk):
        from items.selectors import items_visible

        return _get(items_visible(request.user).select_related("lead_unit"), pk)

    def get(self, request, pk):
        _require_supervisor(request)
        item = self.item(request, pk)
        form = forms.FromItemForm(initial={"measures": _("请于期限内完成整改并上传佐证材料。")})
        return render(request, "supervision/form.html", {
            "form": form, "title": _("转为督查问题：%(item)s") % {"item": item}, "object": item})

    def post(self, request, pk):
        _require_supervisor(request)
        item = self.item(request, pk)
        form = forms.FromItemForm(request.POST)
        title = _("转为督查问题：%(item)s") % {"item": item}
        if not form.is_valid():
            return render(request, "supervision/form.html", {"form": form, "title": title}, status=400)
        try:
            finding = services.finding_from_item(actor=request.user, item=item, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            for m in _messages_of(exc):
                form.add_error(None, m)
            return render(request, "supervision/form.html", {"form": form, "title": title}, status=_status_of(exc))
        messages.success(request, _("已转为督查问题 %(number)s。") % {"number": finding.number})
        return redirect(finding.get_absolute_url())


# ------------------------------------------------------------------------------------ 督办单

class NoticeFilter(StyledFilterSet):
    level = django_filters.ChoiceFilter(choices=NoticeLevel.choices, label=gettext_lazy("督办等级"))
    state = django_filters.ChoiceFilter(choices=NoticeState.choices, label=gettext_lazy("状态"))
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))

    class Meta:
        model = SupervisionNotice
        fields = []



class NoticeList(ObjectListView):
    queryset = SupervisionNotice.objects.all()
    filterset = NoticeFilter
    title = gettext_lazy("督办单")
    columns = [
        Column("number", gettext_lazy("文号"), link=True, orderable="seq"),
        Column("level", gettext_lazy("督办等级"), badge=choice_badge("level", NoticeLevel)),
        Column("item", gettext_lazy("督办事项")),
        Column("unit", gettext_lazy("责任单位"), accessor="item.lead_unit"),
        Column("deadline", gettext_lazy("办理时限"), orderable="deadline"),
        Column("issued_on", gettext_lazy("签发日期"), orderable="issued_on"),
        Column("state", gettext_lazy("状态"), badge=choice_badge("state", NoticeState)),
    ]

    def get_queryset(self, action=None):
        return selectors.notices_visible(self.request.user).select_related("item", "item__lead_unit")


class NoticeDetail(LoginRequiredMixin, View):
    def get(self, request, pk, reply_form=None, status=200, errors=None):
        from items.workflow import roles_of

        notice = _get(selectors.notices_visible(request.user).select_related("item", "item__lead_unit"), pk)
        roles = roles_of(request.user, notice.item)
        return render(request, "supervision/notice_detail.html", {
            "title": str(notice), "notice": notice, "can_supervise": services.may_supervise(request.user),
            "can_reply": bool({"lead_unit", "assignee"} & roles) and notice.state != NoticeState.REPLIED,
            "reply_form": reply_form or forms.ReplyForm(), "errors": errors}, status=status)


class NoticeCreate(LoginRequiredMixin, View):
    def item(self, request, pk):
        from items.selectors import items_visible

        return _get(items_visible(request.user).select_related("lead_unit"), pk)

    def context(self, item, form):
        level, reason = services.notice_level_for(item)
        return {"form": form, "title": _("签发督办单：%(item)s") % {"item": item}, "object": item,
                "hint": _("按紧急程度建议：%(level)s（%(reason)s）") % {"level": NoticeLevel(level).label,
                                                                  "reason": reason}}

    def get(self, request, pk):
        _require_supervisor(request)
        item = self.item(request, pk)
        specific = item.specific
        form = forms.NoticeForm(initial={"problem": item.description or item.title,
                                         "measures": getattr(specific, "measures", ""),
                                         "deadline": item.due_date})
        return render(request, "supervision/form.html", self.context(item, form))

    def post(self, request, pk):
        _require_supervisor(request)
        item = self.item(request, pk)
        form = forms.NoticeForm(request.POST)
        if not form.is_valid():
            return render(request, "supervision/form.html", self.context(item, form), status=400)
        try:
            notice = services.notice_issue(actor=request.user, item=item, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            for m in _messages_of(exc):
                form.add_error(None, m)
            return render(request, "supervision/form.html", self.context(item, form), status=_status_of(exc))
        messages.success(request, _("督办单 %(number)s 已签发。") % {"number": notice.number})
        return redirect(notice.get_absolute_url())


class NoticeAction(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        notice = _get(selectors.notices_visible(request.user), pk)
        view = NoticeDetail()
        view.request = request
        try:
            if action == "deliver":
                services.notice_deliver(actor=request.user, notice=notice)
            elif action == "reply":
                form = forms.ReplyForm(request.POST, request.FILES)
                if not form.is_valid():
                    return view.get(request, pk, reply_form=form, status=400)
                services.notice_reply(actor=request.user, notice=notice, reply=form.cleaned_data["reply"],
                                      files=form.cleaned_data["files"])
            else:
                raise Http404
        except (DomainError, ValidationError) as exc:
            return view.get(request, pk, status=_status_of(exc), errors=_messages_of(exc))
        messages.success(request, _("已保存。"))
        return redirect(notice.get_absolute_url())


class NoticeDownload(LoginRequiredMixin, View):
    def get(self, request, pk):
        notice = _get(selectors.notices_visible(request.user), pk)
        if not notice.file:
            raise Http404
        return _file_response(notice.file, f"督办单{notice.number}.docx", DOCX)


# ------------------------------------------------------------------------------------ 通报

class BulletinList(LoginRequiredMixin, View):
    def get(self, request):
        qs = selectors.bulletins_visible(request.user).select_related("formula")
        return render(request, "supervision/bulletin_list.html", {
            "title": _("通报"), "bulletins": qs, "can_supervise": services.may_supervise(request.user),
            "formulas": RankingFormula.objects.all()})


class BulletinCreate(LoginRequiredMixin, View):
    def get(self, request):
        _require_supervisor(request)
        form = forms.BulletinForm(initial={"day": timezone.localdate(), "formula": services.default_formula()})
        return render(request, "supervision/form.html", {"form": form, "title": _("编制通报")})

    def post(self, request):
        _require_supervisor(request)
        form = forms.BulletinForm(request.POST)
        if not form.is_valid():
            return render(request, "supervision/form.html", {"form": form, "title": _("编制通报")}, status=400)
        cd = form.cleaned_data
        try:
            bulletin = services.bulletin_create(actor=request.user, start=cd["start"], end=cd["end"],
                                                formula=cd["formula"], period_kind=cd["period_kind"],
                                                title=cd["title"])
        except (DomainError, ValidationError) as exc:
            for m in _messages_of(exc):
                form.add_error(None, m)
            return render(request, "supervision/form.html", {"form": form, "title": _("编制通报")},
                          status=_status_of(exc))
        return redirect(bulletin.get_absolute_url())


class BulletinDetail(LoginRequiredMixin, View):
    """A draft shows the live figures (预览); a published bulletin its frozen snapshot. Every figure links
    to the rows behind it."""

    def get(self, request, pk, errors=None, status=200):
        bulletin = _get(selectors.bulletins_visible(request.user).select_related("formula", "published_by"), pk)
        snap = _with_links(bulletin, services.bulletin_preview(bulletin))
        return render(request, "supervision/bulletin_detail.html", {
            "title": bulletin.title, "bulletin": bulletin, "s": snap,
            "can_supervise": services.may_supervise(request.user), "errors": errors,
            "formulas": RankingFormula.objects.all()}, status=status)


def _with_links(bulletin, snap):
    """A copy of the figures where each carries the URL of the rows behind it."""
    import copy

    snap = copy.deepcopy(snap)

    def url(key):
        return reverse("supervision:bulletin_rows", args=[bulletin.pk, key])

    snap["links"] = {k: url(f"summary.{k}") for k in snap.get("summary", {})}
    for r in snap.get("by_unit", []):
        r["links"] = {k: url(f"unit.{r['unit_id']}.{k}") for k in ("total", "rectified", "struck_off", "overdue")}
    for r in snap.get("by_category", []):
        r["link"] = url(f"category.{r['code']}")
    for r in snap.get("ranking", []):
        r["cells"] = [(r["parts"][code], url(f"rank.{r['unit_id']}.{code}")) for code, _l, _s in RANKING_PARTS]
    snap["part_labels"] = [label for _c, label, _s in RANKING_PARTS]
    return snap


class BulletinPublish(LoginRequiredMixin, View):
    def post(self, request, pk):
        _require_supervisor(request)
        bulletin = _get(selectors.bulletins_visible(request.user), pk)
        try:
            if request.POST.get("formula"):
                formula = _get(RankingFormula.objects.all(), request.POST["formula"])
                if bulletin.is_published:
                    raise ValidationError(_("已发布的通报不能更换排名公式。"))
                bulletin.formula = formula
                from core.services import update_object

                update_object(bulletin, actor=request.user, changes={"formula": formula}, expected_version=TRUSTED)
                messages.success(request, _("排名公式已更换，预览已更新。"))
                return redirect(bulletin.get_absolute_url())
            services.bulletin_publish(actor=request.user, bulletin=bulletin,
                                      expected_version=request.POST.get("version") or None)
        except (DomainError, ValidationError) as exc:
            return BulletinDetail().get(request, pk, errors=_messages_of(exc), status=_status_of(exc))
        messages.success(request, _("通报已发布，数据已冻结。"))
        return redirect(bulletin.get_absolute_url())


class BulletinDownload(LoginRequiredMixin, View):
    """The stored Word/Excel of a published bulletin; a draft's are generated on the fly (preview)."""

    def get(self, request, pk, fmt):
        from .documents import bulletin_docx, bulletin_xlsx

        bulletin = _get(selectors.bulletins_visible(request.user), pk)
        if fmt not in ("docx", "xlsx"):
            raise Http404
        if bulletin.is_published:
            field = bulletin.docx if fmt == "docx" else bulletin.xlsx
            name = f"{bulletin.number}{'' if fmt == 'docx' else '附件'}.{fmt}"
            return _file_response(field, name, DOCX if fmt == "docx" else XLSX)
        data = services.bulletin_data(bulletin, services.bulletin_preview(bulletin))
        content = bulletin_docx(data) if fmt == "docx" else bulletin_xlsx(data)
        response = HttpResponse(content, content_type=DOCX if fmt == "docx" else XLSX)
        name = f"{_('预览')}-{bulletin.title}.{fmt}"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


ROW_LABELS = {"inspection": gettext_lazy("督查"), "finding": gettext_lazy("督查问题"),
              "item": gettext_lazy("事项"), "report": gettext_lazy("旬报")}


class BulletinRows(LoginRequiredMixin, View):
    """The rows behind one figure of a bulletin (the frozen ids of a published one)."""

    def get(self, request, pk, key):
        from items.models import ProgressReport
        from items.selectors import items_visible

        bulletin = _get(selectors.bulletins_visible(request.user), pk)
        snap = services.bulletin_preview(bulletin)
        found = figure_rows(snap, key)
        if found is None:
            raise Http404
        model, ids = found
        if model == "inspection":
            rows = [(o.get_absolute_url(), str(o), o.get_state_display(), "")
                    for o in selectors.inspections_visible(request.user).filter(pk__in=ids).order_by("date")]
        elif model == "report":
            rows = [(reverse("items:item_detail", args=[r.item_id]), str(r.item),
                     r.period_start.isoformat(), f"{r.percent}%")
                    for r in ProgressReport.objects.filter(
                        pk__in=ids, item__in=items_visible(request.user)).select_related("item")]
        else:
            qs = items_visible(request.user).filter(pk__in=ids).select_related("lead_unit")
            rows = [(reverse("supervision:finding_detail", args=[o.pk]) if o.kind == "finding"
                     else o.get_absolute_url(), str(o), o.get_state_display(), str(o.lead_unit or ""))
                    for o in qs.order_by("pk")]
        hidden = len(ids) - len(rows)
        return render(request, "supervision/bulletin_rows.html", {
            "title": _("通报数据明细"), "bulletin": bulletin, "rows": rows, "count": len(ids), "hidden": hidden,
            "model_label": ROW_LABELS.get(model, model), "key": key})


class FormulaEdit(LoginRequiredMixin, View):
    def get(self, request, pk=None):
        _require_supervisor(request)
        obj = _get(RankingFormula.objects.all(), pk) if pk else None
        return render(request, "supervision/form.html", {"form": forms.FormulaForm(instance=obj),
                                                         "title": _("排名公式")})

    def post(self, request, pk=None):
        _require_supervisor(request)
        obj = _get(RankingFormula.objects.all(), pk) if pk else None
        form = forms.FormulaForm(request.POST, instance=obj)
        if not form.is_valid():
            return render(request, "supervision/form.html", {"form": form, "title": _("排名公式")}, status=400)
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.ranking_formula_save(actor=request.user, formula=obj, **fields)
        except (DomainError, ValidationError) as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.error_dict.items():
                    for e in errs:
                        form.add_error(field if field in form.fields else None, e)
            else:
                for m in _messages_of(exc):
                    form.add_error(None, m)
            return render(request, "supervision/form.html", {"form": form, "title": _("排名公式")},
                          status=_status_of(exc))
        messages.success(request, _("排名公式已保存。"))
        return redirect("supervision:bulletin_list")


