"""One FilterSet for the project ledger page, its Excel export, the figures' links and the API."""
import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from items.models import Light
from org.models import Area, Body, Person, Unit

from .models import STAGE_ORDER, Project, ProjectCategory, ProjectLevel, ProjectList, SigningEvent, Stage

SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})
TEXT = forms.TextInput(attrs={"class": "form-control form-control-sm"})
NUMBER = forms.NumberInput(attrs={"class": "form-control form-control-sm"})
NULL = _("（未指定）")


class ProjectFilter(df.FilterSet):
    q = df.CharFilter(label=_("关键词"), method="filter_q", widget=TEXT)
    list = df.ModelChoiceFilter(label=_("所属清单"), field_name="lists", queryset=ProjectList.objects.all(),
                                widget=SELECT)
    level = df.ChoiceFilter(label=_("清单层级"), field_name="lists__level", choices=ProjectLevel.choices,
                            method="filter_level", widget=SELECT)
    list_year = df.NumberFilter(label=_("清单年度"), method="filter_level", widget=NUMBER)
    category = df.ChoiceFilter(label=_("项目类别"), choices=ProjectCategory.choices, widget=SELECT)
    lead_unit = df.ModelChoiceFilter(label=_("责任单位"), queryset=Unit.objects.all(), null_label=NULL, widget=SELECT)
    owning_body = df.ModelChoiceFilter(label=_("所属机构"), queryset=Body.objects.select_related("mechanism"),
                                       null_label=NULL, widget=SELECT)
    area = df.ModelChoiceFilter(label=_("属地"), queryset=Area.objects.all(), widget=SELECT)
    area_within = extend_schema_field(OpenApiTypes.INT)(  # an area id; the method filters its subtree
        df.ModelChoiceFilter(label=_("属地（含下级）"), queryset=Area.objects.all(), method="filter_area",
                             widget=SELECT))
    responsible_leader = df.ModelChoiceFilter(label=_("包保领导"), queryset=Person.objects.all(), widget=SELECT)
    stage = df.ChoiceFilter(label=_("当前阶段"), field_name="current_stage", choices=Stage.choices, widget=SELECT)
    stage_reached = df.ChoiceFilter(label=_("已达阶段"), choices=Stage.choices, method="filter_stage_reached",
                                    widget=SELECT)
    light = df.ChoiceFilter(label=_("红黄绿灯"), choices=Light.choices, widget=SELECT)
    event = df.ModelChoiceFilter(label=_("签约活动"), field_name="signing_events", queryset=SigningEvent.objects.all(),
                                 widget=SELECT)
    signed = df.BooleanFilter(label=_("签约引进"), method="filter_signed",
                              widget=forms.Select(choices=[("", "—"), ("1", _("是")), ("0", _("否"))],
                                                  attrs={"class": "form-select form-select-sm"}))
    signed_year = df.NumberFilter(label=_("签约年度"), field_name="signing_events__date__year", widget=NUMBER)
    # year/month choose the period of the figure columns (计划/完成); they filter nothing.
    year = df.NumberFilter(label=_("统计年度"), method="noop", widget=NUMBER)
    month = df.NumberFilter(label=_("截至月份"), method="noop", widget=NUMBER, min_value=1, max_value=12)

    class Meta:
        model = Project
        fields = []

    def noop(self, qs, name, value):
        return qs

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(number__icontains=value) | Q(investor__icontains=value)
                         | Q(construction_content__icontains=value))

    def filter_level(self, qs, name, value):
        # level and list_year apply together: "on a 省大中型 list of 2023"
        level = self.form.cleaned_data.get("level")
        year = self.form.cleaned_data.get("list_year")
        cond = {}
        if level:
            cond["level"] = level
        if year:
            cond["year"] = int(year)
        if not cond:
            return qs
        return qs.filter(pk__in=Project.objects.filter(
            lists__in=ProjectList.objects.filter(**cond)).values("pk"))

    def filter_area(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(area__path__startswith=value.path)

    def filter_stage_reached(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(current_stage__in=STAGE_ORDER[STAGE_ORDER.index(value):])

    def filter_signed(self, qs, name, value):
        if value is None:
            return qs
        has = Project.objects.filter(signings__isnull=False).values("pk")
        return qs.filter(pk__in=has) if value else qs.exclude(pk__in=has)

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        # M2M filters (lists, events) can repeat a row
        return qs.distinct() if any(self.form.cleaned_data.get(k) for k in ("list", "event", "signed_year")) else qs


class ProjectRowFilter(df.FilterSet):
    """The API lists of a project's own rows (monthly investment, stages): ?project=<id>."""

    project = df.NumberFilter(label=_("项目ID"), field_name="project_id")
