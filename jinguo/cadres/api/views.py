"""/api/cadres/: the roster, elections, trainings, training records and who is due for
retraining (read), contact-point visits (read, record). Same restrict() scoping, filters and
services as the pages. A visit's findings and follow-up (what she heard
at people's doors) appear only in the detail response, and each such reading is logged."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.response import Response

from jinguo.cases.models import Category
from jinguo.core import audit
from jinguo.core.api import ScopedModelViewSet
from jinguo.core.ids import MAX_ID
from jinguo.core.pagination import Pagination
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.orgs.models import OrgUnit

from ..choices import ElectionMethod, ElectionStatus, Employment, TrainingKind, VisitWay
from ..filtersets import (
    AttendanceFilterSet,
    ContactVisitFilterSet,
    ElectionFilterSet,
    PositionFilterSet,
    TrainingFilterSet,
)
from ..models import (
    Attendance,
    Candidate,
    ContactVisit,
    Election,
    Position,
    RetrainingRule,
    Training,
)
from ..selectors import ROSTER_COUNT_CAP, AtLeast, CappedPaginator, due_for_retraining
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


class RosterPagination(Pagination):
    """The roster's pages count at most ROSTER_COUNT_CAP rows, as the page does (a province's
    roster is a million rows); ``count_capped`` says the count stopped there."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        count = self.page.paginator.count
        response.data["count"] = int(count)
        response.data["count_capped"] = isinstance(count, AtLeast)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"为 true 时 count 只数到上限（{ROSTER_COUNT_CAP}），实际更多",
        }
        return schema


# The unit filter takes a unit id (its subtree); the schema would otherwise call it a string.
UNIT_PARAM = OpenApiParameter("unit", int, description="单位 id：该单位及其全部下级")


@extend_schema_view(
    list=extend_schema(
        summary="任职名册（默认现任；state=all 含历史；count 最多数到 10000）",
        parameters=[UNIT_PARAM],
    ),
    retrieve=extend_schema(summary="任职详情"),
)
class PositionViewSet(ScopedModelViewSet):
    model = Position
    serializer_class = PositionSerializer
    filterset_class = PositionFilterSet
    pagination_class = RosterPagination
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


# --- elections -----------------------------------------------------------------------------------


def _coded(choices_class, label: str):
    """A choice sent as its code, listed in the description (an enum of its own would clash in
    the schema with other apps' fields of the same name)."""
    codes = "、".join(f"{value}={name}" for value, name in choices_class.choices)
    return serializers.CharField(read_only=True, help_text=f"{label}：{codes}")


class ElectionSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    method = _coded(ElectionMethod, "选举方式")
    status = _coded(ElectionStatus, "状态")
    term_ends_on = serializers.DateField(read_only=True)

    class Meta:
        model = Election
        fields = [
            "id",
            "org",
            "org_name",
            "held_on",
            "method",
            "term_starts_on",
            "term_years",
            "term_ends_on",
            "voters_total",
            "voters_present",
            "status",
            "reported_on",
            "decided_on",
            "decision_note",
            "applied_at",
        ]
        read_only_fields = fields


class CandidateSerializer(ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    position_type = serializers.CharField(source="position_type.code", read_only=True)
    position_name = serializers.CharField(source="position_type.name", read_only=True)
    employment = _coded(Employment, "专兼职")

    class Meta:
        model = Candidate
        fields = [
            "id",
            "person",
            "person_name",
            "position_type",
            "position_name",
            "employment",
            "votes",
            "elected",
        ]
        read_only_fields = fields


class ElectionDetailSerializer(ElectionSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)

    class Meta(ElectionSerializer.Meta):
        fields = [*ElectionSerializer.Meta.fields, "notes", "candidates"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="换届选举", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(
        summary="换届选举详情（含候选人、得票和当选情况）",
        responses={200: ElectionDetailSerializer},
    ),
)
class ElectionViewSet(ScopedModelViewSet):
    """Read-only, as the roster is: an election is recorded and decided on its pages."""

    model = Election
    serializer_class = ElectionSerializer
    filterset_class = ElectionFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset().select_related("org").order_by("-held_on", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "candidates",
                    queryset=Candidate.objects.select_related("person", "position_type"),
                )
            )
        return qs

    def get_serializer_class(self):
        return ElectionDetailSerializer if self.action == "retrieve" else ElectionSerializer


# --- trainings -----------------------------------------------------------------------------------


class TrainingSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    kind = _coded(TrainingKind, "培训类别")
    attendee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "topic",
            "kind",
            "organiser",
            "starts_on",
            "ends_on",
            "hours",
            "trainer",
            "org",
            "org_name",
            "attendee_count",
        ]
        read_only_fields = fields


