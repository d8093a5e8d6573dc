"""REST endpoints of 抓大引大: projects (declared on items.kit: the ledger page's FilterSet, figures for
?year=&month=, `actions/` and `timeline/` through items.services.perform()), monthly investment reports,
stages, signing events and carriers — scoped like the pages (visible_to); every write goes through
projects.services (which checks who may: a refusal answers 403 and is audited), bad input answers 400 with
the Chinese message, a change of a versioned row needs If-Match (missing → 428)."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.scope import get_scoped_or_404, visible_to
from core.api import ERRORS, ScopedModelViewSet
from items.kit import AvailableActionsField, ItemKindViewSet, ItemViewSetMixin
from items.models import ItemState
from org.models import Area, Body, Person, Unit

from . import selectors, services
from .filters import ProjectFilter, ProjectRowFilter
from .models import (
    Carrier,
    CarrierKind,
    InvestmentReport,
    Project,
    ProjectCategory,
    ProjectList,
    ProjectStage,
    SignedProject,
    SigningEvent,
    SigningEventKind,
    Stage,
)
from .views import figures_period


def inline_choice(choices, **kwargs):
    """A ChoiceField documented as a string listing its values (no shared enum component), so fields named
    like other apps' fields (category, state) never collide in the OpenAPI document. Input is still
    checked against the choices."""
    text = "；".join(f"{value} {label}" for value, label in choices)

    @extend_schema_field({"type": "string", "description": text})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


PERIOD = [OpenApiParameter("year", OpenApiTypes.INT, description="统计年度（默认：最近有填报的年度）"),
          OpenApiParameter("month", OpenApiTypes.INT, description="截至月份 1–12")]


class ProjectSerializer(serializers.ModelSerializer):
    category = inline_choice(ProjectCategory.choices, read_only=True)
    state = inline_choice(ItemState.choices, read_only=True)
    current_stage = serializers.CharField(read_only=True, help_text="当前阶段：signed 签约 / registered 注册 / "
                                                                    "land 供地 / started 开工 / completed 竣工投产；空=未签约")
    plan_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, default=None,
                                           help_text="年度计划投资（万元）")
    done_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, default=None,
                                           help_text="年度累计完成投资（万元）")
    completion_rate = serializers.SerializerMethodField(help_text="完成率（%）= 累计完成投资 ÷ 年度计划投资")

    class Meta:
        model = Project
        fields = ["id", "number", "title", "lists", "category", "construction_content", "total_investment",
                  "investor", "carrier", "lng", "lat", "current_stage", "image_progress", "problems", "lead_unit",
                  "owning_body", "area", "responsible_leader", "state", "light", "light_reason", "plan_amount",
                  "done_amount", "completion_rate", "version"]
        read_only_fields = fields

    def get_completion_rate(self, obj) -> float | None:
        r = selectors.rate(getattr(obj, "done_amount", 0) or 0, getattr(obj, "plan_amount", 0) or 0)
        return float(r) if r is not None else None


class ProjectDetailSerializer(ProjectSerializer):
    available_actions = AvailableActionsField()

    class Meta(ProjectSerializer.Meta):
        fields = ProjectSerializer.Meta.fields + ["available_actions"]
        read_only_fields = fields


class ProjectCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owning_body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all())
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    lists = serializers.PrimaryKeyRelatedField(queryset=ProjectList.objects.all(), many=True, required=False)
    responsible_leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False,
                                                            allow_null=True)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    category = inline_choice(ProjectCategory.choices, default=ProjectCategory.INDUSTRY)
    construction_content = serializers.CharField(required=False, allow_blank=True, default="")
    total_investment = serializers.CharField(help_text="总投资（万元）")
    investor = serializers.CharField(required=False, allow_blank=True, default="")
    carrier = serializers.PrimaryKeyRelatedField(queryset=Carrier.objects.all(), required=False, allow_null=True)
    plan_year = serializers.IntegerField(required=False, allow_null=True)
    planned_amount = serializers.CharField(required=False, allow_blank=True, help_text="年度计划投资（万元）")


@extend_schema_view(
    list=extend_schema(summary="重大重点项目台账", parameters=PERIOD,
                       description="Projects visible to the user, with the ledger page's filters; plan/done/rate "
                                   "for ?year=&month=."),
    retrieve=extend_schema(summary="重大重点项目", parameters=PERIOD,
                           responses={200: ProjectDetailSerializer, 404: ERRORS[404]}),
    create=extend_schema(summary="新建项目", request=ProjectCreateSerializer,
                         responses={201: ProjectSerializer, 400: ERRORS[400], 403: ERRORS[403]}),
)
class ProjectViewSet(ItemViewSetMixin, ItemKindViewSet):
    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    detail_serializer_class = ProjectDetailSerializer
    filterset_class = ProjectFilter
    workflow_endpoint = True  # services (and perform()) check who may

    def get_queryset(self):
        year, month = figures_period(self.request)
        qs = visible_to(self.request.user, Project.objects.all()).prefetch_related("lists").order_by("-pk")
        return selectors.with_figures(qs, year, month)

    def create(self, request, *args, **kwargs):
        data = ProjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(actor=request.user, **data.validated_data)
        obj = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(obj).data, status=status.HTTP_201_CREATED)


class InvestmentReportSerializer(serializers.ModelSerializer):
    cumulative_amount = serializers.CharField(help_text="年度累计完成投资（万元）")

    class Meta:
        model = InvestmentReport
        fields = ["id", "project", "year", "month", "cumulative_amount", "note", "is_correction", "correction_note",
                  "reported_by", "reported_at"]
        read_only_fields = ["id", "is_correction", "reported_by", "reported_at"]
        validators = []  # the service checks uniqueness (a repeat month is a correction)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["cumulative_amount"] = str(instance.cumulative_amount)
        return data


class _ProjectChildViewSet(ScopedModelViewSet):
    """Rows belonging to a project: seen by whoever sees the project; ?project= narrows to one."""

    http_method_names = ["get", "post", "head", "options"]
    workflow_endpoint = True
    filterset_class = ProjectRowFilter

    def get_queryset(self):
        visible = visible_to(self.request.user, Project.objects.all()).values("pk")
        return self.queryset.filter(project__in=visible)

    def project(self, pk):
        return get_scoped_or_404(self.request.user, Project.objects.all(), pk=getattr(pk, "pk", pk))


@extend_schema_view(list=extend_schema(summary="月度投资完成情况"),
                    retrieve=extend_schema(summary="月度投资完成情况"),
                    create=extend_schema(summary="填报月度投资（责任单位）"))
class InvestmentReportViewSet(_ProjectChildViewSet):
    queryset = InvestmentReport.objects.order_by("project", "year", "month")
    serializer_class = InvestmentReportSerializer

    def create(self, request, *args, **kwargs):
        ser = InvestmentReportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        row = services.investment_report(actor=request.user, project=self.project(d["project"]), year=d["year"],
                                         month=d["month"], cumulative_amount=d["cumulative_amount"],
                                         note=d.get("note", ""), correction_note=d.get("correction_note", ""))
        return Response(InvestmentReportSerializer(row).data, status=status.HTTP_201_CREATED)


class ProjectStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectStage
        fields = ["id", "project", "stage", "date", "note", "skipped", "skip_reason", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "skipped", "recorded_by", "recorded_at"]
        validators = []

    def validate_stage(self, value):
        if value not in Stage.values:
            raise serializers.ValidationError("未知的项目阶段。")
        return value


@extend_schema_view(list=extend_schema(summary="项目阶段"),
                    retrieve=extend_schema(summary="项目阶段"),
                    create=extend_schema(summary="记录项目阶段（按顺序；跳过须说明原因）"))
class ProjectStageViewSet(_ProjectChildViewSet):
    queryset = ProjectStage.objects.order_by("project", "pk")
    serializer_class = ProjectStageSerializer

    def create(self, request, *args, **kwargs):
        ser = ProjectStageSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        row = services.stage_record(actor=request.user, project=self.project(d["project"]), stage=d["stage"],
                                    date=d["date"], note=d.get("note", ""), skip_reason=d.get("skip_reason", ""))
        return Response(ProjectStageSerializer(row).data, status=status.HTTP_201_CREATED)


class SignedProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = SignedProject
        fields = ["project", "amount"]


class SigningEventSerializer(serializers.ModelSerializer):
    signed = serializers.SerializerMethodField(help_text="本人可见的签约项目及签约金额（万元）")

    class Meta:
        model = SigningEvent
        fields = ["id", "name", "kind", "date", "place", "owning_body", "note", "signed", "version"]
        read_only_fields = ["id", "signed", "version"]

    def get_signed(self, obj) -> list[dict]:
        request = self.context.get("request")
        visible = visible_to(request.user, Project.objects.all()).values("pk") if request else Project.objects.none()
        return SignedProjectSerializer(obj.signed.filter(project__in=visible), many=True).data


@extend_schema_view(list=extend_schema(summary="签约活动"), retrieve=extend_schema(summary="签约活动"),
                    create=extend_schema(summary="登记签约活动"))
class SigningEventViewSet(ScopedModelViewSet):
    queryset = SigningEvent.objects.order_by("-date", "pk")
    serializer_class = SigningEventSerializer
    http_method_names = ["get", "post", "head", "options"]
    workflow_endpoint = True

    def get_queryset(self):
        return visible_to(self.request.user, self.queryset.all())

    def create(self, request, *args, **kwargs):
        ser = SigningEventSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        event = services.signing_event_create(actor=request.user, name=d["name"], kind=d["kind"], date=d["date"],
                                              owning_body=d.get("owning_body"), place=d.get("place", ""),
                                              note=d.get("note", ""))
        return Response(SigningEventSerializer(event, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class CarrierSerializer(serializers.ModelSerializer):
    utilisation_rate = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True,
                                                help_text="利用率（%）= 已入驻面积 ÷ 可招商面积")

    class Meta:
        model = Carrier
        fields = ["id", "name", "kind", "area", "managing_unit", "address", "total_area", "usable_area",
                  "occupied_area", "tenants", "theme", "lng", "lat", "utilisation_rate", "version"]
        read_only_fields = ["id", "utilisation_rate", "version"]


@extend_schema_view(list=extend_schema(summary="招商载体"), retrieve=extend_schema(summary="招商载体"),
                    create=extend_schema(summary="新增招商载体"), update=extend_schema(summary="修改招商载体"),
                    partial_update=extend_schema(summary="修改招商载体"))
class CarrierViewSet(ScopedModelViewSet):
    queryset = Carrier.objects.order_by("name", "pk")
    serializer_class = CarrierSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    workflow_endpoint = True

    def get_queryset(self):
        return visible_to(self.request.user, self.queryset.all())

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.carrier_save(actor=self.request.user, carrier=instance, data=data,
                                     expected_version=expected_version)


def register(router):
    """Register this app's viewsets on the shared router."""
    router.register("projects", ProjectViewSet, basename="project")
    router.register("project-investment", InvestmentReportViewSet, basename="project-investment")
    router.register("project-stages", ProjectStageViewSet, basename="project-stage")
    router.register("signing-events", SigningEventViewSet, basename="signing-event")
    router.register("carriers", CarrierViewSet, basename="carrier")


__all__ = ["register", "CarrierKind", "SigningEventKind"]
