"""REST endpoints of the appeals ledger (staff side) — scoped like the pages; requester data masked in every
response (withheld from the complained-about unit); workflow actions through items.services.perform; revealing
one value is its own audited POST."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scope import visible_to
from core.api import request_version
from items.services import perform
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


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason_code = serializers.CharField(required=False, allow_blank=True, default="")
    data = serializers.DictField(required=False, default=dict)
    request_key = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=REQUESTER_FIELDS)


class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """诉求工单: list/retrieve (scoped, masked), create (登记), workflow actions, audited reveal."""

    queryset = Appeal.objects.select_related("category", "lead_unit", "area", "complained_unit")
    serializer_class = AppealSerializer
    filterset_class = filters.AppealFilter
    workflow_endpoint = True  # permission to act is checked by the service (roles on the item)

    def get_queryset(self):
        return visible_to(self.request.user, self.queryset.all())

    @extend_schema(request=AppealCreateSerializer, responses=AppealSerializer)
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

    @extend_schema(request=ActionSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"], url_path="actions")
    def perform_action(self, request, pk=None):
        """Apply a workflow action (accept, bounce, reassign, arbitrate, reply, rate, follow_up …);
        send the version you saw in If-Match or `data.version`."""
        appeal = self.get_object()
        s = ActionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        version = request_version(request)
        perform(appeal, s.validated_data["action"], request.user, version, note=s.validated_data["note"],
                reason_code=s.validated_data["reason_code"], data=s.validated_data["data"],
                request_key=s.validated_data["request_key"] or None)
        fresh = Appeal.objects.get(pk=appeal.pk)
        return Response(AppealSerializer(fresh, context={"request": request}).data)

    @extend_schema(request=RevealSerializer, responses={200: dict})
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


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AppealCategory.objects.all()
    serializer_class = CategorySerializer


def register(router):
    router.register("appeals", AppealViewSet, basename="appeal")
    router.register("appeal-categories", CategoryViewSet)

