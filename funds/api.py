"""REST endpoints of 资金保障: allocations (with the disbursed total) and disbursements — scoped like the
pages; writes through funds.services (the funds group only; never above the allocation)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.scope import get_scoped_or_404, visible_to
from core.api import ScopedModelViewSet

from . import selectors, services
from .filters import AllocationFilter, DisbursementFilter
from .models import Allocation, Disbursement


class AllocationSerializer(serializers.ModelSerializer):
    amount = serializers.CharField(help_text="安排金额（万元）")
    paid = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, default=None,
                                    help_text="已拨付（万元）")

    class Meta:
        model = Allocation
        fields = ["id", "item", "source", "amount", "paid", "date", "document_no", "managing_body", "note", "version"]
        read_only_fields = ["id", "paid", "version"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["amount"] = str(instance.amount)
        return data


class DisbursementSerializer(serializers.ModelSerializer):
    amount = serializers.CharField(help_text="拨付金额（万元）")

    class Meta:
        model = Disbursement
        fields = ["id", "allocation", "amount", "date", "document_no", "note"]
        read_only_fields = ["id"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["amount"] = str(instance.amount)
        return data


@extend_schema_view(list=extend_schema(summary="资金安排"), retrieve=extend_schema(summary="资金安排"),
                    create=extend_schema(summary="安排资金（资金保障组）"))
class AllocationViewSet(ScopedModelViewSet):
    queryset = Allocation.objects.order_by("-date", "-pk")
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilter
    http_method_names = ["get", "post", "head", "options"]
    workflow_endpoint = True

    def get_queryset(self):
        return selectors.with_paid(visible_to(self.request.user, self.queryset.all()))

    def create(self, request, *args, **kwargs):
        ser = AllocationSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        # any item: who may allocate is checked by the service (a seat in the managing body, or admin)
        row = services.allocation_create(actor=request.user, item=d["item"], source=d["source"], amount=d["amount"],
                                         date=d["date"], managing_body=d.get("managing_body"),
                                         document_no=d.get("document_no", ""), note=d.get("note", ""))
        return Response(AllocationSerializer(self.get_queryset().get(pk=row.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="资金拨付"), retrieve=extend_schema(summary="资金拨付"),
                    create=extend_schema(summary="登记拨付（不得超过安排金额）"))
class DisbursementViewSet(ScopedModelViewSet):
    queryset = Disbursement.objects.order_by("-date", "-pk")
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilter
    http_method_names = ["get", "post", "head", "options"]
    workflow_endpoint = True

    def get_queryset(self):
        return visible_to(self.request.user, self.queryset.all())

    def create(self, request, *args, **kwargs):
        ser = DisbursementSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        allocation = get_scoped_or_404(request.user, Allocation.objects.all(), pk=d["allocation"].pk)
        row = services.disbursement_create(actor=request.user, allocation=allocation, amount=d["amount"],
                                           date=d["date"], document_no=d.get("document_no", ""),
                                           note=d.get("note", ""))
        return Response(DisbursementSerializer(row).data, status=status.HTTP_201_CREATED)


def register(router):
    """Register this app's viewsets on the shared router."""
    router.register("fund-allocations", AllocationViewSet, basename="fund-allocation")
    router.register("fund-disbursements", DisbursementViewSet, basename="fund-disbursement")
