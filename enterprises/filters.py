"""One FilterSet drives the enterprise page, its htmx partial, the Excel export and the API."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.personal import may_see_personal_data
from org.filters import StyledFilterSet
from org.models import Area

from .models import INDUSTRIES, Enterprise, EnterpriseScale, Pairing, Visit
from .selectors import enterprises_visited_in

VISITED_CHOICES = [("yes", _("已走访")), ("no", _("未走访"))]


class EnterpriseFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称/信用代码"), method="search")
    area = django_filters.ModelChoiceFilter(label=_("所在区划"), queryset=Area.objects.all(), method="in_area")
    scale = django_filters.ChoiceFilter(label=_("规模"), choices=EnterpriseScale.choices)
    industry = django_filters.ChoiceFilter(label=_("行业"), choices=INDUSTRIES)
    building = django_filters.CharFilter(label=_("楼宇/载体"), method="in_building")
    tag = django_filters.CharFilter(label=_("标签"), field_name="tags", lookup_expr="icontains")
    year = django_filters.NumberFilter(label=_("走访年度"), method="noop")
    visited = django_filters.ChoiceFilter(label=_("走访情况"), choices=VISITED_CHOICES, method="by_visited")

    class Meta:
        model = Enterprise
        fields = []

    def search(self, qs, name, value):
        cond = Q(name__icontains=value) | Q(credit_code__icontains=value.strip().upper())
        user = getattr(self.request, "user", None)
        if may_see_personal_data(user):  # a contact's phone is searchable only by those who may see it
            cond |= Q(contact_phone=value.strip()) | Q(contact_name=value.strip())
        return qs.filter(cond)

    def in_area(self, qs, name, value):
        return qs.filter(area__path__startswith=value.path)

    def in_building(self, qs, name, value):
        return qs.filter(building="") if value == "-" else qs.filter(building__icontains=value)

    def noop(self, qs, name, value):
        return qs

    def by_visited(self, qs, name, value):
        year = self.form.cleaned_data.get("year") or timezone.localdate().year
        return enterprises_visited_in(qs, int(year)).filter(visited=(value == "yes"))


class VisitFilter(StyledFilterSet):
    enterprise = django_filters.NumberFilter(label=_("企业"), field_name="enterprise_id")
    date_from = django_filters.DateFilter(label=_("走访日期从"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("至"), field_name="date", lookup_expr="lte")
    area = extend_schema_field(OpenApiTypes.INT)(  # an area id; the method filters its subtree
        django_filters.ModelChoiceFilter(label=_("所在区划"), queryset=Area.objects.all(), method="in_area"))

    class Meta:
        model = Visit
        fields = []

    def in_area(self, qs, name, value):
        return qs.filter(enterprise__area__path__startswith=value.path)


class PairingFilter(StyledFilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    enterprise = django_filters.NumberFilter(label=_("企业"), field_name="enterprise_id")
    person = django_filters.NumberFilter(label=_("干部"), field_name="person_id")

    class Meta:
        model = Pairing
        fields = []
