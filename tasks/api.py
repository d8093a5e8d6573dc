"""REST endpoints of key tasks (重点任务) and their milestones (节点), declared on items.kit — scoped like the
pages (visible_to), filtered with the ledger page's FilterSet:

    GET  /api/tasks/                    list (tasks.filters.KeyTaskFilter)
    GET  /api/tasks/{id}/               one task, with the actions open to you
    POST /api/tasks/{id}/actions/       a workflow action through items.services.perform() — the version in
                                        If-Match (or "version"; missing → 428, malformed → 400),
                                        Idempotency-Key header; 201 new, 200 replayed, 409 stale
    GET  /api/tasks/{id}/timeline/      its timeline
    POST /api/tasks/, /bulk_assign/     create / 批量交办 through tasks.services (who may dispatch: a refusal
                                        answers 403 and is audited)
    GET  /api/milestones/, POST /api/milestones/{id}/complete/
"""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ERRORS, ScopedQuerysetMixin
from items.kit import AvailableActionsField, ItemKindViewSet, ItemViewSetMixin
from org.models import Body, Person, Unit

from . import selectors, services
from .filters import KeyTaskFilter, MilestoneFilter
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


class KeyTaskDetailSerializer(KeyTaskSerializer):
    available_actions = AvailableActionsField()

    class Meta(KeyTaskSerializer.Meta):
        fields = KeyTaskSerializer.Meta.fields + ["available_actions"]
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
    retrieve=extend_schema(summary="重点任务", description="One key task with its milestones and the actions open "
                                                         "to you; 404 outside the scope.",
                           responses={200: KeyTaskDetailSerializer, 404: ERRORS[404]}),
)
class KeyTaskViewSet(ItemViewSetMixin, ItemKindViewSet):
    queryset = KeyTask.objects.all()
    serializer_class = KeyTaskSerializer
    detail_serializer_class = KeyTaskDetailSerializer
    filterset_class = KeyTaskFilter
    workflow_endpoint = True  # creation is checked by tasks.services (dispatcher of the body, leader, admin)

    def get_queryset(self):
        return selectors.task_list(self.request.user).prefetch_related("milestones", "co_units")

    def _payload(self, request):
        serializer = KeyTaskCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = dict(serializer.validated_data)
        d["milestones"] = [(m["title"], m["due_date"]) for m in d.pop("milestones", [])]
        return d.pop("units"), d.pop("co_units", []), d

    def _out(self, task):
        task = self.get_queryset().get(pk=task.pk)
        return KeyTaskSerializer(task, context={"request": self.request}).data

    def _bulk(self, request, units, d):
        parent, children = services.task_assign_bulk(actor=request.user, units=units, **d)
        return Response({"parent": self._out(parent), "children": [self._out(c) for c in children]},
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="新建重点任务", request=KeyTaskCreateSerializer,
                   responses={201: KeyTaskSerializer, 400: ERRORS[400], 403: ERRORS[403]})
    def create(self, request, *args, **kwargs):
        """Create one key task for one unit (several units: 批量交办, as /bulk_assign/)."""
        units, co_units, d = self._payload(request)
        if len(units) > 1:
            return self._bulk(request, units, d)
        task = services.task_create(actor=request.user, lead_unit=units[0], co_units=co_units, **d)
        return Response(self._out(task), status=status.HTTP_201_CREATED)

    @extend_schema(summary="批量交办", request=KeyTaskCreateSerializer,
                   responses={201: BulkResultSerializer, 400: ERRORS[400], 403: ERRORS[403]})
    @action(detail=False, methods=["post"], url_path="bulk_assign")
    def bulk_assign(self, request):
        """交办 one task to two or more units: one parent task of the task force and one linked child per unit,
        all or nothing."""
        units, _co_units, d = self._payload(request)
        return self._bulk(request, units, d)


class MilestoneCompleteSerializer(serializers.Serializer):
    undo = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="节点", description="Milestones of the key tasks visible to the user."),
    retrieve=extend_schema(summary="节点"),
)
class MilestoneViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Milestones are created with their task; `complete/` marks one done (tasks.services.milestone_complete)."""

    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    workflow_endpoint = True  # who may complete is checked by the service

    def get_queryset(self):
        return selectors.milestones_visible(self.request.user).order_by("task_id", "due_date", "sort_order", "pk")

    @extend_schema(summary="完成节点", request=MilestoneCompleteSerializer,
                   responses={200: MilestoneSerializer, 403: ERRORS[403], 404: ERRORS[404]})
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
