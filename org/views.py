"""Pages of the organisation and mechanism: thin views over org.services and org.selectors."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import ports
from core.masking import mask
from core.tables import Column
from core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView, apply_form_errors

from . import filters, forms, selectors, services
from .models import Area, Body, BodyKind, Mechanism, Person, Seat, Unit

# ------------------------------------------------------------------ lists


class AreaList(ObjectListView):
    queryset = Area.objects.select_related("parent")
    filterset = filters.AreaFilter
    title = gettext_lazy("行政区划")
    add_url = reverse_lazy("org:area_add")
    columns = [
        Column("name", gettext_lazy("名称"), link=True, orderable="name"),
        Column("level", gettext_lazy("层级"), accessor=lambda a: a.get_level_display()),
        Column("code", gettext_lazy("区划代码")),
        Column("parent", gettext_lazy("上级区划"), accessor="parent.name"),
    ]
    default_ordering = ("path",)


class UnitList(ObjectListView):
    queryset = Unit.objects.select_related("area", "parent")
    filterset = filters.UnitFilter
    title = gettext_lazy("单位")
    add_url = reverse_lazy("org:unit_add")
    columns = [
        Column("name", gettext_lazy("名称"), link=True, orderable="name"),
        Column("kind", gettext_lazy("类型"), accessor=lambda u: u.get_kind_display()),
        Column("area", gettext_lazy("所在区划"), accessor="area.name"),
        Column("parent", gettext_lazy("上级单位"), accessor="parent.name"),
    ]
    default_ordering = ("path",)


class PersonList(ObjectListView):
    queryset = Person.objects.select_related("unit")
    filterset = filters.PersonFilter
    title = gettext_lazy("人员")
    add_url = reverse_lazy("org:person_add")
    columns = [
        Column("name", gettext_lazy("姓名"), link=True, orderable="name"),
        Column("unit", gettext_lazy("单位"), accessor="unit.name"),
        Column("title", gettext_lazy("职务")),
        Column("phone", gettext_lazy("手机号码"), personal="phone"),
    ]
    default_ordering = ("unit__path", "sort_order", "name")


class MechanismList(ObjectListView):
    queryset = Mechanism.objects.all()
    title = gettext_lazy("年度推进机制")
    add_url = reverse_lazy("org:mechanism_add")
    columns = [
        Column("year", gettext_lazy("年度"), link=True, accessor=lambda m: str(m.year), orderable="year"),
        Column("name", gettext_lazy("名称")),
        Column("shape", gettext_lazy("结构")),
        Column("copied_from", gettext_lazy("复制自"), accessor=lambda m: str(m.copied_from.year) if m.copied_from_id else ""),
    ]
    default_ordering = ("-year",)


# ------------------------------------------------------------------ details


class AreaDetail(ObjectDetailView):
    queryset = Area.objects.all()
    template_name = "org/area_detail.html"

    def get_extra_context(self, obj):
        return {
            "children": obj.children.all(),
            "units": ports.scope.visible_to(self.request.user, Unit.objects.filter(area=obj)),
            "ancestors": Area.objects.filter(pk__in=obj.ancestor_ids()).order_by("depth"),
        }


class UnitDetail(ObjectDetailView):
    queryset = Unit.objects.select_related("area", "parent")
    template_name = "org/unit_detail.html"

    def get_extra_context(self, obj):
        return {
            "children": obj.children.all(),
            "people": ports.scope.visible_to(self.request.user, Person.objects.filter(unit=obj)),
            "bodies": Body.objects.filter(member_units=obj).select_related("mechanism"),
        }


class PersonDetail(ObjectDetailView):
    queryset = Person.objects.select_related("unit")
    template_name = "org/person_detail.html"

    def get_extra_context(self, obj):
        phone = obj.phone if ports.scope.may_see_personal_data(self.request.user) else mask("phone", obj.phone)
        return {"phone": phone,
                "seats": obj.seats.select_related("body", "mechanism").order_by("-mechanism__year")}


class BodyDetail(ObjectDetailView):
    queryset = Body.objects.select_related("mechanism", "lead_unit", "parent")
    template_name = "org/body_detail.html"

    def get_extra_context(self, obj):
        return {"seats": obj.seats.select_related("person", "person__unit"), "units": obj.member_units.all(),
                "children": obj.children.all()}


class MechanismChart(LoginRequiredMixin, View):
    """推进机制 org chart — the first thing a leader sees: HQ → task forces → groups."""

    def get(self, request, pk=None):
        if pk is None:
            mechanism = selectors.mechanism_current()
            if mechanism is None:
                return render(request, "org/mechanism_empty.html", {"title": _("推进机制")})
        else:
            mechanism = ports.scope.get_scoped_or_404(request.user, Mechanism.objects.all(), pk=pk)
        chart = selectors.mechanism_chart(mechanism)
        return render(request, "org/mechanism_chart.html", {
            "mechanism": mechanism, "chart": chart, "title": str(mechanism),
            "years": Mechanism.objects.order_by("-year"),
            "kinds": BodyKind,
            "may_edit": ports.scope.has_model_permission(request.user, Body, "change"),
        })


# ------------------------------------------------------------------ edits


class VersionedEdit(ObjectEditView):
    service = None  # org.services.*_save
    service_kwarg = None

    def save(self, form, instance):
        kwargs = {"actor": self.request.user, "data": form.changes(), self.service_kwarg: instance}
        if instance is not None and hasattr(instance, "version"):
            kwargs["expected_version"] = form.cleaned_data.get("expected_version")
        return type(self).service(**kwargs)


class AreaEdit(VersionedEdit):
    queryset = Area.objects.all()
    form_class = forms.AreaForm
    service = services.area_save
    service_kwarg = "area"


class UnitEdit(VersionedEdit):
    queryset = Unit.objects.all()
    form_class = forms.UnitForm
    service = services.unit_save
    service_kwarg = "unit"


class PersonEdit(VersionedEdit):
    queryset = Person.objects.all()
    form_class = forms.PersonForm
    service = services.person_save
    service_kwarg = "person"


class MechanismEdit(VersionedEdit):
    queryset = Mechanism.objects.all()
    form_class = forms.MechanismForm
    service = services.mechanism_save
    service_kwarg = "mechanism"


class BodyEdit(ObjectEditView):
    queryset = Body.objects.all()
    form_class = forms.BodyForm

    def form_kwargs(self, instance):
        kwargs = super().form_kwargs(instance)
        if instance is None and self.request.GET.get("mechanism"):
            kwargs["initial"] = {"mechanism": self.request.GET.get("mechanism")}
        return kwargs

    def save(self, form, instance):
        return services.body_save(actor=self.request.user, body=instance, data=form.changes(),
                                  member_units=list(form.cleaned_data["member_units"]),
                                  expected_version=form.cleaned_data.get("expected_version") if instance else None)


class SeatEdit(ObjectEditView):
    queryset = Seat.objects.all()
    form_class = forms.SeatForm

    def form_kwargs(self, instance):
        kwargs = super().form_kwargs(instance)
        if instance is None:
            kwargs["initial"] = {k: self.request.GET.get(k) for k in ("mechanism", "body") if self.request.GET.get(k)}
        return kwargs

    def save(self, form, instance):
        return services.seat_save(actor=self.request.user, seat=instance, data=form.changes())


class OrgDelete(ObjectDeleteView):
    def delete(self, obj, expected_version):
        services.object_delete(actor=self.request.user, obj=obj, expected_version=expected_version)


class AreaDelete(OrgDelete):
    queryset = Area.objects.all()
    success_url = reverse_lazy("org:area_list")


class UnitDelete(OrgDelete):
    queryset = Unit.objects.all()
    success_url = reverse_lazy("org:unit_list")


class PersonDelete(OrgDelete):
    queryset = Person.objects.all()
    success_url = reverse_lazy("org:person_list")


class SeatDelete(OrgDelete):
    queryset = Seat.objects.all()
    success_url = reverse_lazy("org:mechanism_current")


class MechanismCopy(LoginRequiredMixin, View):
    """Copy a year's mechanism to a new year; the old one stays untouched as history."""

    def _source(self, request, pk):
        if not ports.scope.has_model_permission(request.user, Mechanism, "add"):
            raise Http404
        return ports.scope.get_scoped_or_404(request.user, Mechanism.objects.all(), pk=pk)

    def get(self, request, pk):
        source = self._source(request, pk)
        form = forms.MechanismCopyForm(initial={"year": source.year + 1, "name": source.name})
        return render(request, "org/mechanism_copy.html", {"form": form, "object": source})

    def post(self, request, pk):
        source = self._source(request, pk)
        form = forms.MechanismCopyForm(request.POST)
        if form.is_valid():
            try:
                target = services.mechanism_copy(actor=request.user, source=source, year=form.cleaned_data["year"],
                                                 name=form.cleaned_data["name"] or None)
            except ValidationError as exc:
                apply_form_errors(form, exc)
            else:
                messages.success(request, _("已复制为%(year)s年度推进机制。") % {"year": target.year})
                return redirect(reverse("org:mechanism_detail", args=[target.pk]))
        return render(request, "org/mechanism_copy.html", {"form": form, "object": source}, status=400)
