import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, AuditLog, AuditOutcome


class AuditLogFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="search")
    username = django_filters.CharFilter(label=_("用户"), lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AuditAction.choices)
    outcome = django_filters.ChoiceFilter(label=_("结果"), choices=AuditOutcome.choices)
    object_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="icontains")
    since = django_filters.DateFilter(label=_("起始日期"), field_name="time", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("截止日期"), field_name="time", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditLog
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def search(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(message__icontains=value) | Q(ip__icontains=value))
