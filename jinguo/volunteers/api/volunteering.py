"""/api/volunteers/: teams, volunteers (registration, review, confirmed hours, a logged reveal
of her contact), activities (sign-up), sign-ups (attendance and hours, their confirmation)
and 爱心妈妈 pairings. The same restrict(), filtersets, selectors and services as the pages;
out of scope is 404."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.core.ids import MAX_ID
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.people.selectors.persons import visible_persons
from jinguo.people.services.persons import person_reveal

from .. import selectors
from ..filtersets import (
    ActivityFilterSet,
    CarePairingFilterSet,
    ParticipationFilterSet,
    TeamFilterSet,
    VolunteerFilterSet,
)
from ..models import Activity, CarePairing, Participation, Team, Volunteer
from ..services import teams
from .common import UNIT_PARAM, ActionsViewSet, ReadOnlyViewSet, shown_name, with_person_visible

# --- teams -------------------------------------------------------------------------------------


class TeamSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "org", "org_name", "leader", "purpose", "created_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="志愿服务队", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="志愿服务队详情"),
)
class TeamViewSet(ReadOnlyViewSet):
    model = Team
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("org").order_by("org_path", "name", "id")


# --- volunteers --------------------------------------------------------------------------------


class VolunteerSerializer(ModelSerializer):
    """Her name in full only to who may open her person record; contacts always masked."""

    name = serializers.SerializerMethodField()
    masked_phone = serializers.CharField(source="person.masked_phone", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "person",
            "name",
            "masked_phone",
            "team",
            "team_name",
            "org",
            "org_name",
            "skills",
            "availability",
            "areas",
            "consent",
            "status",
            "registered_on",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields

    def get_name(self, obj) -> str:
        return shown_name(obj, obj.person)


class YearHoursSerializer(Serializer):
    year = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    times = serializers.IntegerField()


class VolunteerHoursSerializer(Serializer):
    volunteer = serializers.IntegerField()
    confirmed_hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    services = serializers.IntegerField()
    by_year = YearHoursSerializer(many=True)


class VolunteerRegisterSerializer(Serializer):
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    availability = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    areas = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(help_text="本人同意登记（须为 true）")


class DecideSerializer(Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="不通过时必填"
    )


REVEAL_FIELDS = [("phone", "联系电话"), ("phone2", "其他联系方式"), ("address", "住址")]


class RevealSerializer(Serializer):
    field = serializers.ChoiceField(choices=REVEAL_FIELDS)
    reason = serializers.CharField(max_length=500, help_text="查看理由（记入访问日志）")


class RevealedSerializer(Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="志愿者（联系方式脱敏）", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="志愿者详情（联系方式脱敏）"),
    create=extend_schema(
        summary="登记志愿者（待服务队队长审核）",
        request=VolunteerRegisterSerializer,
        responses={201: VolunteerSerializer},
    ),
)
class VolunteerViewSet(ReadOnlyViewSet):
    model = Volunteer
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilterSet
    http_method_names = ["get", "post", "head", "options"]
    scope_actions = {"decide": "view", "reveal": "view"}

    def get_queryset(self):
        qs = super().get_queryset().select_related("person", "team", "org")
        return with_person_visible(qs, self.request.user, "person_id").order_by("team__name", "id")

    def _shown(self, volunteer):
        return self.get_queryset().get(pk=volunteer.pk)

    def create(self, request, *args, **kwargs):
        data = VolunteerRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        volunteer = teams.volunteer_register(
            user=request.user,
            team=Team.objects.restrict(request.user, "view").filter(pk=d["team"]).first(),
            person=visible_persons(request.user).filter(pk=d["person"]).first(),
            skills=d["skills"],
            availability=d["availability"],
            areas=d["areas"],
            consent=d["consent"],
        )
        return Response(
            VolunteerSerializer(self._shown(volunteer)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="审核登记（服务队队长）", request=DecideSerializer, responses=VolunteerSerializer
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        volunteer = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        teams.volunteer_decide(user=request.user, volunteer=volunteer, **data.validated_data)
        return Response(VolunteerSerializer(self._shown(volunteer)).data)

    @extend_schema(summary="已确认的服务时长（合计与逐年）", responses=VolunteerHoursSerializer)
    @action(detail=True, methods=["get"])
    def hours(self, request, pk=None):
        volunteer = self.get_object()
        confirmed = selectors.volunteer_participations(request.user, volunteer).filter(
            selectors.CONFIRMED
        )
        by_year = list(
            confirmed.annotate(year=ExtractYear("held_on"))
            .values("year")
            .annotate(hours=Sum("hours"), times=Count("id"))
            .order_by("year")
        )
        return Response(
            VolunteerHoursSerializer(
                {
                    "volunteer": volunteer.pk,
                    "confirmed_hours": sum((r["hours"] for r in by_year), Decimal(0)),
                    "services": sum(r["times"] for r in by_year),
                    "by_year": by_year,
                }
            ).data
        )

    @extend_schema(
        summary="查看志愿者的完整联系方式（须有权限并填写理由，记入访问日志）",
        request=RevealSerializer,
        responses=RevealedSerializer,
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        volunteer = self.get_object()
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        field = data.validated_data["field"]
        # The same service as the person page's reveal: it checks the permission and the
        # person's scope and writes the access log.
        value = person_reveal(
            user=request.user,
            person=volunteer.person,
            field=field,
            reason=data.validated_data["reason"],
        )
        return Response(RevealedSerializer({"field": field, "value": value or ""}).data)


# --- activities and sign-ups -------------------------------------------------------------------


class ActivitySerializer(ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    signed_up = serializers.IntegerField(read_only=True)
    is_cancelled = serializers.BooleanField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "team",
            "team_name",
            "org",
            "org_name",
            "held_on",
            "title",
            "place",
            "capacity",
            "signed_up",
            "is_cancelled",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = fields


class SignupSerializer(Serializer):
    volunteer = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class ActivityCancelSerializer(Serializer):
    reason = serializers.CharField(max_length=200)


class ParticipationSerializer(ModelSerializer):
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    volunteer_name = serializers.SerializerMethodField()
    confirmed = serializers.SerializerMethodField()

    class Meta:
        model = Participation
        fields = [
            "id",
            "activity",
            "activity_title",
            "volunteer",
            "volunteer_name",
            "org",
            "held_on",
            "signed_up_at",
            "attended",
            "hours",
            "confirmed",
            "confirmed_at",
        ]
        read_only_fields = fields

    def get_volunteer_name(self, obj) -> str:
        return shown_name(obj, obj.volunteer.person)

    def get_confirmed(self, obj) -> bool:
        return obj.confirmed_at is not None


@extend_schema_view(
    list=extend_schema(summary="志愿服务活动", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="志愿服务活动详情"),
    create=extend_schema(exclude=True),  # activities are made on the page: POST here is 405
)
class ActivityViewSet(ActionsViewSet):
    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    scope_actions = {"signup": "change", "cancel": "change"}

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("team", "org")
            .annotate(signed_up=Count("participations"))
            .order_by("-held_on", "-id")
        )

    @extend_schema(
        summary="为本队已通过审核的志愿者报名",
        request=SignupSerializer,
        responses={201: ParticipationSerializer},
    )
    @action(detail=True, methods=["post"])
    def signup(self, request, pk=None):
        activity = self.get_object()
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        volunteer = (
            Volunteer.objects.restrict(request.user, "view")
            .filter(pk=data.validated_data["volunteer"])
            .first()
        )
        signed = teams.signup(user=request.user, activity=activity, volunteer=volunteer)
        return Response(
            ParticipationSerializer(_participation(request.user, signed)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="取消尚未举行的活动（须写明原因）",
        request=ActivityCancelSerializer,
        responses=ActivitySerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        activity = self.get_object()
        data = ActivityCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        teams.activity_cancel(
            user=request.user, activity=activity, reason=data.validated_data["reason"]
        )
        return Response(ActivitySerializer(self.get_queryset().get(pk=activity.pk)).data)


def _participation(user, participation):
    qs = Participation.objects.filter(pk=participation.pk).select_related(
        "activity", "volunteer__person"
    )
    return with_person_visible(qs, user, "volunteer__person_id").get()


class HoursSerializer(Serializer):
    attended = serializers.BooleanField()
    hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        required=False,
        allow_null=True,
        default=None,
        help_text="出勤时必填，0.5～24 小时",
    )


@extend_schema_view(
    list=extend_schema(summary="活动报名与出勤（含服务时长和确认状态）", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="一条报名记录"),
    create=extend_schema(exclude=True),  # one signs up through the activity: POST here is 405
)
class ParticipationViewSet(ActionsViewSet):
    model = Participation
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilterSet
    scope_actions = {"hours": "change", "confirm": "view"}

    def get_queryset(self):
        qs = super().get_queryset().select_related("activity", "volunteer__person")
        return with_person_visible(qs, self.request.user, "volunteer__person_id").order_by(
            "-held_on", "-id"
        )

    @extend_schema(
        summary="登记出勤和服务时长（已确认的时长随之撤销确认）",
        request=HoursSerializer,
        responses=ParticipationSerializer,
    )
    @action(detail=True, methods=["post"])
    def hours(self, request, pk=None):
        participation = self.get_object()
        data = HoursSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        teams.hours_record(user=request.user, participation=participation, **data.validated_data)
        return Response(ParticipationSerializer(_participation(request.user, participation)).data)

    @extend_schema(
        summary="确认服务时长（服务队队长）", request=None, responses=ParticipationSerializer
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        participation = self.get_object()
        teams.hours_confirm(user=request.user, participation=participation)
        return Response(ParticipationSerializer(_participation(request.user, participation)).data)


# --- 爱心妈妈 ------------------------------------------------------------------------------------


class CarePairingSerializer(ModelSerializer):
    volunteer_name = serializers.SerializerMethodField()
    child_name = serializers.CharField(source="child.name", read_only=True)

    class Meta:
        model = CarePairing
        fields = [
            "id",
            "volunteer",
            "volunteer_name",
            "child",
            "child_name",
            "org",
            "since",
            "ended_on",
            "note",
        ]
        read_only_fields = fields

    def get_volunteer_name(self, obj) -> str:
        return shown_name(obj, obj.volunteer.person)


@extend_schema_view(
    list=extend_schema(
        summary="爱心妈妈结对（只列出能查看其儿童档案的结对）", parameters=[UNIT_PARAM]
    ),
    retrieve=extend_schema(summary="爱心妈妈结对详情"),
)
class CarePairingViewSet(ReadOnlyViewSet):
    model = CarePairing
    serializer_class = CarePairingSerializer
    filterset_class = CarePairingFilterSet

    def get_queryset(self):
        # Only pairings whose child she may see: the same selector as the page.
        qs = selectors.visible_pairings(self.request.user).select_related(
            "volunteer__person", "child"
        )
        return with_person_visible(qs, self.request.user, "volunteer__person_id").order_by(
            "-since", "-id"
        )


# --- the hours statistics ----------------------------------------------------------------------

YEAR_SCHEMA = {"type": "integer", "minimum": 2000, "maximum": 2100}


class TeamHoursSerializer(Serializer):
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team__name")
    org_name = serializers.CharField(source="team__org__name")
    volunteers = serializers.IntegerField()
    times = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=12, decimal_places=1)


class UnitHoursSerializer(Serializer):
    name = serializers.CharField()
    own = serializers.BooleanField(help_text="true：本级服务队；false：直属下级单位（含其下级）")
    teams = serializers.IntegerField()
    volunteers = serializers.IntegerField()
    times = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=12, decimal_places=1)


class HoursSummarySerializer(Serializer):
    year = serializers.IntegerField()
    total_hours = serializers.DecimalField(max_digits=14, decimal_places=1)
    active_volunteers = serializers.IntegerField()
    units = UnitHoursSerializer(many=True)
    teams = TeamHoursSerializer(many=True)


class YearQuerySerializer(Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class HoursSummaryView(APIView):
    """服务时长统计 as the page shows it: her subtree's confirmed hours of one year."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="服务时长统计（辖区内某年度已确认的时长，按单位和服务队）",
        parameters=[
            OpenApiParameter("year", YEAR_SCHEMA, description="年度，默认今年（2000–2100）")
        ],
        responses=HoursSummarySerializer,
    )
    def get(self, request):
        if not request.user.has_perm("volunteers.view_participation"):
            raise PermissionDenied
        # An empty parameter (?year=) means the default, as in the other lists.
        query = YearQuerySerializer(data={k: v for k, v in request.query_params.items() if v != ""})
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        rows = selectors.hours_by_team(request.user, year)
        return Response(
            HoursSummarySerializer(
                {
                    "year": year,
                    "total_hours": sum((r["hours"] for r in rows), Decimal(0)),
                    "active_volunteers": selectors.active_volunteers(request.user, year),
                    "units": selectors.hours_by_unit(request.user, rows),
                    "teams": rows,
                }
            ).data
        )
