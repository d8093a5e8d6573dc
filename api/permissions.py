"""API permissions: the same rule as the pages (accounts.scope); objects outside the scope answer 404
because viewsets fetch through `visible_to` in get_queryset."""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.scope import has_model_permission

ACTION_FOR_METHOD = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ScopedModelPermissions(BasePermission):
    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None or getattr(view, "workflow_endpoint", False):
            return True  # workflow actions check role and scope inside the service
        return has_model_permission(request.user, model, ACTION_FOR_METHOD.get(request.method, "change"))
