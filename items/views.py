"""Pages of the item engine: thin views over items.selectors (reads) and items.services.perform (writes).

Every item is fetched through selectors.items_visible(user): outside the user's scope it answers 404, on
the page, its timeline, its attachments and its export rows alike. Every action goes through one POST
URL (items:item_action) carrying the version the user saw and a request key made when the form was
rendered: a stale version answers 409 with the user's input kept, a repeated key does nothing twice.
"""
import calendar as pycalendar
import datetime

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import FileResponse, Http404, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.scope import user_scope
from core import errors
from core.views import ObjectListView, apply_form_errors, form_error_status
from org.models import Body, Unit
from org.selectors import mechanism_current

from . import calendar as workcal
from . import selectors, services, workflow
from .filters import ItemFilter
from .forms import CalendarDayForm, ReportForm, new_request_key
from .kinds import kind_spec
from .kit import ItemDetailView, safe_next
from .models import ExtensionRequest, Instruction, Item, Light, Notification, WorkCalendarDay
from .periods import current_period, period_of, previous_period
from .tables import ITEM_COLUMNS, ITEM_EXPORT_COLUMNS

LIGHT_RANK = Case(When(light=Light.RED, then=Value(0)), When(light=Light.YELLOW, then=Value(1)),
                  When(light=Light.GREEN, then=Value(2)), default=Value(3), output_field=IntegerField())


def _item_or_404(user, pk, *, related=True):
    qs = selectors.items_visible(user)
    if related:
        qs = qs.select_related("owning_body", "lead_unit", "area", "responsible_leader", "assignee", "parent",
                               "created_by").prefetch_related("co_units")
    try:
        return qs.get(pk=pk)
    except Item.DoesNotExist as exc:
        raise Http404 from exc


# ------------------------------------------------------------------ 事项总台账 (item list)


class ItemPageFilter(ItemFilter):
    """ItemFilter as the page shows it: states and lights as tap-friendly check buttons, the parent id hidden
    (it is set by the "分解交办的事项" link). Same filters, so the page, export and API agree."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        for name in ("state", "light"):
            if name in fields:
                fields[name].widget = django_forms.CheckboxSelectMultiple(choices=fields[name].choices)
        if "parent" in fields:
            fields["parent"].widget = django_forms.HiddenInput()
        if "q" in fields:
            fields["q"].widget.attrs.update({"placeholder": _("输入编号或标题"), "type": "search"})
        if "open" in fields:
            fields["open"].widget = django_forms.Select(
                choices=[("", _("全部")), ("true", _("仅未办结")), ("false", _("仅已办结"))],
                attrs={"class": "form-select form-select-sm"})
        for name in ("due_from", "due_to"):
            if name in fields:
                fields[name].widget.input_type = "date"


class ItemList(ObjectListView):
    """All items the user may see, across kinds: filters, sort, pages, htmx table, Excel of exactly this list.

    Besides ItemFilter the list understands the board's drill-down: `period` (a 旬's start date) with
    `report` = owing / reported / missing / late (and `lead_unit`) — the rows behind a figure on the
    submission board, through the board's own selector (selectors.submission_items).
    """

    queryset = Item.objects.all()
    template_name = "items/item_list.html"
    title = gettext_lazy("事项总台账")
    export_name = gettext_lazy("事项总台账")
    paginate_by = 30

    @property
    def columns(self):
        """The page shows ITEM_COLUMNS; the Excel export every column (ITEM_EXPORT_COLUMNS)."""
        return ITEM_EXPORT_COLUMNS if self.request.GET.get("export") == "xlsx" else ITEM_COLUMNS

    partial_template = "items/_item_table.html"
    filterset = ItemPageFilter

    def get_queryset(self, action=None):
        user = self.request.user
        self.board_filter = None
        status = self.request.GET.get("report")
        if status in BOARD_STATUSES:
            # The rows behind a figure of the submission board (same selector as the board itself).
            period = _period_from(self.request.GET.get("period"))
            qs = selectors.submission_items(period=period, user=user)
            qs = {"owing": qs, "reported": qs.filter(has_report=True), "missing": qs.filter(has_report=False),
                  "late": qs.filter(is_late_report=True)}[status]
            lead_unit = self.request.GET.get("lead_unit", "")
            if lead_unit.isdigit():
                qs = qs.filter(lead_unit_id=int(lead_unit))
            self.board_filter = {"period": period, "status": status, "label": BOARD_STATUSES[status]}
        else:
            qs = selectors.items_visible(user)
        # The list shows no description and only the co-units' names: leave the long text and the unit rows'
        # other columns in the database (docs/bench.md, case d).
        co_units = Prefetch("co_units", queryset=Unit.objects.only("id", "name", "short_name"))
        qs = qs.select_related("owning_body", "lead_unit", "area").prefetch_related(co_units).defer("description")
        if self.request.GET.get("sort", "").lstrip("-") == "light_rank":
            qs = qs.annotate(light_rank=LIGHT_RANK)
        return qs

    def get_extra_context(self):
        return {"board_filter": self.board_filter}


BOARD_STATUSES = {"owing": gettext_lazy("应报"), "reported": gettext_lazy("已报"),
                  "missing": gettext_lazy("未报"), "late": gettext_lazy("迟报")}


def _period_from(value, now=None):
    """The 旬 containing the date `value` (ISO), or the current 旬 when it is missing or invalid."""
    if value:
        try:
            return period_of(datetime.date.fromisoformat(value))
        except ValueError:
            pass
    return current_period(now or timezone.now())


# ------------------------------------------------------------------ item page and actions


class ItemDetail(ItemDetailView):
    """The item page of any kind (the generic one; a kind with its own page declares it on items.kit)."""

    def get_extra_context(self, item):
        return {
            "instructions": item.instructions.select_related("leader", "replied_by"),
            "extensions": item.extensions.select_related("requested_by", "decided_by"),
            "reports": item.reports.select_related("reported_by")[:12],
            "children": selectors.items_visible(self.request.user).filter(parent=item).select_related("lead_unit"),
            "kind_url": _kind_url(item),
        }


def _kind_url(item):
    """The kind's own page (重点任务 has milestones and targets), if the kind registered one."""
    spec = kind_spec(item.kind)
    if spec and spec.url_name:
        try:
            return reverse(spec.url_name, args=[item.pk])
        except NoReverseMatch:  # the kind's page is not wired (yet)
            return None
    return None


