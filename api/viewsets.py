"""Base viewset: scoped queryset (404 outside the scope), writes through a domain service, re-check after
the write, the version for compare-and-swap from `If-Match` or the body's `version`."""
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import viewsets

from accounts.scope import visible_to
from core.errors import DomainError
from core.services import delete_object


def expected_version(request):
    """The version the caller last saw: `If-Match: "3"` (or W/"3"), else the body's `version`; None when
    neither is given. A value that is not a version is refused (400) rather than ignored, because ignoring
    it would turn a guarded write into a silent overwrite."""
    value = request.headers.get("If-Match", "").strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value and hasattr(request.data, "get"):
        value = request.data.get("version")
    if value in (None, ""):
        return None
    try:
        version = int(value)
    except (TypeError, ValueError):
        version = -1
    if version < 1:
        raise DomainError(_("If-Match 或 version 须为记录的版本号（正整数）。"), code="bad_version")
    return version


class ScopedModelViewSet(viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    service = None  # callable(actor, instance, data, expected_version, m2m) → obj

    def get_queryset(self):
        action = {"list": "view", "retrieve": "view", "create": "add", "update": "change",
                  "partial_update": "change", "destroy": "delete"}.get(self.action, "view")
        return visible_to(self.request.user, self.queryset.all(), action)

    def _recheck(self, obj):
        if not visible_to(self.request.user, type(obj)._default_manager.filter(pk=obj.pk)).exists():
            raise DomainError(_("保存后的记录超出了您的数据范围，操作已撤销。"))

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

