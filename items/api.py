"""REST endpoints of the item engine, scoped exactly like the pages (items.selectors.items_visible):

    GET  /api/items/                       list, filtered with items.filters.ItemFilter
    GET  /api/items/{id}/                  one item (404 outside the scope), with the actions open to you
    GET  /api/items/{id}/timeline/         its timeline (ItemAction rows with attachments)
    POST /api/items/{id}/actions/          perform an action: version in If-Match or "version",
                                           Idempotency-Key header → request key; 201 new, 200 replayed, 409 stale
    GET  /api/items/{id}/reports/          its 旬 reports
    POST /api/items/{id}/reports/          report this 旬 (the "report" action)
    GET  /api/attachments/{id}/            an attachment's metadata; …/download/ the file (404 outside the scope)
    GET  /api/todo/                        my to-do list (counts and the first rows of each list)

Every write goes through items.services.perform() (the viewset is declared on items.kit); domain errors map
to 400/403/404/409/428 in core.api.
"""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ERRORS, IDEMPOTENCY_KEY, IF_MATCH, idempotency_key, request_version

from . import selectors, services
from .filters import ItemFilter, kind_label
from .kit import (
    ActionResultSerializer,
    AttachmentSerializer,
    AvailableActionsField,
    ItemKindViewSet,
    ItemViewSetMixin,
)
from .models import Attachment, Item, ProgressReport

# --- serializers -------------------------------------------------------------------------------------


class ItemSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    light_label = serializers.CharField(source="get_light_display", read_only=True)
    kind_label = serializers.SerializerMethodField()
    lead_unit_name = serializers.SerializerMethodField()
    owning_body_name = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = ["id", "kind", "kind_label", "number", "title", "description", "owning_body", "owning_body_name",
                  "area", "lead_unit", "lead_unit_name", "co_units", "responsible_leader", "assignee", "parent",
                  "original_due_date", "due_date", "supervision_level", "state", "state_label", "light",
                  "light_label", "light_reason", "progress_percent", "last_report_on", "assigned_at", "accepted_at",
                  "submitted_at", "closed_at", "version", "created_at", "updated_at"]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return str(kind_label(obj.kind))

    def get_lead_unit_name(self, obj) -> str:
        return str(obj.lead_unit) if obj.lead_unit_id else ""

    def get_owning_body_name(self, obj) -> str:
        return str(obj.owning_body) if obj.owning_body_id else ""


class ItemDetailSerializer(ItemSerializer):
    available_actions = AvailableActionsField()

    class Meta(ItemSerializer.Meta):
        fields = ItemSerializer.Meta.fields + ["available_actions"]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "item", "period_start", "percent", "narrative", "problems", "next_steps", "figures",
                  "reported_by", "reported_at", "is_late"]
        read_only_fields = fields


class ReportInputSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    narrative = serializers.CharField()
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    figures = serializers.DictField(required=False, default=dict)
    version = serializers.IntegerField(required=False)


class TodoItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "kind", "number", "title", "state", "light", "due_date", "lead_unit", "version"]
        read_only_fields = fields


# --- viewsets ----------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="事项列表", description="Items visible to you, with the list page's filters."),
    retrieve=extend_schema(summary="事项详情", description="One item and the actions you may take on it now.",
                           responses={200: ItemDetailSerializer, 404: ERRORS[404]}),
)
class ItemViewSet(ItemViewSetMixin, ItemKindViewSet):
    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    detail_serializer_class = ItemDetailSerializer
    filterset_class = ItemFilter

    def get_queryset(self):
        qs = selectors.items_visible(self.request.user).select_related("lead_unit", "owning_body")
        if self.action == "list":
            qs = qs.prefetch_related("co_units")
        return qs.order_by("-id")

    @extend_schema(methods=["GET"], summary="旬报列表", responses={200: ProgressReportSerializer(many=True),
                                                                 404: ERRORS[404]})
    @extend_schema(methods=["POST"], summary="报送本旬进展", request=ReportInputSerializer,
                   parameters=[IF_MATCH, IDEMPOTENCY_KEY],
                   responses={201: ActionResultSerializer, 200: ActionResultSerializer, **ERRORS})
    @action(detail=True, methods=["get", "post"])
    def reports(self, request, pk=None):
        item = self.get_object()
        if request.method == "GET":
            return Response(ProgressReportSerializer(item.reports.order_by("-period_start"), many=True).data)
        payload = ReportInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        v = dict(payload.validated_data)
        version = request_version(request, v.pop("version", None))
        row = services.perform(item, "report", request.user, version, data=v, request_key=idempotency_key(request))
        return self.action_response(row, item)


@extend_schema_view(
    retrieve=extend_schema(summary="附件信息", responses={200: AttachmentSerializer, 404: ERRORS[404]}),
)
class AttachmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Attachment.objects.all()
    serializer_class = AttachmentSerializer

    def get_object(self):
        return selectors.attachment_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="下载附件", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                                                 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        att = self.get_object()
        try:
            handle = att.file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=True, filename=att.original_name,
                                content_type=att.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response


TodoSerializer = inline_serializer("Todo", fields={
    "counts": serializers.DictField(child=serializers.IntegerField()),
    "to_accept": TodoItemSerializer(many=True),
    "to_report": TodoItemSerializer(many=True),
    "to_review": TodoItemSerializer(many=True),
    "overdue": TodoItemSerializer(many=True),
    "instructions_awaiting_reply": serializers.ListField(child=serializers.DictField()),
    "extensions_to_decide": serializers.ListField(child=serializers.DictField()),
})


class TodoViewSet(viewsets.ViewSet):
    """我的待办 across every kind."""

    serializer_class = None

    @extend_schema(summary="我的待办", responses={200: TodoSerializer},
                   parameters=[OpenApiParameter("limit", OpenApiTypes.INT, description="rows per list (≤200)")])
    def list(self, request):
        try:
            limit = max(1, min(int(request.query_params.get("limit", 50)), 200))
        except ValueError:
            limit = 50
        todo = selectors.todo_for(request.user)
        body = {"counts": selectors.todo_counts(request.user)}
        for key in ("to_accept", "to_report", "to_review", "overdue"):
            body[key] = TodoItemSerializer(todo[key][:limit], many=True).data
        body["instructions_awaiting_reply"] = [
            {"id": i.pk, "item": i.item_id, "number": i.item.number, "text": i.text, "reply_due": i.reply_due}
            for i in todo["instructions_awaiting_reply"][:limit]]
        body["extensions_to_decide"] = [
            {"id": e.pk, "item": e.item_id, "number": e.item.number, "requested_due": e.requested_due,
             "reason": e.reason} for e in todo["extensions_to_decide"][:limit]]
        return Response(body)


def register(router):
    """Register this app's viewsets on the shared router."""
    router.register("items", ItemViewSet, basename="item")
    router.register("attachments", AttachmentViewSet, basename="attachment")
    router.register("todo", TodoViewSet, basename="todo")
