"""A throw-away ledger kind, declared on the kit the way docs/adding-a-ledger-kind.md says — to prove that a
new kind gets its list, page, actions, API, export and the contract's checks by declaration alone
(tests/test_kind_kit.py). Installed only by the test settings; its URLs in tests/kindkit/urls.py."""
import django_filters
from django.db import models
from django.urls import reverse
from rest_framework import serializers

from core.tables import Column
from core.views import ObjectListView
from items.filters import ItemFilter
from items.forms import ActionForm
from items.kit import AvailableActionsField, ItemDetailView, ItemKindViewSet, ItemViewSetMixin
from items.models import Item


class Hazard(Item):
    """Hazard — 中文: 安全隐患（九小场所）."""

    place = models.CharField("隐患场所", max_length=100)
    reporter_phone = models.CharField("报告人电话", max_length=20, blank=True)
    personal_fields = {"reporter_phone": "phone"}

    class Meta:
        app_label = "kindkit"

    def get_absolute_url(self):
        return reverse("kindkit:detail", args=[self.pk])


class HazardFilter(ItemFilter):
    place = django_filters.CharFilter(label="隐患场所", lookup_expr="icontains")

    class Meta(ItemFilter.Meta):
        model = Hazard


class HazardList(ObjectListView):
    queryset = Hazard.objects.all()
    filterset = HazardFilter
    columns = [Column("number", "编号", link=True), Column("place", "隐患场所"),
               Column("reporter_phone", "报告人电话", personal="phone")]


class HazardPage(ItemDetailView):
    model = Hazard
    form_classes = {"accept": ActionForm, "comment": ActionForm}


class HazardSerializer(serializers.ModelSerializer):
    available_actions = AvailableActionsField()

    class Meta:
        model = Hazard
        fields = ["id", "number", "title", "place", "state", "lead_unit", "version", "available_actions"]


class HazardViewSet(ItemViewSetMixin, ItemKindViewSet):
    queryset = Hazard.objects.all()
    serializer_class = HazardSerializer
    filterset_class = HazardFilter
