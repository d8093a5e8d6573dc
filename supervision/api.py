"""REST endpoints of 作风督查, scoped exactly like the pages (supervision.selectors):

    GET  /api/inspections/                 inspections you may see (units: those that targeted them)
    POST /api/inspections/                 plan/record one (supervisors)
    POST /api/inspections/{id}/hold/       登记已开展;  …/write_up/ 成文 (record required)
    POST /api/inspections/{id}/findings/   record a finding of this inspection (assigned to its unit)
    GET  /api/findings/                    the problem ledger; GET /api/findings/{id}/ with available actions
    POST /api/findings/{id}/actions/       a workflow action (items.kit: If-Match or "version" required,
                                           Idempotency-Key header; rectify takes multipart "before"/"after"
                                           files; verify refuses the rectifying unit and findings without
                                           evidence);  GET /api/findings/{id}/timeline/
    GET  /api/notices/, /api/notices/{id}/download/     督办单 and its Word document
    POST /api/notices/                     issue one for an item (supervisors)
    GET  /api/bulletins/, /api/bulletins/{id}/, …/download/?as=docx|xlsx   通报 (published; drafts for
                                           supervisors, with live figures)

Lists filter with the pages' FilterSets (supervision.filters). A change of an existing row needs the version
(If-Match or "version": missing → 428, not a number → 400, stale → 409), read by core.api.request_version.
"""
from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ERRORS, IF_MATCH, idempotency_key, request_version
from items.kit import ActionInputSerializer, AvailableActionsField, ItemKindViewSet, ItemViewSetMixin
from items.models import Item
from org.models import Person, Unit

from . import selectors, services
from .filters import BulletinFilter, FindingFilter, InspectionFilter, NoticeFilter
from .models import (
    Bulletin,
    Finding,
    FindingCategory,
    Inspection,
    InspectionState,
    InspectionType,
    NoticeLevel,
    Severity,
    SupervisionNotice,
)

# --- serializers -------------------------------------------------------------------------------------


class InspectionSerializer(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "date", "type", "type_label", "title", "state", "state_label", "team", "target_units",
                  "target_items", "record", "held_at", "written_up_at", "version", "created_at"]
        read_only_fields = ["id", "state", "held_at", "written_up_at", "version", "created_at"]


class InspectionInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    type = serializers.ChoiceField(choices=InspectionType.choices, default=InspectionType.ONSITE)
    title = serializers.CharField(max_length=200)
    team = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), many=True, required=False)
    target_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    target_items = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), many=True, required=False)
    record = serializers.CharField(required=False, allow_blank=True, default="")
    state = serializers.ChoiceField(choices=InspectionState.choices, default=InspectionState.PLANNED)


class RecordInputSerializer(serializers.Serializer):
    record = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="the version you saw (or the If-Match header)")


class FindingSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    lead_unit_name = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "number", "title", "description", "inspection", "source_item", "category",
                  "category_label", "severity", "severity_label", "lead_unit", "lead_unit_name", "rectify_person",
                  "rectify_workdays", "measures", "found_on", "due_date", "state", "state_label", "light",
                  "light_reason", "rectified_at", "verified_by", "verified_at", "version"]
        read_only_fields = fields

    def get_lead_unit_name(self, obj) -> str:
        return str(obj.lead_unit) if obj.lead_unit_id else ""


class FindingDetailSerializer(FindingSerializer):
    available_actions = AvailableActionsField()

    class Meta(FindingSerializer.Meta):
        fields = FindingSerializer.Meta.fields + ["available_actions"]
        read_only_fields = fields


class FindingInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    category = serializers.ChoiceField(choices=FindingCategory.choices, default=FindingCategory.OTHER)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MINOR)
    rectify_workdays = serializers.IntegerField(min_value=1, max_value=250, required=False)
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class FindingActionInputSerializer(ActionInputSerializer):
    """The kit's action input plus 整改's evidence files."""

    before = serializers.ListField(child=serializers.FileField(), required=False, help_text="整改前 (rectify)")
    after = serializers.ListField(child=serializers.FileField(), required=False, help_text="整改后 (rectify)")


class NoticeSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = SupervisionNotice
        fields = ["id", "number", "item", "level", "level_label", "level_reason", "problem", "measures", "deadline",
                  "state", "state_label", "issued_on", "delivered_at", "replied_at", "reply"]
        read_only_fields = fields


class NoticeInputSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    level = serializers.ChoiceField(choices=NoticeLevel.choices, required=False, allow_blank=True)
    problem = serializers.CharField(required=False, allow_blank=True, default="")
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True)


class BulletinSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = ["id", "number", "title", "period_kind", "start", "end", "formula", "state", "state_label",
                  "published_at", "figures"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_figures(self, obj) -> dict:
        """The frozen snapshot (published) or the live preview (drafts, supervisors only)."""
        return services.bulletin_preview(obj) if self.context.get("detail") else (obj.snapshot or {}).get("summary", {})


# --- viewsets ----------------------------------------------------------------------------------------


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Scoped by supervision.selectors (visible_to, plus: units see an unannounced inspection once held)."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    workflow_endpoint = True  # writes check the supervisor role in supervision.services
    filterset_class = InspectionFilter

    def get_queryset(self):
        return selectors.inspections_visible(self.request.user).prefetch_related("team", "target_units",
                                                                                 "target_items")

    @extend_schema(request=InspectionInputSerializer, responses={201: InspectionSerializer})
    def create(self, request):
        s = InspectionInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        obj = services.inspection_create(actor=request.user, **s.validated_data)
        return Response(InspectionSerializer(obj).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RecordInputSerializer, responses={200: InspectionSerializer, **ERRORS},
                   parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._record(request, services.inspection_hold)

    @extend_schema(request=RecordInputSerializer, responses={200: InspectionSerializer, **ERRORS},
                   parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def write_up(self, request, pk=None):
        return self._record(request, services.inspection_write_up)

    def _record(self, request, fn):
        obj = self.get_object()
        s = RecordInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        obj = fn(actor=request.user, inspection=obj,
                 expected_version=request_version(request, s.validated_data.get("version")),
                 record=s.validated_data.get("record"))
        return Response(InspectionSerializer(obj).data)

    @extend_schema(request=FindingInputSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        obj = self.get_object()
        s = FindingInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        finding = services.finding_from_inspection(actor=request.user, inspection=obj, **s.validated_data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class FindingViewSet(ItemViewSetMixin, ItemKindViewSet):
    """The problem ledger, declared on the item-kind kit: list, detail, `actions/` and `timeline/`."""

    queryset = Finding.objects.select_related("lead_unit")
    serializer_class = FindingSerializer
    detail_serializer_class = FindingDetailSerializer
    filterset_class = FindingFilter
    action_input_serializer = FindingActionInputSerializer

    def get_queryset(self):
        return selectors.findings_visible(self.request.user).select_related("lead_unit")

    def perform_item_action(self, item, action, payload):
        if action == "rectify":  # the evidence files go onto the timeline with the action
            request = self.request
            return services.finding_rectify(
                actor=request.user, finding=item, expected_version=request_version(request, payload.get("version")),
                note=payload.get("note", ""), before=request.FILES.getlist("before"),
                after=request.FILES.getlist("after"), request_key=idempotency_key(request))
        return super().perform_item_action(item, action, payload)


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = SupervisionNotice.objects.all()
    serializer_class = NoticeSerializer
    workflow_endpoint = True
    filterset_class = NoticeFilter

    def get_queryset(self):
        return selectors.notices_visible(self.request.user)

    @extend_schema(request=NoticeInputSerializer, responses={201: NoticeSerializer})
    def create(self, request):
        s = NoticeInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        item = selectors.items_visible(request.user).filter(pk=data.pop("item")).first()
        if item is None:
            raise Http404
        notice = services.notice_issue(actor=request.user, item=item, **data)
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        notice = self.get_object()
        if not notice.file:
            raise Http404
        response = FileResponse(notice.file.open("rb"), as_attachment=True, filename=f"{notice.number}.docx")
        response["X-Content-Type-Options"] = "nosniff"
        return response


class BulletinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Bulletin.objects.all()
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilter

    def get_queryset(self):
        return selectors.bulletins_visible(self.request.user).select_related("formula")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action == "retrieve"}

    @extend_schema(parameters=[OpenApiParameter("as", str, enum=["docx", "xlsx"])],
                   responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path="download")
    def download(self, request, pk=None):
        from .documents import bulletin_docx, bulletin_xlsx

        bulletin = self.get_object()
        fmt = request.query_params.get("as", "docx")
        if fmt not in ("docx", "xlsx"):
            raise Http404
        if bulletin.is_published:
            field = bulletin.docx if fmt == "docx" else bulletin.xlsx
            response = FileResponse(field.open("rb"), as_attachment=True, filename=f"{bulletin.number}.{fmt}")
        else:
            data = services.bulletin_data(bulletin, services.bulletin_preview(bulletin))
            response = HttpResponse(bulletin_docx(data) if fmt == "docx" else bulletin_xlsx(data),
                                    content_type="application/octet-stream")
            response["Content-Disposition"] = f'attachment; filename="preview.{fmt}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


def register(router):
    """Register this app's viewsets on the shared router."""
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("findings", FindingViewSet, basename="finding")
    router.register("notices", NoticeViewSet, basename="supervision-notice")
    router.register("bulletins", BulletinViewSet, basename="bulletin")


