import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import StyledFilterSet

from .models import Area, AreaLevel, Body, BodyKind, Mechanism, Person, Unit, UnitKind


class AreaFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")
    level = django_filters.ChoiceFilter(label=_("层级"), choices=AreaLevel.choices)
    parent = django_filters.ModelChoiceFilter(label=_("上级区划"), queryset=Area.objects.all())

    class Meta:
        model = Area
        fields = []


class UnitFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称"), method="search")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=UnitKind.choices)
    area = django_filters.ModelChoiceFilter(label=_("所在区划"), queryset=Area.objects.all(), method="in_area")

    class Meta:
        model = Unit
        fields = []

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(short_name__icontains=value))

    def in_area(self, qs, name, value):
        return qs.filter(area__path__startswith=value.path)


class PersonFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("姓名/职务"), method="search")
    unit = django_filters.ModelChoiceFilter(label=_("单位"), queryset=Unit.objects.all())

    class Meta:
        model = Person
        fields = []

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(title__icontains=value))


class MechanismFilter(StyledFilterSet):
    class Meta:
        model = Mechanism
        fields = ["year"]


class BodyFilter(StyledFilterSet):
    mechanism = django_filters.ModelChoiceFilter(label=_("推进机制"), queryset=Mechanism.objects.all())
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=BodyKind.choices)

    class Meta:
        model = Body
        fields = []