class AttendeeSerializer(ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "person", "person_name", "completed", "certificate_no"]
        read_only_fields = fields


class TrainingDetailSerializer(TrainingSerializer):
    attendances = AttendeeSerializer(many=True, read_only=True)

    class Meta(TrainingSerializer.Meta):
        fields = [*TrainingSerializer.Meta.fields, "attendances"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="培训", parameters=[UNIT_PARAM]),
    retrieve=extend_schema(summary="培训详情（含学员）", responses={200: TrainingDetailSerializer}),
)
class TrainingViewSet(ScopedModelViewSet):
    model = Training
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .select_related("org")
            .annotate(attendee_count=Count("attendances"))
            .order_by("-starts_on", "-id")
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.select_related("person"))
            )
        return qs

    def get_serializer_class(self):
        return TrainingDetailSerializer if self.action == "retrieve" else TrainingSerializer


class TrainingRecordSerializer(ModelSerializer):
    """One row of a person's training record: the training and how she finished it."""

    person_name = serializers.CharField(source="person.name", read_only=True)
    topic = serializers.CharField(source="training.topic", read_only=True)
    kind = serializers.CharField(source="training.kind", read_only=True, help_text="培训类别代码")
    starts_on = serializers.DateField(source="training.starts_on", read_only=True)
    ends_on = serializers.DateField(source="training.ends_on", read_only=True)
    hours = serializers.DecimalField(
        source="training.hours", max_digits=5, decimal_places=1, read_only=True
    )
    organiser = serializers.CharField(source="training.organiser", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "person",
            "person_name",
            "training",
            "topic",
            "kind",
            "starts_on",
            "ends_on",
            "hours",
            "organiser",
            "completed",
            "certificate_no",
            "org",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="培训记录（?person= 某人的全部参训记录）"),
    retrieve=extend_schema(summary="一条参训记录"),
)
class TrainingRecordViewSet(ScopedModelViewSet):
    model = Attendance
    serializer_class = TrainingRecordSerializer
    filterset_class = AttendanceFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "training")
            .order_by("-training__ends_on", "-id")
        )


class DueQuery(Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    rule = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class RetrainingDueSerializer(Serializer):
    position = serializers.IntegerField()
    person = serializers.IntegerField()
    person_name = serializers.CharField()
    position_type = serializers.CharField()
    position_name = serializers.CharField()
    org = serializers.IntegerField()
    org_name = serializers.CharField()
    rule = serializers.IntegerField()
    rule_name = serializers.CharField()
    kind = _coded(TrainingKind, "培训类别")
    every_months = serializers.IntegerField()
    trained_since = serializers.DateField(help_text="须在此日期之后完成培训")
    last_trained_on = serializers.DateField(allow_null=True)


class RetrainingDueViewSet(viewsets.ViewSet):
    """Who is due for retraining under the rules (复训规则), in the user's scope."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = Pagination

    @extend_schema(
        summary="待复训人员（按复训规则计算）",
        parameters=[
            OpenApiParameter("unit", int, description="单位 id：该单位及其全部下级"),
            OpenApiParameter("rule", int, description="复训规则 id"),
            OpenApiParameter("page", int, description="页码"),
        ],
        responses={200: RetrainingDueSerializer(many=True)},
    )
    def list(self, request):
        if not request.user.has_perm("cadres.view_training"):
            raise exceptions.PermissionDenied
        # An empty parameter (?unit=) is no filter, as in the other lists.
        query = DueQuery(data={k: v for k, v in request.query_params.items() if v != ""})
        query.is_valid(raise_exception=True)
        d = query.validated_data
        unit = rule = None
        if "unit" in d:
            unit = OrgUnit.objects.restrict(request.user, "view").filter(pk=d["unit"]).first()
        if "rule" in d:
            rule = RetrainingRule.objects.filter(pk=d["rule"], is_active=True).first()
        # A unit outside her scope, or a rule that does not exist or is off, matches nothing
        # (as the other lists' filters do), rather than telling which ids exist.
        if ("unit" in d and unit is None) or ("rule" in d and rule is None):
            rows = []
        else:
            rows = [_due_row(r) for r in due_for_retraining(request.user, unit=unit, rule=rule)]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(RetrainingDueSerializer(page, many=True).data)


def _due_row(row: dict) -> dict:
    position, rule = row["position"], row["rule"]
    return {
        "position": position.pk,
        "person": position.person_id,
        "person_name": position.person.name,
        "position_type": position.position_type.code,
        "position_name": position.position_type.name,
        "org": position.org_id,
        "org_name": position.org.name,
        "rule": rule.pk,
        "rule_name": rule.name,
        "kind": rule.kind,
        "every_months": rule.every_months,
        "trained_since": row["since"],
        "last_trained_on": position.last_trained_on,
    }
