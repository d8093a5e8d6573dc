"""REST endpoints of the appeals ledger (staff side), declared on the item kit (items.kit):

    GET  /api/appeals/                  list, scoped and filtered with the ledger's AppealFilter
    GET  /api/appeals/{id}/             one work order, with the actions open to you
    POST /api/appeals/                  登记 (appeals.services.appeal_create)
    POST /api/appeals/{id}/actions/     a workflow action through items.services.perform(): the version in
                                        If-Match (or "version"; missing → 428), Idempotency-Key header
    GET  /api/appeals/{id}/timeline/    its timeline
    POST /api/appeals/{id}/reveal/      reveal one requester value (audited; refused → audited too)

Requester data is masked in every response (withheld from the complained-about unit)."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ERRORS, ScopedQuerysetMixin
from items.kit import AvailableActionsField, ItemKindViewSet, ItemViewSetMixin
from org.models import Area, Unit

from . import filters, services
from .models import Appeal, AppealCategory, Channel
from .privacy import requester_value

REQUESTER_FIELDS = ("requester_name", "requester_phone", "requester_id_number", "requester_address")


class AppealSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    closed_on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Appeal
        fields = ["id", "number", "title", "description", "channel", "category", "area", "lead_unit", "owning_body",
                  "state", "light", "due_date", "original_due_date", "sign_due_date", "created_at", "assigned_at",
                  "accepted_at", "closed_at", "closed_on_time", "requester_name", "requester_phone",
                  "requester_id_number", "requester_address", "location", "lng", "lat", "enterprise", "visit",
                  "level", "complained_unit", "is_urgent", "outcome", "reply", "satisfaction",
                  "dissatisfaction_reason", "follow_up_note", "version"]
        read_only_fields = ["number", "owning_body", "state", "light", "due_date", "original_due_date",
                            "sign_due_date", "created_at", "assigned_at", "accepted_at", "closed_at", "outcome",
                            "reply", "satisfaction", "dissatisfaction_reason", "follow_up_note", "version"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        for name in REQUESTER_FIELDS:
            data[name] = requester_value(user, instance, name)
        return data


class AppealCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    category = serializers.PrimaryKeyRelatedField(queryset=AppealCategory.objects.filter(is_active=True))
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(),
                                              required=False, allow_null=True)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(),
                                                   required=False, allow_null=True)
    requester_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    requester_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    requester_id_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    requester_address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    is_urgent = serializers.BooleanField(required=False, default=False)
    dispatch = serializers.BooleanField(required=False, default=True)


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=REQUESTER_FIELDS)


class RevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class AppealDetailSerializer(AppealSerializer):
    available_actions = AvailableActionsField()

    class Meta(AppealSerializer.Meta):
        fields = AppealSerializer.Meta.fields + ["available_actions"]


class AppealViewSet(ItemViewSetMixin, ItemKindViewSet):
    """诉求工单: list/retrieve (scoped, masked), create (登记), actions/ and timeline/ (the kit), audited reveal."""

    queryset = Appeal.objects.select_related("category", "lead_unit", "area", "complained_unit")
    serializer_class = AppealSerializer
    detail_serializer_class = AppealDetailSerializer
    filterset_class = filters.AppealFilter

    @extend_schema(summary="登记诉求", request=AppealCreateSerializer, responses={201: AppealSerializer, **ERRORS})
    def create(self, request):
        s = AppealCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        appeal = services.appeal_create(actor=request.user, title=data.pop("title"),
                                        description=data.pop("description", ""), category=data.pop("category"),
                                        channel=data.pop("channel"), lead_unit=data.pop("lead_unit", None),
                                        area=data.pop("area", None), dispatch=data.pop("dispatch", True),
                                        **{k: v for k, v in data.items() if v not in (None, "")})
        return Response(AppealSerializer(appeal, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="查看诉求人信息", request=RevealSerializer,
                   responses={200: RevealResultSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """Reveal one requester value (needs the personal-data permission; written to the audit log)."""
        appeal = self.get_object()
        s = RevealSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        value = services.reveal_personal(actor=request.user, appeal=appeal, field=s.validated_data["field"])
        return Response({"field": s.validated_data["field"], "value": value})


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = AppealCategory
        fields = ["id", "code", "name", "parent", "sign_days", "finish_days", "clock_start", "pause_states",
                  "reply_template", "is_public", "is_active"]


class CategoryViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """The categories and their SLAs (a public register: scope_public, read through visible_to as any row)."""

    queryset = AppealCategory.objects.all()
    serializer_class = CategorySerializer


def register(router):
    router.register("appeals", AppealViewSet, basename="appeal")
    router.register("appeal-categories", CategoryViewSet)

