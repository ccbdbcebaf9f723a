"""/api/cadres/: the roster (read) and contact-point visits (read, record). Same restrict()
scoping, filters and services as the pages. A visit's findings and follow-up (what she heard
at people's doors) appear only in the detail response, and each such reading is logged."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from jinguo.cases.models import Category
from jinguo.core import audit
from jinguo.core.api import ScopedModelViewSet
from jinguo.core.ids import MAX_ID
from jinguo.core.serializers import ModelSerializer, Serializer

from ..choices import VisitWay
from ..filtersets import ContactVisitFilterSet, PositionFilterSet
from ..models import ContactVisit, Position
from ..services import contacts


class PositionSerializer(ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    position_type = serializers.CharField(source="position_type.code", read_only=True)
    position_name = serializers.CharField(source="position_type.name", read_only=True)
    is_executive = serializers.BooleanField(source="position_type.is_executive", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "person",
            "person_name",
            "position_type",
            "position_name",
            "is_executive",
            "employment",
            "org",
            "org_name",
            "started_on",
            "ended_on",
            "election",
            "helps_with",
            "public_contact",
        ]
        read_only_fields = fields


# The unit filter takes a unit id (its subtree); the schema would otherwise call it a string.
UNIT_PARAM = OpenApiParameter("unit", int, description="单位 id：该单位及其全部下级")


@extend_schema_view(
    list=extend_schema(summary="任职名册（默认现任；state=all 含历史）", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="任职详情"),
)
class PositionViewSet(ScopedModelViewSet):
    model = Position
    serializer_class = PositionSerializer
    filterset_class = PositionFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "position_type", "org")
            .order_by("org_path", "position_type__sort", "id")
        )


class ContactVisitSerializer(ModelSerializer):
    place_name = serializers.CharField(source="point.place.name", read_only=True)
    case_number = serializers.CharField(
        source="case.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ContactVisit
        fields = [
            "id",
            "point",
            "place_name",
            "visited_on",
            "way",
            "met_whom",
            "case",
            "case_number",
            "recorded_by",
            "org",
        ]
        read_only_fields = fields


class ContactVisitDetailSerializer(ContactVisitSerializer):
    class Meta(ContactVisitSerializer.Meta):
        fields = [*ContactVisitSerializer.Meta.fields, "findings", "follow_up"]
        read_only_fields = fields


class ContactVisitInput(Serializer):
    point = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    visited_on = serializers.DateField()
    way = serializers.ChoiceField(choices=VisitWay.choices, default=VisitWay.IN_PERSON)
    met_whom = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    findings = serializers.CharField(max_length=4000)
    follow_up = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    appeal_summary = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    appeal_category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
    )
    appeal_narrative = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


@extend_schema_view(
    list=extend_schema(summary="联系点走访记录"),
    retrieve=extend_schema(
        summary="走访详情（含了解到的情况，查看记入审计）",
        responses={200: ContactVisitDetailSerializer},
    ),
    create=extend_schema(
        summary="记录联系点走访（填写 appeal_summary 时登记为个案）",
        request=ContactVisitInput,
        responses={201: ContactVisitDetailSerializer},
    ),
)
class ContactVisitViewSet(ScopedModelViewSet):
    model = ContactVisit
    serializer_class = ContactVisitSerializer
    filterset_class = ContactVisitFilterSet
    http_method_names = ["get", "head", "options", "post"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("point__place", "case")
            .order_by("-visited_on", "-id")
        )

    def retrieve(self, request, *args, **kwargs):
        visit = self.get_object()
        audit.record_open(request.user, visit, channel="api")
        return Response(ContactVisitDetailSerializer(visit).data)

    def create(self, request, *args, **kwargs):
        data = ContactVisitInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        point = get_object_or_404(contacts.visitable_points(request.user), pk=d["point"])
        appeal = None
        if d["appeal_summary"].strip():
            appeal = {
                "summary": d["appeal_summary"],
                "category": d["appeal_category"],
                "narrative": d["appeal_narrative"],
            }
        visit = contacts.visit_record(
            user=request.user,
            point=point,
            visited_on=d["visited_on"],
            way=d["way"],
            met_whom=d["met_whom"],
            findings=d["findings"],
            follow_up=d["follow_up"],
            appeal=appeal,
        )
        return Response(ContactVisitDetailSerializer(visit).data, status=status.HTTP_201_CREATED)
