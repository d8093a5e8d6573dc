"""REST endpoints of the import — the same steps as the pages, through the same services:

    GET  /api/import-targets/                  the ledgers you may import into, with their fields
    POST /api/import-batches/                  multipart: target, file (.xlsx/.xls/.csv), sheet → the batch
    POST /api/import-batches/{id}/mapping/     {"mapping": {"0": "name", …}, "version": n} → checked again
    POST /api/import-batches/{id}/check/       the preview (a background job for a large file)
    POST /api/import-batches/{id}/commit/      If-Match or version → all or nothing
    POST /api/import-batches/{id}/undo/        If-Match or version
    GET  /api/import-batches/{id}/issues/      every bad cell: sheet, row, column, value, message_zh, message_en
    GET  /api/import-batches/{id}/changes/     every changed row, field by field
"""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ERRORS, IF_MATCH, ScopedQuerysetMixin, request_version

from . import engine, services
from .models import ImportBatch, ImportChange, ImportIssue
from .targets import targets_for


class TargetFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    header = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    synonyms = serializers.ListField(child=serializers.CharField())
    unit = serializers.CharField()
    personal = serializers.CharField()
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class TargetSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    keys = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    fields = TargetFieldSerializer(many=True)
    options = TargetFieldSerializer(many=True)


class BatchSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = ["id", "number", "target_code", "target_label", "original_name", "size", "file_format", "sheet_name",
                  "table", "mapping", "options", "state", "state_display", "progress", "rows_total", "rows_skipped",
                  "rows_create", "rows_update", "rows_unchanged", "error_count", "warning_count", "key_fields",
                  "message", "created_by", "created_at", "checked_at", "committed_at", "undone_at", "version"]
        read_only_fields = fields

    @extend_schema_field(inline_serializer("ImportProgress", {"done": serializers.IntegerField(),
                                                              "total": serializers.IntegerField()}))
    def get_progress(self, batch):
        done, total = engine.progress_of(batch)
        return {"done": done, "total": total}


class IssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportIssue
        fields = ["severity", "sheet", "row", "column", "header", "field", "value", "message_zh", "message_en"]


class ChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportChange
        fields = ["row", "action", "object_id", "key", "changes"]


class UploadSerializer(serializers.Serializer):
    target = serializers.CharField()
    file = serializers.FileField()
    sheet = serializers.CharField(required=False, allow_blank=True)
    options = serializers.JSONField(required=False)


class MappingSerializer(serializers.Serializer):
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True))
    options = serializers.JSONField(required=False)
    version = serializers.IntegerField(required=False)


VERSION_BODY = inline_serializer("ImportVersion", {"version": serializers.IntegerField(required=False)})


class ImportTargetViewSet(viewsets.ViewSet):
    """The ledgers you may import into (the same rule as creating one of their rows), with their fields."""

    lookup_field = "code"
    lookup_value_regex = r"[\w.:-]+"

    @extend_schema(summary="可导入的台账", responses={200: TargetSerializer(many=True)})
    def list(self, request):
        return Response(TargetSerializer([_target_data(t) for t in targets_for(request.user)], many=True).data)

    @extend_schema(summary="导入目标（字段与模板列名）", responses={200: TargetSerializer, **ERRORS})
    def retrieve(self, request, code=None):
        target = next((t for t in targets_for(request.user) if t.code == code), None)
        if target is None:
            raise Http404
        return Response(TargetSerializer(_target_data(target)).data)


def _field_data(f):
    return {"name": f.name, "label": str(f.label), "header": f.header, "type": str(f.type), "required": f.required,
            "synonyms": [str(s) for s in f.synonyms], "unit": f.unit, "personal": f.personal,
            "choices": [[str(v), str(label)] for v, label in f.choices]}


def _target_data(target):
    return {"code": target.code, "label": str(target.label), "keys": [list(k) for k in target.keys],
            "fields": [_field_data(f) for f in target.fields], "options": [_field_data(o) for o in target.options]}


@extend_schema_view(list=extend_schema(summary="导入批次"), retrieve=extend_schema(summary="导入批次（预览与进度）"))
class ImportBatchViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Import batches inside your data scope (yours; a leader's or the administrator's: those of the units
    below). Check first: a batch is written only by `commit/`, after a preview with no errors."""

    queryset = ImportBatch.objects.order_by("-id")
    serializer_class = BatchSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    workflow_endpoint = True  # who may import is the target's rule, checked by the service

    @extend_schema(summary="上传文件（识别表头，建议对应关系）", request=UploadSerializer,
                   responses={201: BatchSerializer, **ERRORS})
    def create(self, request):
        ser = UploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        target = next((t for t in targets_for(request.user) if t.code == ser.validated_data["target"]), None)
        if target is None:
            raise ValidationError({"target": _("没有这个导入目标，或您无权向它导入。")})
        upload = ser.validated_data["file"]
        batch = services.batch_upload(actor=request.user, target=target, data=upload.read(), name=upload.name,
                                      sheet_name=ser.validated_data.get("sheet") or None,
                                      options=ser.validated_data.get("options"))
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="设置列对应关系并检查", request=MappingSerializer, parameters=[IF_MATCH],
                   responses={200: BatchSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def mapping(self, request, pk=None):
        batch = self.get_object()
        ser = MappingSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        batch = services.batch_set_mapping(actor=request.user, batch=batch, mapping=ser.validated_data["mapping"],
                                           options=ser.validated_data.get("options"),
                                           expected_version=request_version(request))
        batch = services.batch_check(actor=request.user, batch=batch)
        return Response(BatchSerializer(batch).data)

    @extend_schema(summary="检查（预览，不写入）", request=None, responses={200: BatchSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        batch = services.batch_check(actor=request.user, batch=self.get_object())
        return Response(BatchSerializer(batch).data)

    @extend_schema(summary="确认导入（一次事务，全部成功或全部不写入）", request=VERSION_BODY, parameters=[IF_MATCH],
                   responses={200: BatchSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        batch = services.batch_commit(actor=request.user, batch=self.get_object(),
                                      expected_version=request_version(request))
        return Response(BatchSerializer(batch).data)

    @extend_schema(summary="撤销批次", request=VERSION_BODY, parameters=[IF_MATCH],
                   responses={200: BatchSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        batch = services.batch_undo(actor=request.user, batch=self.get_object(),
                                    expected_version=request_version(request))
        return Response(BatchSerializer(batch).data)

    @extend_schema(summary="问题清单（每一处错误：工作表、行、列、内容、原因）", responses={200: IssueSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def issues(self, request, pk=None):
        page = self.paginate_queryset(self.get_object().issues.all())
        return self.get_paginated_response(IssueSerializer(page, many=True).data)

    @extend_schema(summary="变化预览（逐字段）", responses={200: ChangeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def changes(self, request, pk=None):
        page = self.paginate_queryset(self.get_object().changes.all())
        return self.get_paginated_response(ChangeSerializer(page, many=True).data)


def register(router):
    router.register("import-targets", ImportTargetViewSet, basename="import-target")
    router.register("import-batches", ImportBatchViewSet, basename="import-batch")


