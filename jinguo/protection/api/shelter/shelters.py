"""API of shelters and stays (the address masked unless she may locate the shelter)."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.core.api import ScopedModelViewSet
from jinguo.core.serializers import ModelSerializer, Serializer

from ... import choices
from ...filtersets.shelter import ShelterFilterSet, StayFilterSet
from ...forms.shelter import ADDRESS_HIDDEN
from ...models import Shelter, ShelterStay
from ...selectors import shelter as selectors
from ...services import shelter as services
from .common import (
    AgencyField,
    CaseField,
    IdListField,
    PersonField,
    ShelterField,
    StaffField,
    UnitField,
)

# --- shelters -------------------------------------------------------------------------------


class ShelterSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    occupied = serializers.IntegerField(read_only=True)
    free_beds = serializers.IntegerField(read_only=True)
    address = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    address_visible = serializers.SerializerMethodField()

    class Meta:
        model = Shelter
        fields = [
            "id",
            "name",
            "org",
            "org_name",
            "agency",
            "rooms",
            "beds",
            "occupied",
            "free_beds",
            "is_active",
            "address",
            "phone",
            "address_visible",
        ]
        read_only_fields = fields

    def _located(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and selectors.may_locate(request.user, obj)

    def get_address(self, obj) -> str:
        return obj.address if self._located(obj) else str(ADDRESS_HIDDEN)

    def get_phone(self, obj) -> str:
        return obj.phone if self._located(obj) else str(ADDRESS_HIDDEN)

    def get_address_visible(self, obj) -> bool:
        return self._located(obj)


class ShelterWriteSerializer(Serializer):
    org = UnitField(required=False)
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    rooms = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    beds = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    agency = AgencyField(required=False, allow_null=True)
    is_active = serializers.BooleanField(default=True)
    staff = IdListField(child=StaffField(), required=False, default=list)


class ShelterViewSet(ScopedModelViewSet):
    model = Shelter
    serializer_class = ShelterSerializer
    filterset_class = ShelterFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.with_occupancy(
            Shelter.objects.restrict(self.request.user, self.scope_action()).select_related("org")
        ).order_by("name", "pk")

    def _read(self, shelter, code=status.HTTP_200_OK):
        found = selectors.shelters_with_occupancy(self.request.user).filter(pk=shelter.pk).first()
        data = self.get_serializer(found).data if found else {"id": shelter.pk}
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        shelter, _located = selectors.shelter_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(self.get_serializer(shelter).data)

    @extend_schema(request=ShelterWriteSerializer, responses={201: ShelterSerializer})
    def create(self, request, *args, **kwargs):
        s = ShelterWriteSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data.setdefault("org", request.user.home_unit)
        data.setdefault("address", "")  # required: the service says so in Chinese
        return self._read(
            services.shelter_create(user=request.user, **data), status.HTTP_201_CREATED
        )

    @extend_schema(request=ShelterWriteSerializer, responses={200: ShelterSerializer})
    def partial_update(self, request, *args, **kwargs):
        shelter = self.get_object()
        s = ShelterWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        s.is_valid(raise_exception=True)
        data = {
            "name": shelter.name,
            "rooms": shelter.rooms,
            "beds": shelter.beds,
            "agency": shelter.agency,
            "is_active": shelter.is_active,
            "staff": list(shelter.staff.all()),
            "address": "",
            "phone": None,
            **s.validated_data,
        }
        data.pop("org", None)
        return self._read(services.shelter_update(user=request.user, shelter=shelter, **data))


# --- stays ----------------------------------------------------------------------------------


class StaySerializer(ModelSerializer):
    person_name = serializers.CharField(source="person.masked_name", read_only=True)
    shelter_name = serializers.CharField(source="shelter.name", read_only=True)
    shelter_address = serializers.SerializerMethodField()
    children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ShelterStay
        fields = [
            "id",
            "person",
            "person_name",
            "case",
            "shelter",
            "shelter_name",
            "shelter_address",
            "children",
            "admitted_at",
            "planned_leave_on",
            "left_at",
            "destination",
            "over_capacity",
            "overdue",
            "org",
            "version",
        ]
        read_only_fields = fields

    def get_shelter_address(self, obj) -> str:
        request = self.context.get("request")
        if request is not None and selectors.may_locate(request.user, obj.shelter):
            return obj.shelter.address
        return str(ADDRESS_HIDDEN)

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        return obj.left_at is None and obj.planned_leave_on < timezone.localdate()


class StayDetailSerializer(StaySerializer):
    class Meta(StaySerializer.Meta):
        fields = [*StaySerializer.Meta.fields, "reason", "destination_note"]
        read_only_fields = fields


class StayAdmitSerializer(Serializer):
    shelter = ShelterField()
    person = PersonField()
    case = CaseField(required=False, allow_null=True)
    children = IdListField(child=PersonField(), required=False, default=list)
    admitted_at = serializers.DateTimeField()
    planned_leave_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
    confirm_full = serializers.BooleanField(default=False)


class StayLeaveSerializer(Serializer):
    left_at = serializers.DateTimeField()
    destination = serializers.ChoiceField(choices=choices.StayDestination.choices)
    destination_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class StayViewSet(ScopedModelViewSet):
    model = ShelterStay
    serializer_class = StaySerializer
    filterset_class = StayFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action == "leave":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def scope_action(self):
        return "change" if self.action == "leave" else "view"

    def get_queryset(self):
        return (
            ShelterStay.objects.restrict(self.request.user, self.scope_action())
            .select_related("shelter", "person")
            .prefetch_related("children")
            .order_by("-admitted_at", "-pk")
        )

    def get_serializer_class(self):
        return StaySerializer if self.action == "list" else StayDetailSerializer

    def _read(self, stay, code=status.HTTP_200_OK):
        found = (
            self.get_queryset()
            .model.objects.restrict(self.request.user, "view")
            .filter(pk=stay.pk)
            .first()
        )
        data = (
            StayDetailSerializer(found, context=self.get_serializer_context()).data
            if found
            else {"id": stay.pk}
        )
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        stay = selectors.stay_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(StayDetailSerializer(stay, context=self.get_serializer_context()).data)

    @extend_schema(request=StayAdmitSerializer, responses={201: StayDetailSerializer})
    def create(self, request, *args, **kwargs):
        s = StayAdmitSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        stay = services.stay_admit(user=request.user, **s.validated_data)
        return self._read(stay, status.HTTP_201_CREATED)

    @extend_schema(
        summary="登记离开庇护场所",
        request=StayLeaveSerializer,
        responses={200: StayDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        stay = self.get_object()
        s = StayLeaveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.stay_leave(user=request.user, stay=stay, **s.validated_data)
        return self._read(stay)
