"""Staff pages of the appeals ledger: dashboard, ledger (filters + export), appeal page with its workflow,
registration, the audited reveal of one personal value, categories. Thin: services and selectors do the work."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.scope import visible_to
from core import errors
from core.tables import Column, choice_badge
from core.views import ObjectEditView, ObjectListView, form_error_status
from enterprises.models import Visit
from items.kit import ItemDetailView
from items.models import ItemState, Light
from items.selectors import timeline

from . import filters, forms, selectors, services
from .models import Appeal, AppealCategory, Level, Outcome, RoutingRule, Satisfaction
from .privacy import is_complained_party, may_see_requester, requester_value


class _RequesterColumn(Column):
    """A requester column: masked for everyone in lists and exports (revealing is a per-value action on the
    appeal page), withheld entirely from the complained-about unit."""

    def raw(self, obj, user=None):
        return requester_value(user, obj, self.name)


class AppealList(ObjectListView):
    queryset = Appeal.objects.select_related("category", "lead_unit", "area", "complained_unit")
    filterset = filters.AppealFilter
    title = gettext_lazy("诉求工单台账")
    export_name = "诉求工单台账"
    add_url = None
    default_ordering = ("-created_at", "-pk")
    columns = [
        Column("number", gettext_lazy("编号"), link=True, orderable="number"),
        Column("title", gettext_lazy("标题")),
        Column("channel", gettext_lazy("来源渠道"), accessor=lambda a: a.get_channel_display()),
        Column("category", gettext_lazy("类别"), accessor="category.name"),
        _RequesterColumn("requester_name", gettext_lazy("诉求人")),
        _RequesterColumn("requester_phone", gettext_lazy("联系电话")),
        Column("lead_unit", gettext_lazy("责任单位"), accessor="lead_unit.name"),
        Column("state", gettext_lazy("状态"), badge=choice_badge("state", ItemState),
               accessor=lambda a: a.get_state_display()),
        Column("light", gettext_lazy("亮灯"), badge=choice_badge("light", Light), accessor=lambda a: a.get_light_display()),
        Column("created_at", gettext_lazy("受理时间"), accessor=lambda a: timezone.localtime(a.created_at).date(),
               orderable="created_at"),
        Column("due_date", gettext_lazy("办结期限"), orderable="due_date"),
        Column("closed_at", gettext_lazy("办结日期"),
               accessor=lambda a: timezone.localtime(a.closed_at).date() if a.closed_at else None),
        Column("on_time", gettext_lazy("按期"), accessor=lambda a: a.closed_on_time),
        Column("level", gettext_lazy("事权"), accessor=lambda a: a.get_level_display()),
        Column("outcome", gettext_lazy("办理结果"), accessor=lambda a: a.get_outcome_display()),
        Column("satisfaction", gettext_lazy("满意度"), accessor=lambda a: a.get_satisfaction_display()),
    ]

    def get_extra_context(self):
        return {"breadcrumbs": [(_("诉求看板"), reverse("appeals:dashboard"))]}

    def get(self, request, *args, **kwargs):
        self.add_url = reverse("appeals:appeal_add")
        return super().get(request, *args, **kwargs)


class AppealDetail(ItemDetailView):
    """The work order's page and its workflow forms (items.kit): the kit renders, runs the action and maps
    the refusal; the appeal adds its panels — the requester (masked, audited reveal, withheld from the
    complained-about unit), the reply, extensions, instructions — and its own inputs (outcome, reply
    pre-filled from the category's template, rating, lead unit) through AppealActionForm."""

    model = Appeal
    template_name = "appeals/appeal_detail.html"
    related = ("category", "category__parent", "lead_unit", "area", "owning_body", "enterprise", "complained_unit",
               "assignee", "responsible_leader", "parent", "created_by")
    form_classes = dict.fromkeys(forms.APPEAL_ACTION_FIELDS, forms.AppealActionForm)
    revealed = ()  # the requester fields revealed by this request (RevealView)

    def get_extra_context(self, appeal):
        user = self.request.user
        requester = [
            {"field": f, "label": label, "value": requester_value(user, appeal, f, revealed=f in self.revealed),
             "revealed": f in self.revealed,
             "may_reveal": may_see_requester(user, appeal) and f not in self.revealed and bool(getattr(appeal, f))}
            for f, label in (("requester_name", _("诉求人")), ("requester_phone", _("联系电话")),
                             ("requester_id_number", _("身份证号码")), ("requester_address", _("联系地址")))
        ]
        choice_labels = {"outcome": dict(Outcome.choices), "satisfaction": dict(Satisfaction.choices),
                         "level": dict(Level.choices)}
        rows = list(timeline(appeal))
        for row in rows:  # the appeal's own lines of the timeline (appeals/_timeline_extra.html)
            for key, names in choice_labels.items():
                setattr(row, f"{key}_label", names.get((row.data or {}).get(key), ""))
        return {
            "appeal": appeal, "timeline": rows, "requester": requester,
            "complained": is_complained_party(user, appeal),
            "extensions": appeal.extensions.select_related("requested_by", "decided_by"),
            "instructions": appeal.instructions.select_related("leader", "replied_by"),
            "action_url": reverse("appeals:appeal_action", args=[appeal.pk]),  # also from the reveal page
            "report_allowed": False,  # work orders run on their SLA, not on 旬 reports (KindSpec.dekad_reports)
        }


class RevealView(AppealDetail):
    """显示 one personal value: an explicit POST, written to the audit log (action "reveal"; a refusal too)."""

    http_method_names = ["post", "options"]

    def post(self, request, pk, action=None):
        appeal = self.get_object(pk)
        field = request.POST.get("field", "")
        try:
            services.reveal_personal(actor=request.user, appeal=appeal, field=field)
        except ValidationError:
            return HttpResponseBadRequest(_("无效的字段。"))
        except errors.NotFound as exc:
            raise Http404 from exc
        except errors.DomainError as exc:
            messages.error(request, exc.message)
            return self.render_page(appeal, status=exc.status_code)
        self.revealed = (field,)
        return self.render_page(appeal)


class AppealCreate(LoginRequiredMixin, View):
    template_name = "appeals/appeal_form.html"

    def get(self, request):
        """Pre-filled from the query string: the enterprise page links here with ?visit=<id> (走访收集的诉求)."""
        initial = {"dispatch": True}
        visit_id = request.GET.get("visit", "")
        visit = (visible_to(request.user, Visit.objects.select_related("enterprise")).filter(pk=int(visit_id)).first()
                 if visit_id.isdigit() else None)
        if visit is not None:
            initial.update(visit=visit.pk, enterprise=visit.enterprise_id, channel="enterprise",
                           area=visit.enterprise.area_id, location=visit.enterprise.address)
        return render(request, self.template_name, {"form": forms.AppealForm(initial=initial, user=request.user),
                                                    "title": _("登记诉求"), "visit": visit})

    def post(self, request):
        form = forms.AppealForm(request.POST, user=request.user)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                appeal = services.appeal_create(
                    actor=request.user, title=data.pop("title"), description=data.pop("description"),
                    category=data.pop("category"), channel=data.pop("channel"), lead_unit=data.pop("lead_unit"),
                    area=data.pop("area"), dispatch=data.pop("dispatch"),
                    **{k: v for k, v in data.items() if v not in (None, "")})
            except (ValidationError, errors.DomainError) as exc:
                status = form_error_status(form, exc)  # the service's status: 400, 403, 409 …
            else:
                messages.success(request, _("诉求已登记：%(n)s") % {"n": appeal.number})
                return redirect(appeal.get_absolute_url())
        return render(request, self.template_name, {"form": form, "title": _("登记诉求")}, status=status)


class Dashboard(LoginRequiredMixin, View):
    """诉求看板: volume by channel and category, on-time rate by unit (with its formula), overdue list,
    satisfaction, enterprise appeals — every number a link to its rows in the ledger."""

    def get(self, request):
        qs = selectors.appeals_visible(request.user)
        f = filters.AppealFilter(request.GET or None, queryset=qs, request=request)
        if f.is_bound and f.is_valid():
            qs = f.qs
        params = {k: v for k, v in request.GET.items() if k in f.filters and k != "figure" and v}
        data = selectors.figures(qs, params=params)
        by_channel = selectors.volume_by(qs, "channel", selectors.channel_labels(), params=params)
        by_unit = selectors.on_time_by_unit(qs, params=params)
        chart_data = {
            "channel": {"title": _("按来源渠道"), "labels": [r["label"] for r in by_channel],
                        "values": [r["count"] for r in by_channel], "links": [r["link"] for r in by_channel]},
            "unit": {"title": _("各单位按期办结率（%）"), "labels": [r["unit"] for r in by_unit],
                     "values": [r["rate"].percent for r in by_unit], "links": [r["link"] for r in by_unit]},
        }
        return render(request, "appeals/dashboard.html", {
            "title": _("诉求看板"), "filter": f, **data, "chart_data": chart_data,
            "by_channel": by_channel,
            "by_category": selectors.volume_by(qs, "category", dict(AppealCategory.objects.values_list("pk", "name")),
                                               params=params),
            "by_unit": by_unit,
            "avg_by_category": selectors.average_close_days(qs, "category__name"),
            "avg_by_unit": selectors.average_close_days(qs, "lead_unit__name"),
            "overdue": selectors.overdue_list(qs),
            "enterprise": selectors.enterprise_summary(qs, params=params),
            "satisfaction_rows": selectors.volume_by(qs.exclude(satisfaction=""), "satisfaction",
                                                     dict(Satisfaction.choices), params=params),
            "outcome_rows": selectors.volume_by(qs.exclude(outcome=""), "outcome", dict(Outcome.choices),
                                                params=params),
        })


class CategoryEdit(ObjectEditView):
    queryset = AppealCategory.objects.all()
    form_class = forms.CategoryForm
    title = gettext_lazy("诉求类别")

    def save(self, form, instance):
        return services.category_save(actor=self.request.user, category=instance, data=dict(form.cleaned_data),
                                      expected_version=form.cleaned_data.get("version"))


class RoutingRuleList(ObjectListView):
    queryset = RoutingRule.objects.select_related("category", "area", "lead_unit")
    title = gettext_lazy("派单规则")
    columns = [
        Column("category", gettext_lazy("诉求类别"), accessor="category.name", link=True),
        Column("area", gettext_lazy("属地"), accessor=lambda r: r.area.name if r.area_id else _("全区")),
        Column("lead_unit", gettext_lazy("建议责任单位"), accessor="lead_unit.name"),
    ]
    default_ordering = ("category__sort_order", "area__path")

    def get(self, request, *args, **kwargs):
        self.add_url = reverse("appeals:routing_add")
        return super().get(request, *args, **kwargs)


class RoutingRuleEdit(ObjectEditView):
    queryset = RoutingRule.objects.all()
    form_class = forms.RoutingRuleForm
    title = gettext_lazy("派单规则")

    def save(self, form, instance):
        return services.routing_rule_save(actor=self.request.user, rule=instance, data=dict(form.cleaned_data))


class CategoryList(ObjectListView):
    queryset = AppealCategory.objects.select_related("parent")
    filterset = filters.CategoryFilter
    title = gettext_lazy("诉求类别与办理时限")
    columns = [
        Column("name", gettext_lazy("类别"), link=True),
        Column("code", gettext_lazy("编码")),
        Column("parent", gettext_lazy("上级类别"), accessor="parent.name"),
        Column("sign_days", gettext_lazy("签收时限(工作日)"), accessor=lambda c: c.effective("sign_days")),
        Column("finish_days", gettext_lazy("办结时限(工作日)"), accessor=lambda c: c.effective("finish_days")),
        Column("clock_start", gettext_lazy("计时起点"), accessor=lambda c: c.get_clock_start_display()),
        Column("pause_states", gettext_lazy("暂停计时状态")),
        Column("is_public", gettext_lazy("对公众开放")),
    ]
    default_ordering = ("sort_order", "pk")

    def get(self, request, *args, **kwargs):
        self.add_url = reverse("appeals:category_add")
        return super().get(request, *args, **kwargs)


__all__ = ["AppealList", "AppealDetail", "RevealView", "AppealCreate", "Dashboard", "CategoryList"]
