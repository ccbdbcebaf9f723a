"""/api/volunteers/: 妇女议事会 — councils with their members, meetings, resolutions with
their follow-ups (and recording one). Scoped by restrict() like the pages; 404 outside."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.core.masking import mask_name
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.people.models import Person

from ..filtersets import CouncilFilterSet, MeetingFilterSet, ResolutionFilterSet
from ..models import Council, Meeting, Resolution
from ..services import councils
from .common import UNIT_PARAM, ActionsViewSet, ReadOnlyViewSet


class CouncilMemberSerializer(Serializer):
    person = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    joined_on = serializers.DateField()


class CouncilSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Council
        fields = ["id", "name", "org", "org_name", "founded_on"]
        read_only_fields = fields


class CouncilDetailSerializer(CouncilSerializer):
    members = serializers.SerializerMethodField()

    class Meta(CouncilSerializer.Meta):
        fields = [*CouncilSerializer.Meta.fields, "members"]
        read_only_fields = fields

    @extend_schema_field(CouncilMemberSerializer(many=True))
    def get_members(self, obj):
        # A member's name in full only to who may open her person record.
        user = self.context["request"].user
        members = list(obj.members.select_related("person"))
        visible = set(
            Person.objects.restrict(user, "view")
            .filter(pk__in=[m.person_id for m in members])
            .values_list("pk", flat=True)
        )
        return CouncilMemberSerializer(
            [
                {
                    "person": m.person_id,
                    "name": m.person.name if m.person_id in visible else mask_name(m.person.name),
                    "role": m.role,
                    "joined_on": m.joined_on,
                }
                for m in members
            ],
            many=True,
        ).data


@extend_schema_view(
    list=extend_schema(summary="妇女议事会", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="妇女议事会详情（含成员）", responses=CouncilDetailSerializer),
)
class CouncilViewSet(ReadOnlyViewSet):
    model = Council
    serializer_class = CouncilSerializer
    filterset_class = CouncilFilterSet

    def get_serializer_class(self):
        return CouncilDetailSerializer if self.action == "retrieve" else CouncilSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("org").order_by("org_path", "id")


class MeetingSerializer(ModelSerializer):
    council_name = serializers.CharField(source="council.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "council", "council_name", "org", "held_on", "topics", "discussion"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="议事会会议", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="议事会会议详情"),
)
class MeetingViewSet(ReadOnlyViewSet):
    model = Meeting
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("council").order_by("-held_on", "-id")


class ResolutionFollowUpSerializer(Serializer):
    noted_on = serializers.DateField()
    note = serializers.CharField()


class ResolutionSerializer(ModelSerializer):
    council = serializers.IntegerField(source="meeting.council_id", read_only=True)
    council_name = serializers.CharField(source="meeting.council.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    followups = ResolutionFollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Resolution
        fields = [
            "id",
            "meeting",
            "council",
            "council_name",
            "org",
            "text",
            "responsible",
            "due_on",
            "status",
            "done_on",
            "is_overdue",
            "followups",
        ]
        read_only_fields = fields


class ResolutionFollowUpInput(Serializer):
    note = serializers.CharField(max_length=500)
    done = serializers.BooleanField(required=False, default=False, help_text="是否办结")


class ResolutionReopenInput(Serializer):
    reason = serializers.CharField(max_length=480)


@extend_schema_view(
    list=extend_schema(summary="议定事项及其落实", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="议定事项详情"),
    create=extend_schema(exclude=True),  # resolutions are made at a meeting: POST here is 405
)
class ResolutionViewSet(ActionsViewSet):
    model = Resolution
    serializer_class = ResolutionSerializer
    filterset_class = ResolutionFilterSet
    scope_actions = {"followup": "change", "reopen": "change"}

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("meeting__council")
            .prefetch_related("followups")
            .order_by("due_on", "id")
        )

    @extend_schema(
        summary="记录落实情况（done=true 即办结）",
        request=ResolutionFollowUpInput,
        responses={201: ResolutionSerializer},
    )
    @action(detail=True, methods=["post"])
    def followup(self, request, pk=None):
        resolution = self.get_object()
        data = ResolutionFollowUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        councils.followup_add(user=request.user, resolution=resolution, **data.validated_data)
        return Response(
            ResolutionSerializer(self._fresh(resolution)).data, status=status.HTTP_201_CREATED
        )

    def _fresh(self, resolution):
        return (
            Resolution.objects.filter(pk=resolution.pk)
            .select_related("meeting__council")
            .prefetch_related("followups")
            .get()
        )

    @extend_schema(
        summary="重新打开已办结的议定事项（须写明原因，记入落实情况）",
        request=ResolutionReopenInput,
        responses=ResolutionSerializer,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        resolution = self.get_object()
        data = ResolutionReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        councils.resolution_reopen(
            user=request.user, resolution=resolution, reason=data.validated_data["reason"]
        )
        return Response(ResolutionSerializer(self._fresh(resolution)).data)
