"""Supervision pages: thin views over supervision.selectors (reads) and supervision.services / perform (writes).

Objects are fetched through the selectors (scoped): outside the user's scope a page answers 404. A refused
action (DomainError / ValidationError) comes back as the page with the message and the service's status
(`core.views.form_error_status`: 400, 403, 409, 428), never a 500. The finding's page and its workflow forms
are a declaration on the item-kind kit (`items.kit.ItemDetailView`); the filter sets live in filters.py and
are the API's too.
"""
from __future__ import annotations

import copy
import datetime

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.services import require_version
from core.tables import Column, choice_badge
from core.views import ObjectListView, form_error_status
from items.kit import ItemDetailView
from items.models import ItemState, Light

from . import forms, selectors, services
from .bulletins import figure_rows
from .filters import FindingFilter, InspectionFilter, NoticeFilter
from .models import (
    RANKING_PARTS,
    BulletinState,
    Finding,
    Inspection,
    InspectionState,
    InspectionType,
    NoticeLevel,
    NoticeState,
    RankingFormula,
    Severity,
    SupervisionNotice,
)


def _refused(exc):
    """A refusal on a page without a form of its own: its messages and status, mapped by the one mapper
    (`core.views.form_error_status`, which also writes a refusal's pending audit row)."""
    form = django_forms.Form({})
    form.is_valid()
    status = form_error_status(form, exc)
    return _errors_of(form), status


def _errors_of(form):
    return [str(e) for errors in form.errors.values() for e in errors]


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
                                                            "count": 4, "version": schedule.version})}

    def get(self, request):
        return render(request, "supervision/this_week.html", self.context(request))

    def post(self, request):
        _require_supervisor(request)
        form = forms.ScheduleForm(request.POST)
        if not form.is_valid():
            return render(request, "supervision/this_week.html", self.context(request, form), status=400)
        schedule = services.default_schedule()
        try:
            schedule = services.schedule_update(actor=request.user, schedule=schedule,
                                                expected_version=form.cleaned_data["version"],
                                                weekday=form.cleaned_data["weekday"], type=form.cleaned_data["type"])
            planned = services.schedule_plan(actor=request.user, schedule=schedule,
                                             count=form.cleaned_data.get("count") or 4)
        except (DomainError, ValidationError) as exc:
            status = form_error_status(form, exc)
            return render(request, "supervision/this_week.html", self.context(request, form), status=status)
        messages.success(request, _("督查日已保存，新安排 %(n)s 次督查。") % {"n": len(planned)})
        return redirect("supervision:this_week")


