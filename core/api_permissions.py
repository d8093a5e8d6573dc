"""The API's default permission and pagination (settings.REST_FRAMEWORK). DRF imports them while it
defines its own views, so they live apart from `core.api` (which subclasses those views)."""
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import ports

ACTION_FOR_METHOD = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ScopedModelPermissions(BasePermission):
    """Signed-in users only; a write also needs the model permission from one of the user's roles. Rows are
    scoped by the viewsets' `get_queryset` (404 outside the scope). Workflow endpoints check role and scope
    in the service instead."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None or getattr(view, "workflow_endpoint", False):
            return True
        return ports.scope.has_model_permission(request.user, model, ACTION_FOR_METHOD.get(request.method, "change"))


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
