"""REST endpoints of key tasks (重点任务) and their milestones (节点) — scoped like the pages; creation and
bulk 交办 through tasks.services (which check who may dispatch); workflow actions on a task go through the
item endpoints (/api/items/<id>/…), because a key task is an item."""
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedModelViewSet
from org.models import Body, Person, Unit

from . import selectors, services
from .filters import KeyTaskFilter
from .models import KeyTask, Milestone


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "task", "title", "due_date", "done_at", "sort_order"]
        read_only_fields = fields


class KeyTaskSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    milestones_done = serializers.IntegerField(source="ms_done", read_only=True, default=None)
    milestones_total = serializers.IntegerField(source="ms_total", read_only=True, default=None)

    class Meta:
        model = KeyTask
        fields = ["id", "number", "title", "description", "kind", "owning_body", "area", "lead_unit", "co_units",
                  "responsible_leader", "parent", "target", "measures", "target_value", "target_unit", "year",
                  "original_due_date", "due_date", "supervision_level", "state", "light", "light_reason",
                  "progress_percent", "last_report_on", "milestones", "milestones_done", "milestones_total",
                  "version", "created_at", "updated_at"]
        read_only_fields = fields


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()


class KeyTaskCreateSerializer(serializers.Serializer):
    """One unit in `units` creates one task; two or more 交办 it to each unit (parent + one child per unit)."""

    title = serializers.CharField(max_length=200)
    owning_body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all())
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True), many=True,
                                               allow_empty=False)
    co_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True), many=True,
                                                  required=False)
    responsible_leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False,
                                                            allow_null=True)
    due_date = serializers.DateField()
    target = serializers.CharField()
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    target_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    target_unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    supervision_level = serializers.ChoiceField(choices=["normal", "key", "listed"], default="normal")
    milestones = MilestoneInputSerializer(many=True, required=False)


class BulkResultSerializer(serializers.Serializer):
    parent = KeyTaskSerializer()
    children = KeyTaskSerializer(many=True)


@extend_schema_view(
    list=extend_schema(summary="重点任务台账", description="Key tasks visible to the user (data scope + body membership)."),
    retrieve=extend_schema(summary="重点任务", description="One key task with its milestones; 404 outside the scope."),
)
class KeyTaskViewSet(ScopedModelViewSet):
    queryset = KeyTask.objects.all()
    serializer_class = KeyTaskSerializer
    filterset_class = KeyTaskFilter
    http_method_names = ["get", "post", "head", "options"]
    workflow_endpoint = True  # creation is checked by tasks.services (dispatcher of the body, leader, admin)

    def get_queryset(self):
        return selectors.task_list(self.request.user).prefetch_related("milestones", "co_units")

    def _create(self, request):
        serializer = KeyTaskCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = dict(serializer.validated_data)
        units = d.pop("units")
        co_units = d.pop("co_units", [])
        milestones = [(m["title"], m["due_date"]) for m in d.pop("milestones", [])]
        if len(units) > 1:
            parent, children = services.task_assign_bulk(actor=request.user, units=units, milestones=milestones, **d)
            return parent, children
        task = services.task_create(actor=request.user, lead_unit=units[0], co_units=co_units,
                                    milestones=milestones, **d)
        return task, None

    def _out(self, task):
        task = self.get_queryset().get(pk=task.pk)
        return KeyTaskSerializer(task, context={"request": self.request}).data

    @extend_schema(summary="新建重点任务", request=KeyTaskCreateSerializer,
                   responses={201: KeyTaskSerializer, 400: OpenApiResponse(description="invalid input"),
                              403: OpenApiResponse(description="not a dispatcher of the body")})
    def create(self, request, *args, **kwargs):
        """Create one key task for one unit (use /bulk_assign/ or several units for 批量交办)."""
        task, children = self._create(request)
        if children is not None:
            return Response({"parent": self._out(task), "children": [self._out(c) for c in children]},
                            status=status.HTTP_201_CREATED)
        return Response(self._out(task), status=status.HTTP_201_CREATED)

    @extend_schema(summary="批量交办", request=KeyTaskCreateSerializer,
                   responses={201: BulkResultSerializer, 400: OpenApiResponse(description="invalid input"),
                              403: OpenApiResponse(description="not a dispatcher of the body")})
    @action(detail=False, methods=["post"], url_path="bulk_assign")
    def bulk_assign(self, request):
        """交办 one task to two or more units: one parent task of the task force and one linked child per unit,
        all or nothing."""
        serializer = KeyTaskCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = dict(serializer.validated_data)
        d.pop("co_units", None)
        units = d.pop("units")
        milestones = [(m["title"], m["due_date"]) for m in d.pop("milestones", [])]
        parent, children = services.task_assign_bulk(actor=request.user, units=units, milestones=milestones, **d)
        return Response({"parent": self._out(parent), "children": [self._out(c) for c in children]},
                        status=status.HTTP_201_CREATED)


class MilestoneCompleteSerializer(serializers.Serializer):
    undo = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="节点", description="Milestones of the key tasks visible to the user."),
    retrieve=extend_schema(summary="节点"),
)
class MilestoneViewSet(ScopedModelViewSet):
    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_fields = ["task"]
    http_method_names = ["get", "post", "head", "options"]
    workflow_endpoint = True

    def get_queryset(self):
        return selectors.milestones_visible(self.request.user).order_by("task_id", "due_date", "sort_order", "pk")

    def create(self, request, *args, **kwargs):
        return Response({"detail": "节点随重点任务一起创建。Milestones are created with their task."},
                        status=status.HTTP_405_METHOD_NOT_ALLOWED)

    @extend_schema(summary="完成节点", request=MilestoneCompleteSerializer,
                   responses={200: MilestoneSerializer, 403: OpenApiResponse(description="not the lead unit")})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark the milestone done (or not done with undo=true); the task's light is recomputed."""
        milestone = self.get_object()
        serializer = MilestoneCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_complete(actor=request.user, milestone=milestone,
                                                undo=serializer.validated_data["undo"],
                                                note=serializer.validated_data["note"])
        return Response(MilestoneSerializer(milestone).data)


def register(router):
    router.register("tasks", KeyTaskViewSet, basename="keytask")
    router.register("milestones", MilestoneViewSet, basename="milestone")