class ReportView(LoginRequiredMixin, View):
    """旬报 — the form is pre-filled with the last report ("fill once"): the unit types only what changed."""

    template_name = "items/report_form.html"

    def _context(self, item, form, **extra):
        period = current_period(timezone.now())
        last = item.reports.first()
        this_one = item.reports.filter(period_start=period.start).first()
        return {"item": item, "form": form, "period": period, "last": last, "this_one": this_one,
                "title": _("旬报：%(item)s") % {"item": item.title},
                "history": item.reports.select_related("reported_by")[:6], **extra}

    def _allowed(self, item, user):
        return any(t.action == "report" for t in workflow.available_actions(item, user))

    def _initial(self, item):
        initial = selectors.report_initial(item)  # the last report's values: fill once, change what moved
        initial.pop("figures", None)
        return {**initial, "version": item.version, "request_key": new_request_key()}

    def get(self, request, pk):
        item = _item_or_404(request.user, pk)
        if not self._allowed(item, request.user):
            return render(request, self.template_name, self._context(item, None, denied=True), status=403)
        return render(request, self.template_name, self._context(item, ReportForm(initial=self._initial(item))))

    def post(self, request, pk):
        item = _item_or_404(request.user, pk)
        form = ReportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self._context(item, form), status=400)
        try:
            services.perform(item, "report", request.user, form.cleaned_data["version"], **form.perform_kwargs())
        except ValidationError as exc:
            apply_form_errors(form, exc)
            return render(request, self.template_name, self._context(item, form), status=400)
        except errors.NotFound as exc:
            raise Http404 from exc
        except errors.DomainError as exc:
            fresh = _item_or_404(request.user, pk)
            data = form.data.copy()
            data["version"] = fresh.version
            data["request_key"] = new_request_key()
            form.data = data
            form.add_error(None, exc.message)
            return render(request, self.template_name, self._context(fresh, form), status=exc.status_code)
        messages.success(request, _("旬报已报送。"))
        return redirect(item.get_absolute_url())


class AttachmentDownload(LoginRequiredMixin, View):
    """An attachment, only through the permission check (404 outside the user's scope), never inline."""

    def get(self, request, pk):
        try:
            attachment = selectors.attachment_for_user(request.user, pk)
        except (errors.NotFound, errors.PermissionDenied) as exc:
            raise Http404 from exc
        if attachment is None:
            raise Http404
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404(_("文件已不存在。")) from exc
        response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                                content_type=attachment.content_type or "application/octet-stream")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# ------------------------------------------------------------------ 我的待办 (to-do list)

TODO_SECTIONS = [
    ("to_accept", gettext_lazy("待签收"), "inbox", gettext_lazy("交办给本单位、尚未签收的事项")),
    ("to_report", gettext_lazy("本旬待报送"), "pencil-square", gettext_lazy("本旬还未报送进展的事项")),
    ("to_review", gettext_lazy("待审核"), "clipboard-check", gettext_lazy("已提交、等待您审核的事项")),
    ("overdue", gettext_lazy("已逾期"), "alarm", gettext_lazy("超过办理期限仍未办结")),
    ("instructions_awaiting_reply", gettext_lazy("待回复批示"), "chat-quote", gettext_lazy("领导批示尚未回复")),
    ("extensions_to_decide", gettext_lazy("待审批延期"), "calendar-plus", gettext_lazy("责任单位提出的延期申请")),
]
TODO_LIMIT = 20


