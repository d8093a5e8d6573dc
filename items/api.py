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

Every write goes through items.services.perform(); domain errors map to 400/403/404/409 in
api.exceptions.
"""
import json

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import ValidationError

from . import selectors, services
from .filters import ItemFilter
from .models import Attachment, Item, ItemAction, ProgressReport
from .workflow import BOUNCE_REASONS, available_actions, known_actions

# --- serializers -------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    data = serializers.DictField(required=False)


class ItemSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    light_label = serializers.CharField(source="get_light_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
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

    def get_lead_unit_name(self, obj) -> str:
        return str(obj.lead_unit) if obj.lead_unit_id else ""

    def get_owning_body_name(self, obj) -> str:
        return str(obj.owning_body) if obj.owning_body_id else ""


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    required = serializers.ListField(child=serializers.CharField())


class ItemDetailSerializer(ItemSerializer):
    available_actions = serializers.SerializerMethodField()

    class Meta(ItemSerializer.Meta):
        fields = ItemSerializer.Meta.fields + ["available_actions"]
        read_only_fields = fields

    @extend_schema_field(TransitionSerializer(many=True))
    def get_available_actions(self, obj) -> list[dict]:
        user = self.context["request"].user
        return [{"action": t.action, "label": str(t.label), "target": t.target, "required": list(t.required)}
                for t in available_actions(obj, user)]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "item", "action", "original_name", "content_type", "size", "sha256", "created_at"]
        read_only_fields = fields


class ItemActionSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ItemAction
        fields = ["id", "item", "action", "actor", "actor_name", "unit", "time", "from_state", "to_state", "note",
                  "reason_code", "data", "request_key", "attachments"]
        read_only_fields = fields


class ActionResultSerializer(serializers.Serializer):
    action = ItemActionSerializer()
    version = serializers.IntegerField(help_text="the item's version after the action (send it as If-Match next)")
    state = serializers.CharField()
    replayed = serializers.BooleanField(help_text="true when the Idempotency-Key was seen before")


class ActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="action code: accept, bounce, report, submit, approve, return, …")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason_code = serializers.CharField(required=False, allow_blank=True, default="",
                                        help_text="for bounce: " + ", ".join(c for c, _l in BOUNCE_REASONS))
    data = serializers.JSONField(required=False, default=dict,
                                 help_text="action input: due_date, percent, narrative, reply, instruction_id, "
                                           "extension_id, decision, lead_unit …")
    version = serializers.IntegerField(required=False, help_text="the version you saw (or the If-Match header)")
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  help_text="attachments (multipart/form-data)")

    def validate_data(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value or "{}")
            except ValueError as exc:
                raise serializers.ValidationError("data 须为 JSON 对象。") from exc
        if not isinstance(value, dict):
            raise serializers.ValidationError("data 须为 JSON 对象。")
        return value


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


IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                            description="the item version you saw (compare-and-swap); or send \"version\"")
IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                   description="repeat a request safely: the same key returns the first result")
ERRORS = {400: OpenApiResponse(ErrorSerializer, description="invalid input or action not allowed in this state"),
          403: OpenApiResponse(ErrorSerializer, description="your role may not do this"),
          404: OpenApiResponse(ErrorSerializer, description="no such item, or outside your data scope"),
          409: OpenApiResponse(ErrorSerializer, description="stale version: reload and try again")}


def _version(request, body_version=None):
    value = request.headers.get("If-Match", "").strip().strip('W/').strip('"')
    if not value and body_version is not None:
        value = body_version
    if value in ("", None):
        raise ValidationError({"version": "请提供版本号（If-Match 请求头或 version 字段）。"})
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"version": "版本号须为整数。"}) from exc


def _action_response(row, item):
    item.refresh_from_db(fields=["version", "state"])
    replayed = bool(getattr(row, "replayed", False))
    body = {"action": ItemActionSerializer(row).data, "version": item.version, "state": item.state,
            "replayed": replayed}
    return Response(body, status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED)


# --- viewsets ----------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="事项列表", description="Items visible to you, with the list page's filters."),
    retrieve=extend_schema(summary="事项详情", description="One item and the actions you may take on it now.",
                           responses={200: ItemDetailSerializer, 404: ERRORS[404]}),
)
class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    workflow_endpoint = True  # writes are workflow actions: scope and role are checked in perform()

    def get_queryset(self):
        qs = selectors.items_visible(self.request.user).select_related("lead_unit", "owning_body")
        if self.action == "list":
            qs = qs.prefetch_related("co_units")
        return qs.order_by("-id")

    def get_serializer_class(self):
        return ItemDetailSerializer if self.action == "retrieve" else ItemSerializer

    @extend_schema(summary="事项时间线", responses={200: ItemActionSerializer(many=True), 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        item = self.get_object()
        return Response(ItemActionSerializer(selectors.timeline(item), many=True).data)

    @extend_schema(summary="执行流程操作", request={"application/json": ActionInputSerializer,
                                                    "multipart/form-data": ActionInputSerializer},
                   parameters=[IF_MATCH, IDEMPOTENCY_KEY],
                   responses={201: ActionResultSerializer, 200: ActionResultSerializer, **ERRORS},
                   description="Apply a workflow action through items.services.perform(). Actions: "
                               + ", ".join(known_actions("task")) + ".")
    @action(detail=True, methods=["post"], url_path="actions")
    def perform_action(self, request, pk=None):
        item = self.get_object()
        payload = ActionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        v = payload.validated_data
        row = services.perform(item, v["action"], request.user, _version(request, v.get("version")),
                               note=v["note"], reason_code=v["reason_code"], data=v["data"],
                               files=request.FILES.getlist("files"),
                               request_key=request.headers.get("Idempotency-Key") or None)
        return _action_response(row, item)

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
        version = _version(request, v.pop("version", None))
        row = services.perform(item, "report", request.user, version, data=v,
                               request_key=request.headers.get("Idempotency-Key") or None)
        return _action_response(row, item)


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
