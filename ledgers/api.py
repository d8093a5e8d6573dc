"""REST endpoints of the defined ledgers — the same services, scope and validation as the pages:

    GET   /api/ledgers/                       the definitions (every signed-in user reads the schema)
    GET   /api/ledgers/{code}/                one definition with its fields
    GET   /api/ledgers/{code}/schema/         the JSON Schema of its entries' `data`
    GET   /api/ledger-entries/?ledger=code&…  entries (the list page's filters, the ledger's own included)
    POST  /api/ledger-entries/                {ledger, lead_unit, data} → ledgers.services.entry_create
    GET   /api/ledger-entries/{id}/           one entry, with the actions open to you
    PATCH /api/ledger-entries/{id}/           {data, lead_unit} with If-Match → entry_update (428/409)
    POST  /api/ledger-entries/{id}/actions/   a workflow action through items.services.perform()
    GET   /api/ledger-entries/{id}/timeline/

Invalid values answer 400 with {field key: [message]} — the messages of the form and the import
(ledgers.validation.clean_entry). Personal fields are masked unless your role may see them.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.personal import may_see_personal_data
from core.api import ERRORS, IF_MATCH, request_version
from items.kit import AvailableActionsField, ItemKindViewSet, ItemViewSetMixin

from . import fields as types
from . import selectors, services
from .filters import LedgerFilterSet, filterset_for
from .models import LedgerDefinition, LedgerEntry, LedgerField
from .validation import UNIT_KEY, Lookups


class LedgerFieldSerializer(serializers.ModelSerializer):
    dictionary = serializers.SlugRelatedField(slug_field="code", read_only=True)
    type = serializers.CharField(read_only=True, help_text="text, long_text, integer, decimal, date, datetime, "
                                                            "boolean, choice, multi_choice, unit, area, person, "
                                                            "phone, id_number, attachment, computed")

    class Meta:
        model = LedgerField
        fields = ["key", "label", "type", "unit", "dictionary", "required", "unique", "min_value", "max_value",
                  "pattern", "help_text", "in_list", "filterable", "exported", "personal", "formula", "removed"]
        read_only_fields = fields


class LedgerDefinitionSerializer(serializers.ModelSerializer):
    fields = LedgerFieldSerializer(many=True, read_only=True)
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = LedgerDefinition
        fields = ["code", "name", "description", "prefix", "kind", "owning_body", "unit_label", "title_field",
                  "workflow", "dekad_reports", "due_field", "yellow_days", "is_active", "schema_version", "version",
                  "fields"]
        read_only_fields = fields


def json_schema(definition):
    """The JSON Schema (2020-12) of `data` of the ledger's entries."""
    lookups = Lookups(definition)
    active = [f for f in definition.fields.all() if not f.removed]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": definition.name, "type": "object", "additionalProperties": False,
        "properties": {f.key: types.json_schema(f, lookups) for f in active},
        "required": [f.key for f in active if f.required and f.type not in ("computed", "attachment")],
        "x-version": definition.schema_version, "x-unit-field": {"key": UNIT_KEY, "label": definition.unit_label},
    }


@extend_schema_view(list=extend_schema(summary="自定义台账定义"), retrieve=extend_schema(summary="台账定义"))
class LedgerDefinitionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = LedgerDefinition.objects.prefetch_related("fields__dictionary").order_by("name")
    serializer_class = LedgerDefinitionSerializer
    lookup_field = "code"
    pagination_class = None

    @extend_schema(summary="台账字段的JSON Schema", responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]},
                   description="The JSON Schema of `data` of this ledger's entries: a property per field with its "
                               "type, format, choices (enum, x-labels), range, pattern, unit (x-unit) and personal "
                               "kind (x-personal).")
    @action(detail=True, methods=["get"], url_path="schema")
    def data_schema(self, request, code=None):
        definition = self.get_object()
        return Response(json_schema(definition))


