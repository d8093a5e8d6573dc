"""The API base every app's `api.py` builds on (DRF): the scoped viewset, its permission, pagination, the
error mapping, and the two request readers every write uses — the same in every endpoint:

    If-Match: "3"        (or the body's `version`)  the version the caller saw → compare-and-swap;
                         missing → 428, not a version → 400 (`core.services.require_version`)
    Idempotency-Key: k   a repeated request with the same key does nothing twice (header only)

The permission class and the pagination are in `core.api_permissions`: DRF resolves them from the settings
while it defines its own views, before this module (which subclasses those views) can be imported.
`api/` keeps only the router and the schema pages.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from . import ports
from .api_permissions import Pagination, ScopedModelPermissions  # noqa: F401  (re-exported: the API base)
from .errors import DomainError
from .services import delete_object, record_refusal, require_version

# --- request readers ----------------------------------------------------------------------------------


def request_version(request, body_version=None):
    """The version the caller saw: the `If-Match` header (`"3"`, `W/"3"`), else `body_version` (or the body's
    `version`). Refuses a missing (428) or malformed (400) version."""
    value = request.headers.get("If-Match", "").strip()
    if not value:
        value = body_version
        if value is None and hasattr(request.data, "get"):
            value = request.data.get("version")
    return require_version(value)


def idempotency_key(request):
    """The `Idempotency-Key` header (at most 64 characters), or None."""
    return (request.headers.get("Idempotency-Key") or "").strip()[:64] or None


IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                            description='the version you saw, e.g. "3" (compare-and-swap); or send "version" in '
                                        "the body. Required for changes: missing → 428")
IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                   description="repeat a request safely: the same key returns the first result")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    data = serializers.DictField(required=False)


ERRORS = {400: OpenApiResponse(ErrorSerializer, description="invalid input or action not allowed in this state"),
          403: OpenApiResponse(ErrorSerializer, description="your role may not do this"),
          404: OpenApiResponse(ErrorSerializer, description="no such row, or outside your data scope"),
          409: OpenApiResponse(ErrorSerializer, description="stale version: reload and try again"),
          428: OpenApiResponse(ErrorSerializer, description="no version given (If-Match or version)")}


# --- errors -------------------------------------------------------------------------------------------


def exception_handler(exc, context):
    """Map domain errors the way the pages do: ValidationError 400, PermissionDenied 403, NotFound 404,
    Conflict 409, PreconditionRequired 428 — never a 500. A refusal still owed to the audit log is written
    here, after the request's transaction ended."""
    record_refusal(exc)
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.data:
            body["data"] = exc.data
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    response = drf_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_403_FORBIDDEN and context["request"].user.is_anonymous:
        response.status_code = status.HTTP_401_UNAUTHORIZED
    return response


# --- the scoped viewset -------------------------------------------------------------------------------

VIEWSET_ACTIONS = {"list": "view", "retrieve": "view", "create": "add", "update": "change",
                   "partial_update": "change", "destroy": "delete"}


class ScopedQuerysetMixin:
    """`get_queryset` through `visible_to` (the one scope rule): 404 outside the scope, the action's model
    permission for writes."""

    def get_queryset(self):
        action = VIEWSET_ACTIONS.get(getattr(self, "action", None), "view")
        return ports.scope.visible_to(self.request.user, self.queryset.all(), action)

    def recheck_scope(self, obj):
        """After a write: the saved row must still be inside the user's scope (raised inside the write's
        transaction, so the write is undone)."""
        if not ports.scope.visible_to(self.request.user, type(obj)._default_manager.filter(pk=obj.pk)).exists():
            raise DomainError(_("保存后的记录超出了您的数据范围，操作已撤销。"))


class ScopedModelViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """Rows inside your data scope (others answer 404). Changes and deletes need the version you saw
    (If-Match or `version`): missing 428, stale 409."""

    # Writes go through write(): a subclass defines save_object(*, instance, data, m2m, expected_version)
    # calling its app's service. A viewset whose writes are its own create() (funds, signing events) needs none.

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def write(self, serializer, instance=None):
        data = dict(serializer.validated_data)
        m2m = {k: data.pop(k) for k in list(data) if self.queryset.model._meta.get_field(k).many_to_many}
        data.pop("version", None)
        version = request_version(self.request) if instance is not None else None
        with transaction.atomic():
            obj = self.save_object(instance=instance, data=data, m2m=m2m, expected_version=version)
            self.recheck_scope(obj)
        serializer.instance = obj
        return obj

    def perform_create(self, serializer):
        self.write(serializer)

    def perform_update(self, serializer):
        self.write(serializer, instance=serializer.instance)

    def perform_destroy(self, instance):
        delete_object(instance, actor=self.request.user, expected_version=request_version(self.request))