# ------------------------------------------------------------------------------------ inspections

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
            status = form_error_status(form, exc)
            return render(request, "supervision/form.html", {"form": form, "title": _("登记督查")}, status=status)
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
            return self.render(request, obj, form, status=form_error_status(form, exc))
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
    """POST hold / write_up / photo / finding on an inspection: the form, the service, errors mapped once."""

    action_forms = {"hold": ("record_form", forms.RecordForm), "write_up": ("record_form", forms.RecordForm),
             "photo": ("photo_form", forms.PhotoForm), "finding": ("finding_form", forms.FindingForm)}

    def apply(self, request, obj, action, cd):
        """Run the action's service; the success message."""
        if action in ("hold", "write_up"):
            fn = services.inspection_hold if action == "hold" else services.inspection_write_up
            fn(actor=request.user, inspection=obj, expected_version=cd["version"], record=cd["record"])
            return _("已保存。")
        if action == "photo":
            services.inspection_add_photo(actor=request.user, inspection=obj, file=cd["file"], caption=cd["caption"])
            return _("照片已上传。")
        finding = services.finding_from_inspection(
            actor=request.user, inspection=obj, title=cd["title"], lead_unit=cd["lead_unit"],
            category=cd["category"], severity=cd["severity"], rectify_workdays=cd["rectify_workdays"],
            measures=cd["measures"], description=cd["description"], rectify_person=cd["rectify_person"])
        return _("督查问题 %(number)s 已登记并交办。") % {"number": finding.number}

    def post(self, request, pk, action):
        _require_supervisor(request)
        obj = _get(selectors.inspections_visible(request.user), pk)
        if action not in self.action_forms:
            raise Http404
        key, form_class = self.action_forms[action]
        form = form_class(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            try:
                message = self.apply(request, obj, action, form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                status = form_error_status(form, exc)
            else:
                messages.success(request, message)
                return redirect(obj.get_absolute_url())
        obj.refresh_from_db()
        if key == "record_form":  # keep the typed record; the next submit carries the version shown now
            form.data = form.data.copy()
            form.data["version"] = obj.version
        extra = {key: form, "open_finding": True} if key == "finding_form" else {key: form, "errors": _errors_of(form)}
        return render(request, "supervision/inspection_detail.html",
                      InspectionDetail().context(request, obj, **extra), status=status)


class InspectionPhotoDownload(LoginRequiredMixin, View):
    def get(self, request, pk):
        from .models import InspectionPhoto

        photo = _get(InspectionPhoto.objects.select_related("inspection"), pk)
        if not selectors.inspections_visible(request.user).filter(pk=photo.inspection_id).exists():
            raise Http404
        return _file_response(photo.file, photo.original_name, photo.content_type)


# ------------------------------------------------------------------------------------ findings (问题台账)

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


class FindingPage(ItemDetailView):
    """A finding's page and its workflow forms (items.kit): every action open to the user, 整改 with its
    before/after evidence (RectifyForm → services.finding_rectify), the others through perform(). The page
    URL and `findings/<pk>/do/<action>/` (POST only) are this one view."""

    model = Finding
    template_name = "supervision/finding_detail.html"
    related = ("lead_unit", "inspection", "source_item", "rectify_person", "verified_by", "assignee",
               "owning_body")
    form_classes = {"rectify": forms.RectifyForm}

    def get_queryset(self):
        return (selectors.findings_visible(self.request.user).select_related(*self.related)
                .prefetch_related(*self.prefetch))

    def perform_action(self, item, action, form):
        if action == "rectify":
            cd = form.cleaned_data
            return services.finding_rectify(actor=self.request.user, finding=item, expected_version=cd["version"],
                                            note=cd["note"], before=cd["before"], after=cd["after"],
                                            request_key=cd["request_key"])
        return super().perform_action(item, action, form)

    def get_extra_context(self, item):
        return {"finding": item, "evidence": list(selectors.evidence(item)),
                "notices": item.supervision_notices.all(), "can_supervise": services.may_supervise(self.request.user),
                # every panel posts to the page itself, also when the page answers a POST to do/<action>/
                "action_url": reverse("supervision:finding_detail", args=[item.pk])}


class FindingFromItem(LoginRequiredMixin, View):
    """转为督查问题: one action on any item (typically a red one)."""

    def item(self, request, pk):
        return _get(selectors.items_visible(request.user).select_related("lead_unit"), pk)

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
            status = form_error_status(form, exc)
            return render(request, "supervision/form.html", {"form": form, "title": title}, status=status)
        messages.success(request, _("已转为督查问题 %(number)s。") % {"number": finding.number})
        return redirect(finding.get_absolute_url())


# ------------------------------------------------------------------------------------ 督办单

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
        return _get(selectors.items_visible(request.user).select_related("lead_unit"), pk)

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
            status = form_error_status(form, exc)
            return render(request, "supervision/form.html", self.context(item, form), status=status)
        messages.success(request, _("督办单 %(number)s 已签发。") % {"number": notice.number})
        return redirect(notice.get_absolute_url())


class NoticeAction(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        notice = _get(selectors.notices_visible(request.user), pk)
        view = NoticeDetail()
        view.request = request
        if action == "deliver":
            try:
                services.notice_deliver(actor=request.user, notice=notice)
            except (DomainError, ValidationError) as exc:
                errors, status = _refused(exc)
                return view.get(request, pk, status=status, errors=errors)
        elif action == "reply":
            form = forms.ReplyForm(request.POST, request.FILES)
            if not form.is_valid():
                return view.get(request, pk, reply_form=form, status=400)
            try:
                services.notice_reply(actor=request.user, notice=notice, reply=form.cleaned_data["reply"],
                                      files=form.cleaned_data["files"])
            except (DomainError, ValidationError) as exc:
                status = form_error_status(form, exc)
                return view.get(request, pk, reply_form=form, status=status, errors=form.non_field_errors())
        else:
            raise Http404
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
            status = form_error_status(form, exc)
            return render(request, "supervision/form.html", {"form": form, "title": _("编制通报")}, status=status)
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
            version = require_version(request.POST.get("version"))  # missing → 428, not a number → 400
            if request.POST.get("formula"):
                formula = _get(RankingFormula.objects.all(), request.POST["formula"])
                services.bulletin_formula_change(actor=request.user, bulletin=bulletin, formula=formula,
                                                 expected_version=version)
                messages.success(request, _("排名公式已更换，预览已更新。"))
                return redirect(bulletin.get_absolute_url())
            services.bulletin_publish(actor=request.user, bulletin=bulletin, expected_version=version)
        except (DomainError, ValidationError) as exc:
            errors, status = _refused(exc)
            return BulletinDetail().get(request, pk, errors=errors, status=status)
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
                        pk__in=ids, item__in=selectors.items_visible(request.user)).select_related("item")]
        else:
            qs = selectors.items_visible(request.user).filter(pk__in=ids).select_related("lead_unit")
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
            services.ranking_formula_save(actor=request.user, formula=obj, **fields,
                                          expected_version=form.cleaned_data.get("version") if obj else None)
        except (DomainError, ValidationError) as exc:
            status = form_error_status(form, exc)
            return render(request, "supervision/form.html", {"form": form, "title": _("排名公式")}, status=status)
        messages.success(request, _("排名公式已保存。"))
        return redirect("supervision:bulletin_list")