class LedgerEntrySerializer(serializers.ModelSerializer):
    ledger = serializers.SlugRelatedField(source="definition", slug_field="code", read_only=True)
    lead_unit_name = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = ["id", "number", "title", "ledger", "kind", "lead_unit", "lead_unit_name", "area", "owning_body",
                  "state", "light", "light_reason", "due_date", "schema_version", "data", "version", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def get_lead_unit_name(self, obj) -> str:
        return str(obj.lead_unit) if obj.lead_unit_id else ""

    def get_data(self, obj) -> dict:
        request = self.context.get("request")
        if request is not None and may_see_personal_data(request.user):
            return obj.data
        return obj.masked_data(obj.definition.fields.all())


class LedgerEntryDetailSerializer(LedgerEntrySerializer):
    available_actions = AvailableActionsField()

    class Meta(LedgerEntrySerializer.Meta):
        fields = LedgerEntrySerializer.Meta.fields + ["available_actions"]
        read_only_fields = fields


class EntryInputSerializer(serializers.Serializer):
    ledger = serializers.CharField(help_text="the ledger's code (GET /api/ledgers/)")
    lead_unit = serializers.JSONField(required=False, help_text="the responsible unit: id or name")
    data = serializers.DictField(help_text="values by field key — see GET /api/ledgers/{code}/schema/")


class EntryChangeSerializer(serializers.Serializer):
    lead_unit = serializers.JSONField(required=False)
    data = serializers.DictField(required=False, default=dict)
    version = serializers.IntegerField(required=False, help_text="the version you saw (or If-Match)")


LEDGER = OpenApiParameter("ledger", OpenApiTypes.STR, description="the ledger's code: its own filters apply "
                                                                  "(a field key, key_min/_max, key_from/_to)")


@extend_schema_view(
    list=extend_schema(summary="自定义台账记录", parameters=[LEDGER]),
    retrieve=extend_schema(summary="台账记录", responses={200: LedgerEntryDetailSerializer, 404: ERRORS[404]}),
)
class LedgerEntryViewSet(ItemViewSetMixin, ItemKindViewSet):
    queryset = LedgerEntry.objects.all()
    serializer_class = LedgerEntrySerializer
    detail_serializer_class = LedgerEntryDetailSerializer
    workflow_endpoint = True  # who may create and change is the service's (may_write_for, may_edit)

    def _definition(self):
        code = self.request.query_params.get("ledger") if getattr(self, "request", None) else None
        if not code:
            return None
        definition = selectors.definition_by_code(code)
        if definition is None:
            raise NotFound()
        return definition

    @property
    def filterset_class(self):
        definition = self._definition() if getattr(self, "request", None) is not None else None
        return filterset_for(definition, self.request.user) if definition is not None else LedgerFilterSet

    def get_queryset(self):
        definition = self._definition() if self.action == "list" else None
        qs = selectors.entries_visible(self.request.user, definition).select_related("lead_unit", "definition")
        return qs.prefetch_related("definition__fields").order_by("-pk")

    def _out(self, entry, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=entry.pk)
        return Response(LedgerEntryDetailSerializer(fresh, context={"request": self.request}).data, status=code)

    @extend_schema(summary="登记台账记录", request=EntryInputSerializer,
                   responses={201: LedgerEntryDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]})
    def create(self, request, *args, **kwargs):
        payload = EntryInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        definition = selectors.definition_by_code(payload.validated_data["ledger"])
        if definition is None:
            raise NotFound()
        raw = dict(payload.validated_data["data"])
        if "lead_unit" in payload.validated_data:
            raw[UNIT_KEY] = payload.validated_data["lead_unit"]
        entry = services.entry_create(actor=request.user, definition=definition, raw=raw)
        return self._out(entry, status.HTTP_201_CREATED)

    @extend_schema(summary="修改台账记录", request=EntryChangeSerializer, parameters=[IF_MATCH],
                   responses={200: LedgerEntryDetailSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        payload = EntryChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        raw = dict(payload.validated_data.get("data") or {})
        if "lead_unit" in payload.validated_data:
            raw[UNIT_KEY] = payload.validated_data["lead_unit"]
        version = request_version(request, payload.validated_data.get("version"))
        entry = services.entry_update(actor=request.user, entry=entry, raw=raw, expected_version=version)
        return self._out(entry)


def register(router):
    router.register("ledgers", LedgerDefinitionViewSet, basename="ledger-definition")
    router.register("ledger-entries", LedgerEntryViewSet, basename="ledger-entry")
