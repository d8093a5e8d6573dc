"""Pages of the enterprise database: thin views over enterprises.services and enterprises.selectors."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.personal import shown
from accounts.scope import can, get_scoped_or_404, visible_to
from core.errors import DomainError
from core.tables import Column, choice_badge
from core.views import ObjectDetailView, ObjectEditView, ObjectListView, form_error_status
from org.models import Area

from . import filters, forms, selectors, services
from .models import Enterprise, EnterpriseScale, Visit


class EnterpriseList(ObjectListView):
    queryset = Enterprise.objects.select_related("area", "unit")
    filterset = filters.EnterpriseFilter
    title = gettext_lazy("企业库")
    export_name = "企业库"
    add_url = reverse_lazy("enterprises:enterprise_add")
    columns = [
        Column("name", gettext_lazy("企业名称"), link=True, orderable="name"),
        Column("credit_code", gettext_lazy("统一社会信用代码"), orderable="credit_code"),
        Column("industry", gettext_lazy("行业"), accessor=lambda e: e.get_industry_display()),
        Column("scale", gettext_lazy("规模"), badge=choice_badge("scale", EnterpriseScale),
               accessor=lambda e: e.get_scale_display()),
        Column("area", gettext_lazy("所在区划"), accessor="area.name"),
        Column("building", gettext_lazy("楼宇/载体")),
        Column("contact_name", gettext_lazy("联系人"), personal="name"),
        Column("contact_phone", gettext_lazy("联系电话"), personal="phone"),
        Column("tags", gettext_lazy("标签")),
    ]
    default_ordering = ("name", "pk")


class EnterpriseDetail(ObjectDetailView):
    queryset = Enterprise.objects.select_related("area", "unit")
    template_name = "enterprises/enterprise_detail.html"

    def get_extra_context(self, obj):
        user = self.request.user
        visits = visible_to(user, obj.visits.all()).prefetch_related("cadres").select_related("unit")
        appeals = []
        related = getattr(obj, "appeals", None)  # appeals.Appeal.enterprise (appeals depends on us, not back)
        if related is not None:
            appeals = visible_to(user, related.all()).select_related("lead_unit").order_by("-pk")[:100]
        return {
            "title": obj.name,
            "contact_name": shown(user, obj, "contact_name"),
            "contact_phone": shown(user, obj, "contact_phone"),
            "visits": visits,
            "pairings": visible_to(user, obj.pairings.all()).select_related("person", "person__unit").order_by("-year"),
            "appeals": appeals,
            "may_change": can(user, obj, "change"),
            "visit_form": forms.VisitForm(user=user),
            "pairing_form": forms.PairingForm(),
        }


class EnterpriseEdit(ObjectEditView):
    queryset = Enterprise.objects.all()
    form_class = forms.EnterpriseForm
    title = gettext_lazy("企业")

    def save(self, form, instance):
        data = dict(form.cleaned_data)
        if instance is None:
            return services.enterprise_create(actor=self.request.user, data=data)
        return services.enterprise_update(actor=self.request.user, enterprise=instance, data=data,
                                          expected_version=data.pop("version", None))


class _EnterpriseAction(LoginRequiredMixin, View):
    """A form of the enterprise page (走访, 包联): the service's refusal answers with its own status (400 bad
    input, 403 not allowed, 409 …), the page again with the user's input kept."""

    form_key = None

    def post(self, request, pk):
        enterprise = get_scoped_or_404(request.user, Enterprise.objects.all(), pk=pk)
        form = self.make_form(request)
        status = 400
        if form.is_valid():
            try:
                self.apply(request, enterprise, form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                status = form_error_status(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(enterprise.get_absolute_url())
        detail = EnterpriseDetail()
        detail.request = request
        context = {"object": enterprise, **detail.get_extra_context(enterprise), self.form_key: form}
        return render(request, "enterprises/enterprise_detail.html", context, status=status)


class VisitAdd(_EnterpriseAction):
    form_key = "visit_form"

    def make_form(self, request):
        return forms.VisitForm(request.POST, user=request.user)

    def apply(self, request, enterprise, data):
        services.visit_create(actor=request.user, enterprise=enterprise, date=data["date"],
                              cadres=data["cadres"], findings=data["findings"])


class PairingAdd(_EnterpriseAction):
    form_key = "pairing_form"

    def make_form(self, request):
        return forms.PairingForm(request.POST)

    def apply(self, request, enterprise, data):
        services.pairing_create(actor=request.user, person=data["person"], enterprise=enterprise, year=data["year"])


class VisitList(ObjectListView):
    queryset = Visit.objects.select_related("enterprise", "unit", "enterprise__area").prefetch_related("cadres")
    filterset = filters.VisitFilter
    title = gettext_lazy("走访记录")
    columns = [
        Column("date", gettext_lazy("走访日期"), orderable="date"),
        Column("enterprise", gettext_lazy("企业"), accessor="enterprise.name", link=True),
        Column("area", gettext_lazy("所在区划"), accessor="enterprise.area.name"),
        Column("unit", gettext_lazy("走访单位"), accessor="unit.name"),
        Column("cadres", gettext_lazy("走访干部"), accessor="cadres"),
        Column("findings", gettext_lazy("走访情况")),
        Column("appeals_raised", gettext_lazy("收集诉求数")),
    ]
    default_ordering = ("-date", "-pk")


class CoverageView(LoginRequiredMixin, View):
    """扫楼扫街 progress by area (and by building inside one area), each number linking to its rows."""

    def get(self, request):
        try:
            year = int(request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        area = None
        if request.GET.get("area"):
            try:
                area = Area.objects.get(pk=int(request.GET["area"]))
            except (ValueError, Area.DoesNotExist) as exc:
                raise Http404 from exc
        data = selectors.coverage(user=request.user, year=year, area=area)
        return render(request, "enterprises/coverage.html", {
            "title": _("扫楼扫街进度"), "year": year, "area": area, **data,
            "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
            "up": (reverse("enterprises:coverage") + f"?year={year}" +
                   (f"&area={area.parent_id}" if area and area.parent and area.parent.depth > 0 else "")) if area else "",
        })