class TodoView(LoginRequiredMixin, View):
    def get(self, request):
        today = timezone.localdate()
        todo = selectors.todo_for(request.user, today)
        counts = selectors.todo_counts(request.user, today)
        request.user.todo_counts_now = counts  # the sidebar badge reuses them instead of counting again
        sections = []
        for key, label, icon, help_text in TODO_SECTIONS:
            rows = todo.get(key)
            if rows is None:
                continue
            rows = list(rows[:TODO_LIMIT + 1]) if hasattr(rows, "__getitem__") else list(rows)[:TODO_LIMIT + 1]
            sections.append({"key": key, "label": label, "icon": icon, "help": help_text,
                             "rows": [_todo_row(r, key) for r in rows[:TODO_LIMIT]], "more": len(rows) > TODO_LIMIT,
                             "count": counts.get(key, len(rows))})
        sections.sort(key=lambda s: not s["rows"])  # what waits first; empty sections at the end
        return render(request, "items/todo.html", {
            "title": _("我的待办"), "sections": sections, "today": today,
            "period": current_period(timezone.now()), "total": sum(len(s["rows"]) for s in sections)})


def _todo_row(row, key):
    """A to-do row: its item, where the link goes (the report form for "to report") and a line of detail.
    Sections hold items, instructions (批示) or extension requests (延期)."""
    if isinstance(row, Instruction):
        item, extra = row.item, _("批示：%(text)s（%(due)s 前回复）") % {"text": row.text[:40], "due": row.reply_due}
    elif isinstance(row, ExtensionRequest):
        item, extra = row.item, _("申请延至 %(due)s") % {"due": row.requested_due}
    else:
        item, extra = row, ""
    url = reverse("items:report" if key == "to_report" else "items:item_detail", args=[item.pk])
    return {"item": item, "url": url, "extra": extra}


# ------------------------------------------------------------------ 报送看板 (submission board)


class BoardView(LoginRequiredMixin, View):
    """Per unit: how many items owe this 旬's report, reported, missing, late — each figure links to its rows
    in the item list. Everything is scoped by the user's data scope; a leader sees every unit, a town its own
    units, a task-force member the units working on its body's items."""

    def get(self, request):
        user = request.user
        scope = user_scope(user)
        bodies = _board_bodies(user)
        body = None
        body_id = request.GET.get("body", "")
        if body_id.isdigit():
            body = next((b for b in bodies if b.pk == int(body_id)), None)
        period = _period_from(request.GET.get("period"))
        base = {"period": period.start.isoformat()}
        if body is not None:
            base["body"] = body.pk
        # A unit's staff (no seat in a body, no district-wide scope) see their own unit and the units below it.
        restricted = not scope.everything and not scope.body_ids
        if restricted and not user.unit_id:
            rows = []
        else:
            unit = user.unit if restricted else None
            if unit is not None:
                base["unit"] = unit.pk  # ItemFilter.unit: the unit and below, as submission_board(unit=…)
            rows = selectors.submission_board(body=body, unit=unit, period=period, user=user)
        for row in rows:
            # each figure links to exactly its rows: the same selector, this lead unit only
            row["cells"] = _board_cells(row, {**base, "lead_unit": row["unit_id"]})
            row["rate"] = round(100 * row["reported"] / row["owing"]) if row["owing"] else None
        totals = {key: sum(r[key] for r in rows) for key in BOARD_STATUSES}
        return render(request, "items/board.html", {
            "title": _("报送看板"), "rows": rows, "bodies": bodies, "body": body, "period": period,
            "periods": _recent_periods(12), "statuses": list(BOARD_STATUSES.items()),
            "total_cells": _board_cells(totals, base),
            "total_rate": round(100 * totals["reported"] / totals["owing"]) if totals["owing"] else None,
        })


def _board_cells(row, params):
    cells = []
    for key in BOARD_STATUSES:
        query = QueryDict(mutable=True)
        query.update({**params, "report": key})
        cells.append({"key": key, "value": row[key], "url": f"{reverse('items:item_list')}?{query.urlencode()}"})
    return cells


def _recent_periods(n):
    """This 旬 and the n-1 before it, newest first (the board's period select)."""
    periods = [current_period(timezone.now())]
    while len(periods) < n:
        periods.append(previous_period(periods[-1]))
    return periods


def _board_bodies(user):
    """The bodies offered in the board's select: the bodies of the current mechanism."""
    mechanism = mechanism_current()
    if mechanism is None:
        return []
    return list(Body.objects.filter(mechanism=mechanism).order_by("sort_order", "pk"))


