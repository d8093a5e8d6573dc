"""Base viewset: scoped queryset (404 outside the scope), writes through a domain service, re-check after
the write, the version for compare-and-swap from `If-Match` or the body's `version`."""
from django.db import transaction
from rest_framework import viewsets

from accounts.scope import visible_to
from core.errors import DomainError
from core.services import delete_object


def expected_version(request):
    value = request.headers.get("If-Match", "").strip('"W/ ')
    if not value and isinstance(request.data, dict):
        value = request.data.get("version")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ScopedModelViewSet(viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    service = None  # callable(actor, instance, data, expected_version, m2m) → obj

    def get_queryset(self):
        action = {"list": "view", "retrieve": "view", "create": "add", "update": "change",
                  "partial_update": "change", "destroy": "delete"}.get(self.action, "view")
        return visible_to(self.request.user, self.queryset.all(), action)

    def _recheck(self, obj):
        if not visible_to(self.request.user, type(obj)._default_manager.filter(pk=obj.pk)).exists():
            raise DomainError("保存后的记录超出了您的数据范围，操作已撤销。Outside your data scope; undone.")

    def write(self, serializer, instance=None):
        data = dict(serializer.validated_data)
        m2m = {k: data.pop(k) for k in list(data) if self.queryset.model._meta.get_field(k).many_to_many}
        data.pop("version", None)
        with transaction.atomic():
            obj = self.save_object(instance=instance, data=data, m2m=m2m,
                                   expected_version=expected_version(self.request) if instance else None)
            self._recheck(obj)
        serializer.instance = obj
        return obj

    def perform_create(self, serializer):
        self.write(serializer)

    def perform_update(self, serializer):
        self.write(serializer, instance=serializer.instance)

    def perform_destroy(self, instance):
        delete_object(instance, actor=self.request.user, expected_version=expected_version(self.request))

