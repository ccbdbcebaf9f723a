"""REST API for households and their members. Addresses appear only masked."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action

from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.orgs.api.serializers import ScopedUnitField

from .. import choices
from ..filtersets.households import HouseholdFilterSet
from ..models import Household, HouseholdMember
from ..selectors.households import household_open
from ..services import households
from .common import PersonField, RelatedViewSet


class MemberSerializer(ModelSerializer):
    relationship_display = serializers.CharField(source="get_relationship_display")

    class Meta:
        model = HouseholdMember
        fields = ["id", "person", "relationship", "relationship_display", "joined_on"]


class HouseholdSerializer(ModelSerializer):
    masked_address = serializers.CharField(read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "name",
            "head",
            "masked_address",
            "notes",
            "org",
            "org_name",
            "is_sensitive",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members"]
        read_only_fields = fields


class HouseholdCreateSerializer(Serializer):
    org = ScopedUnitField(action="view", label=_("所属单位"))
    name = serializers.CharField(max_length=60, label=_("户名"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class HouseholdUpdateSerializer(Serializer):
    name = serializers.CharField(max_length=60, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class MemberAddSerializer(Serializer):
    person = PersonField()
    relationship = serializers.ChoiceField(choices=choices.Relationship.choices)
    joined_on = serializers.DateField(required=False, default=None)


@extend_schema_view(
    list=extend_schema(summary="家庭列表"),
    retrieve=extend_schema(summary="家庭详情（含成员）"),
    create=extend_schema(
        summary="新建家庭", request=HouseholdCreateSerializer, responses={201: HouseholdSerializer}
    ),
    partial_update=extend_schema(
        summary="修改家庭", request=HouseholdUpdateSerializer, responses={200: HouseholdSerializer}
    ),
)
class HouseholdViewSet(RelatedViewSet):
    model = Household
    serializer_class = HouseholdSerializer
    detail_serializer_class = HouseholdDetailSerializer
    filterset_class = HouseholdFilterSet
    change_actions = ("members",)

    def get_queryset(self):
        qs = Household.objects.restrict(self.request.user, self.scope_action())
        return qs.select_related("org").order_by("name", "id")

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        return household_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )

    def create(self, request, *args, **kwargs):
        data = self.validated(HouseholdCreateSerializer)
        return self.read(self.call(households.household_create, **data), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        household = self.get_object()
        data = self.validated(HouseholdUpdateSerializer, partial=True)
        values = {"name": household.name, "notes": household.notes, **data}
        values.setdefault("address", None)
        return self.read(self.call(households.household_update, household=household, **values))

    @extend_schema(
        summary="添加家庭成员",
        request=MemberAddSerializer,
        responses={201: HouseholdDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        household = self.get_object()
        data = self.validated(MemberAddSerializer)
        self.call(households.household_member_add, household=household, **data)
        return self.read(household, status.HTTP_201_CREATED)


def register(router) -> None:
    """Add this module's viewsets to the people API router."""
    router.register("households", HouseholdViewSet, basename="household")
