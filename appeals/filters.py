"""One FilterSet drives the appeal ledger, its htmx partial, the Excel export, the API — and the figure links
(`figure=on_time_base` lists exactly the rows a rate's denominator counts)."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.personal import may_see_personal_data
from core.filters import StyledFilterSet
from core.validators import normalize_phone
from items.models import ItemState
from org.models import Area, Unit

from .models import Appeal, AppealCategory, Channel, Level, Outcome, Satisfaction
from .privacy import may_see_requester  # noqa: F401  (documented rule; search uses the permission below)
from .selectors import FIGURES, figure_q, with_days


class AppealFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("编号/标题"), method="search")
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=Channel.choices)
    category = django_filters.ModelChoiceFilter(label=_("诉求类别"), queryset=AppealCategory.objects.all(),
                                                method="in_category")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ItemState.choices)
    lead_unit = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=Unit.objects.all())
    area = django_filters.ModelChoiceFilter(label=_("属地"), queryset=Area.objects.all(), method="in_area")
    level = django_filters.ChoiceFilter(label=_("事权层级"), choices=Level.choices)
    outcome = django_filters.ChoiceFilter(label=_("办理结果"), choices=Outcome.choices)
    satisfaction = django_filters.ChoiceFilter(label=_("满意度"), choices=Satisfaction.choices)
    year = django_filters.NumberFilter(label=_("受理年度"), field_name="created_at", lookup_expr="year")
    date_from = django_filters.DateFilter(label=_("受理日期从"), field_name="created_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("至"), field_name="created_at", lookup_expr="date__lte")
    enterprise = django_filters.NumberFilter(label=_("企业"), field_name="enterprise_id")
    figure = django_filters.ChoiceFilter(label=_("统计口径"), choices=list(FIGURES.items()), method="by_figure")

    class Meta:
        model = Appeal
        fields = []

    def search(self, qs, name, value):
        value = value.strip()
        cond = Q(number__icontains=value) | Q(title__icontains=value) | Q(tracking_number=value.upper())
        user = getattr(self.request, "user", None)
        phone = normalize_phone(value)
        # Only a user allowed to see personal data may find an appeal by the requester's full phone number;
        # for anyone else the number matches nothing (no probing who complained).
        if phone.isdigit() and len(phone) == 11 and may_see_personal_data(user):
            cond |= Q(requester_phone=phone) & ~Q(complained_unit__in=_own_units(user))
        return qs.filter(cond)

    def in_category(self, qs, name, value):
        return qs.filter(Q(category=value) | Q(category__parent=value) | Q(category__parent__parent=value))

    def in_area(self, qs, name, value):
        return qs.filter(area__path__startswith=value.path)

    def by_figure(self, qs, name, value):
        return with_days(qs).filter(figure_q(value, timezone.localdate()))


def _own_units(user):
    if not user.unit_id:
        return Unit.objects.none()
    return Unit.objects.filter(Q(pk=user.unit_id) | Q(path__startswith=user.unit.path))


class CategoryFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = AppealCategory
        fields = []