# ------------------------------------------------------------------ 消息 (notifications)


class NotificationList(LoginRequiredMixin, View):
    def get(self, request):
        qs = Notification.objects.filter(user=request.user).select_related("item")
        only_unread = request.GET.get("unread") == "1"
        if only_unread:
            qs = qs.filter(read_at__isnull=True)
        page = Paginator(qs, 30).get_page(request.GET.get("page"))
        unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        return render(request, "items/notifications.html", {
            "title": _("消息"), "page": page, "unread": unread, "only_unread": only_unread})

    def post(self, request):
        """Mark one (`id`) or all notifications read; only the user's own."""
        qs = Notification.objects.filter(user=request.user, read_at__isnull=True)
        pk = request.POST.get("id")
        if pk:
            if not pk.isdigit():
                return HttpResponseBadRequest(_("参数错误。"))
            qs = qs.filter(pk=int(pk))
        count = qs.update(read_at=timezone.now())
        if not pk:
            messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": count})
        nxt = safe_next(request, reverse("items:notifications"))
        return redirect(nxt)


class NotificationOpen(LoginRequiredMixin, View):
    """Open a notification: mark it read and go to its item (only the user's own notifications)."""

    def get(self, request, pk):
        try:
            note = Notification.objects.get(pk=pk, user=request.user)
        except Notification.DoesNotExist as exc:
            raise Http404 from exc
        if note.read_at is None:
            Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
        if note.item_id:
            return redirect(reverse("items:item_detail", args=[note.item_id]))
        return redirect(reverse("items:notifications"))


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count() or None


# ------------------------------------------------------------------ 工作日历 (working-day calendar)


class CalendarView(LoginRequiredMixin, View):
    """A year of the working-day calendar: holidays and 调休 working days; administrators edit it."""

    template_name = "items/calendar.html"

    def _year(self, request):
        value = request.GET.get("year") or request.POST.get("year") or ""
        year = int(value) if value.isdigit() else timezone.localdate().year
        return min(max(year, 2000), 2100)

    def _may_edit(self, user):
        return workflow.is_admin(user) or user.has_perm("items.change_workcalendarday")

    def _render(self, request, year, form, status=200):
        days = {d.date: d for d in WorkCalendarDay.objects.filter(date__year=year)}
        today = timezone.localdate()
        cal = pycalendar.Calendar(firstweekday=0)
        months = []
        for month in range(1, 13):
            weeks = []
            for week in cal.monthdatescalendar(year, month):
                cells = []
                for d in week:
                    exception = days.get(d)
                    if d.month != month:
                        kind = "pad"
                    elif exception is not None:
                        kind = "work" if exception.is_workday else "holiday"
                    else:
                        kind = "weekend" if d.weekday() >= 5 else "day"
                    cells.append({"date": d, "kind": kind, "name": exception.name if exception else "",
                                  "today": d == today})
                weeks.append(cells)
            months.append({"month": month, "weeks": weeks})
        return render(request, self.template_name, {
            "title": _("工作日历"), "year": year, "months": months,
            "exceptions": sorted(days.values(), key=lambda d: d.date),
            "form": form, "may_edit": self._may_edit(request.user),
            "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        }, status=status)

    def get(self, request):
        year = self._year(request)
        return self._render(request, year, CalendarDayForm(initial={"date": datetime.date(year, 1, 1)}))

    def post(self, request):
        year = self._year(request)
        if not self._may_edit(request.user):
            raise errors_403()
        if request.POST.get("seed"):
            try:
                n = workcal.calendar_seed_year(actor=request.user, year=year)
            except NotImplementedError:
                messages.error(request, _("chinese-calendar 尚未收录 %(year)s 年的节假日安排，请手工录入。") % {"year": year})
                return redirect(f"{reverse('items:calendar')}?year={year}")
            except errors.DomainError as exc:
                messages.error(request, exc.message)
                return redirect(f"{reverse('items:calendar')}?year={year}")
            messages.success(request, _("已导入 %(year)s 年的 %(n)s 个节假日和调休日。") % {"year": year, "n": n})
            return redirect(f"{reverse('items:calendar')}?year={year}")
        form = CalendarDayForm(request.POST)
        if not form.is_valid():
            return self._render(request, year, form, status=400)
        cd = form.cleaned_data
        try:
            workcal.calendar_day_set(actor=request.user, date=cd["date"], is_workday=cd["is_workday"], name=cd["name"])
        except (ValidationError, errors.DomainError) as exc:
            return self._render(request, year, form, status=form_error_status(form, exc))
        messages.success(request, _("已保存 %(date)s。") % {"date": cd["date"]})
        return redirect(f"{reverse('items:calendar')}?year={cd['date'].year}")


def errors_403():
    from django.core.exceptions import PermissionDenied

    return PermissionDenied(_("只有系统管理员可以修改工作日历。"))

