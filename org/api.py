"""REST endpoints of the organisation and mechanism — scoped exactly like the pages, writes through org.services."""
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import ports
from core.api import ScopedModelViewSet
from core.masking import mask

from . import filters, services
from .models import Area, Body, Mechanism, Person, Seat, Unit


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "name", "code", "level", "parent", "path", "depth", "sort_order", "version"]
        read_only_fields = ["path", "depth", "version"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "area", "parent", "path", "sort_order", "is_active", "version"]
        read_only_fields = ["path", "version"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "unit", "title", "phone", "sort_order", "is_active", "version"]
        read_only_fields = ["version"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not ports.scope.may_see_personal_data(self.context["request"].user):
            data["phone"] = mask("phone", data["phone"])
        return data


class MechanismSerializer(serializers.ModelSerializer):
    shape = serializers.CharField(read_only=True)

    class Meta:
        model = Mechanism
        fields = ["id", "year", "name", "description", "shape", "copied_from", "version"]
        read_only_fields = ["copied_from", "version"]


class BodySerializer(serializers.ModelSerializer):
    class Meta:
        model = Body
        fields = ["id", "mechanism", "kind", "name", "short_name", "mission", "parent", "lead_unit", "member_units",
                  "sort_order", "version"]
        read_only_fields = ["version"]


class SeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seat
        fields = ["id", "mechanism", "body", "person", "post", "note", "sort_order"]


class MechanismCopySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)


class AreaViewSet(ScopedModelViewSet):
    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = filters.AreaFilter

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.area_save(actor=self.request.user, area=instance, data=data, expected_version=expected_version)


class UnitViewSet(ScopedModelViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = filters.UnitFilter

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.unit_save(actor=self.request.user, unit=instance, data=data, expected_version=expected_version)


class PersonViewSet(ScopedModelViewSet):
    queryset = Person.objects.select_related("unit")
    serializer_class = PersonSerializer
    filterset_class = filters.PersonFilter

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.person_save(actor=self.request.user, person=instance, data=data,
                                    expected_version=expected_version)


class MechanismViewSet(ScopedModelViewSet):
    queryset = Mechanism.objects.prefetch_related("bodies")
    serializer_class = MechanismSerializer
    filterset_class = filters.MechanismFilter

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.mechanism_save(actor=self.request.user, mechanism=instance, data=data,
                                       expected_version=expected_version)

    @action(detail=True, methods=["post"], serializer_class=MechanismCopySerializer)
    def copy(self, request, pk=None):
        """Copy this mechanism (bodies, member units, seats) to a new year; the source stays as history."""
        source = self.get_object()
        if not ports.scope.has_model_permission(request.user, Mechanism, "add"):
            raise PermissionDenied
        serializer = MechanismCopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = services.mechanism_copy(actor=request.user, source=source, year=serializer.validated_data["year"],
                                         name=serializer.validated_data.get("name") or None)
        return Response(MechanismSerializer(target, context={"request": request}).data, status=201)


class BodyViewSet(ScopedModelViewSet):
    queryset = Body.objects.prefetch_related("member_units")
    serializer_class = BodySerializer
    filterset_class = filters.BodyFilter

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.body_save(actor=self.request.user, body=instance, data=data,
                                  member_units=m2m.get("member_units"), expected_version=expected_version)


class SeatViewSet(ScopedModelViewSet):
    queryset = Seat.objects.select_related("person", "body")
    serializer_class = SeatSerializer
    filterset_fields = ["mechanism", "body", "person", "post"]

    def save_object(self, *, instance, data, m2m, expected_version):
        return services.seat_save(actor=self.request.user, seat=instance, data=data)


def register(router):
    router.register("areas", AreaViewSet)
    router.register("units", UnitViewSet)
    router.register("people", PersonViewSet)
    router.register("mechanisms", MechanismViewSet)
    router.register("bodies", BodyViewSet)
    router.register("seats", SeatViewSet)
