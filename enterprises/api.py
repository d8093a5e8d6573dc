"""REST endpoints of the enterprise database — scoped like the pages, writes through enterprises.services,
personal data (contact name and phone) masked unless the role may see it."""
from rest_framework import serializers

from accounts.personal import may_see_personal_data
from core.api import ScopedModelViewSet, request_version
from core.masking import mask

from . import filters, services
from .models import Enterprise, Pairing, Visit


class MaskedSerializerMixin:
    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not may_see_personal_data(getattr(request, "user", None)):
            for field, kind in (getattr(instance, "personal_fields", {}) or {}).items():
                if data.get(field):
                    data[field] = mask(kind, data[field])
        return data


class EnterpriseSerializer(MaskedSerializerMixin, serializers.ModelSerializer):
    credit_code = serializers.CharField(max_length=30)  # uniqueness and check character: the service

    class Meta:
        model = Enterprise
        fields = ["id", "credit_code", "name", "industry", "scale", "address", "area", "unit", "building",
                  "contact_name", "contact_phone", "tags", "version"]
        read_only_fields = ["version"]


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "enterprise", "date", "unit", "cadres", "findings", "appeals_raised", "created_at"]
        read_only_fields = ["appeals_raised", "created_at"]
        extra_kwargs = {"unit": {"required": False}}  # defaults to the user's own unit


class PairingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pairing
        fields = ["id", "person", "enterprise", "year"]


class EnterpriseViewSet(ScopedModelViewSet):
    queryset = Enterprise.objects.select_related("area", "unit")
    serializer_class = EnterpriseSerializer
    filterset_class = filters.EnterpriseFilter

    def save_object(self, *, instance, data, m2m, expected_version):
        if instance is None:
            return services.enterprise_create(actor=self.request.user, data=data)
        return services.enterprise_update(actor=self.request.user, enterprise=instance, data=data,
                                          expected_version=expected_version)

    def perform_destroy(self, instance):
        services.enterprise_delete(actor=self.request.user, enterprise=instance,
                                   expected_version=request_version(self.request))


class VisitViewSet(ScopedModelViewSet):
    queryset = Visit.objects.select_related("enterprise", "unit").prefetch_related("cadres")
    serializer_class = VisitSerializer
    filterset_class = filters.VisitFilter
    http_method_names = ["get", "post", "head", "options"]

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.visit_create(actor=self.request.user, enterprise=data["enterprise"], date=data["date"],
                                     unit=data.get("unit"), cadres=m2m.get("cadres", ()),
                                     findings=data.get("findings", ""))


class PairingViewSet(ScopedModelViewSet):
    queryset = Pairing.objects.select_related("person", "enterprise")
    serializer_class = PairingSerializer
    filterset_class = filters.PairingFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.pairing_create(actor=self.request.user, **data)

    def perform_destroy(self, instance):
        services.pairing_delete(actor=self.request.user, pairing=instance)


def register(router):
    router.register("enterprises", EnterpriseViewSet)
    router.register("visits", VisitViewSet)
    router.register("pairings", PairingViewSet)
