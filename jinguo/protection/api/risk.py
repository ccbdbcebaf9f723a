"""API of the risk concern under /api/protection/: instruments (read), assessments (list,
detail, create) and safety plans (list, detail, update, review), scoped and logged as the
pages are. Names are masked; answers, reasons and a plan's contents appear only in a detail
response, whose reading is logged."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.cases.models import Case
from jinguo.core.api import IdLookupMixin, NoCreateMixin, ScopedModelViewSet
from jinguo.core.masking import mask_name
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.people.models import Person

from ..choices import RiskLevel
from ..filtersets.risk import RiskAssessmentFilterSet
from ..models import Instrument, InstrumentBand, InstrumentItem, RiskAssessment, SafetyPlan
from ..selectors import risk as selectors
from ..services import risk as services

# --- instruments -----------------------------------------------------------------------------


class InstrumentItemSerializer(ModelSerializer):
    class Meta:
        model = InstrumentItem
        fields = ["number", "question", "help_text", "answer_type", "weight", "forces_level"]
        read_only_fields = fields


class InstrumentBandSerializer(ModelSerializer):
    class Meta:
        model = InstrumentBand
        fields = ["level", "min_score", "review_days"]
        read_only_fields = fields


class InstrumentSerializer(ModelSerializer):
    class Meta:
        model = Instrument
        fields = [
            "id",
            "code",
            "version",
            "name",
            "description",
            "locally_validated",
            "is_active",
            "is_default",
            "created_at",
        ]
        read_only_fields = fields


class InstrumentDetailSerializer(InstrumentSerializer):
    items = InstrumentItemSerializer(many=True, read_only=True)
    bands = InstrumentBandSerializer(many=True, read_only=True)

    class Meta(InstrumentSerializer.Meta):
        fields = [*InstrumentSerializer.Meta.fields, "bands", "items"]
        read_only_fields = fields


class InstrumentPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm("protection.view_instrument"))


@extend_schema_view(
    list=extend_schema(summary="风险评估工具列表"),
    retrieve=extend_schema(summary="风险评估工具（含题目和等级划分）"),
)
class InstrumentViewSet(IdLookupMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated, InstrumentPermission]
    serializer_class = InstrumentSerializer

    def get_queryset(self):
        qs = Instrument.objects.order_by("code", "-version")
        if self.action == "retrieve":
            qs = qs.prefetch_related("items", "bands")
        return qs

    def get_serializer_class(self):
        return InstrumentDetailSerializer if self.action == "retrieve" else InstrumentSerializer


# --- assessments -----------------------------------------------------------------------------


class AssessmentSerializer(ModelSerializer):
    """An assessment in a list: who, when, the level — never the answers."""

    person_name = serializers.SerializerMethodField()
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    case_number = serializers.CharField(
        source="case.number", read_only=True, default=None, allow_null=True
    )
    assessed_by_name = serializers.CharField(source="assessed_by.real_name", read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "person",
            "person_name",
            "case",
            "case_number",
            "instrument",
            "assessed_at",
            "assessed_by",
            "assessed_by_name",
            "score",
            "computed_level",
            "judged_level",
            "level",
            "level_display",
            "next_review_on",
            "org",
            "is_sensitive",
        ]
        read_only_fields = fields

    def get_person_name(self, obj) -> str:
        return mask_name(obj.person.name)


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "answers", "judgement_reason", "notes"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_answers(self, obj) -> dict:
        return services.answers_of(obj)


@extend_schema_field(OpenApiTypes.INT)
class ScopedPersonField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("该人员不存在或不在您的管辖范围内。")}

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Person.objects.none()
        return Person.objects.restrict(request.user, "view").filter(merged_into__isnull=True)


@extend_schema_field(OpenApiTypes.INT)
class ScopedCaseField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("该个案不存在或不在您的管辖范围内。")}

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Case.objects.none()
        return Case.objects.restrict(request.user, "view")


@extend_schema_field(OpenApiTypes.INT)
class ActiveInstrumentField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("该评估工具不存在或已停用。")}

    def get_queryset(self):
        return Instrument.objects.filter(is_active=True)


class AssessmentCreateSerializer(Serializer):
    person = ScopedPersonField()
    instrument = ActiveInstrumentField(required=False, allow_null=True, default=None)
    case = ScopedCaseField(required=False, allow_null=True, default=None)
    answers = serializers.DictField(
        child=serializers.ChoiceField(choices=["yes", "no", "unknown"]),
        help_text="题号 → yes / no / unknown；每题都须回答。",
    )
    judged_level = serializers.ChoiceField(
        choices=RiskLevel.choices, required=False, allow_blank=True, default=""
    )
    judgement_reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="风险评估列表（不含回答）"),
    retrieve=extend_schema(summary="风险评估详情（含逐题回答，查看会被记录）"),
    create=extend_schema(
        summary="进行风险评估",
        request=AssessmentCreateSerializer,
        responses={201: AssessmentDetailSerializer},
    ),
)
class AssessmentViewSet(ScopedModelViewSet):
    model = RiskAssessment
    serializer_class = AssessmentSerializer
    filterset_class = RiskAssessmentFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.assessment_list_queryset(self.request.user).order_by("-assessed_at", "-pk")

    def get_serializer_class(self):
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer

    def get_object(self):
        return selectors.assessment_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )

    def create(self, request, *args, **kwargs):
        serializer = AssessmentCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_create(user=request.user, **serializer.validated_data)
        obj = selectors.assessment_list_queryset(request.user).get(pk=assessment.pk)
        data = AssessmentDetailSerializer(obj, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


# --- safety plans ----------------------------------------------------------------------------


class SafetyPlanSerializer(ModelSerializer):
    """A plan in a list: whose, when reviewed — never what it says."""

    person_name = serializers.SerializerMethodField()
    needs_review = serializers.SerializerMethodField()

    class Meta:
        model = SafetyPlan
        fields = [
            "id",
            "person",
            "person_name",
            "org",
            "reviewed_at",
            "reviewed_with",
            "needs_review",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_person_name(self, obj) -> str:
        return mask_name(obj.person.name)

    def get_needs_review(self, obj) -> bool:
        return services.plan_needs_review(obj)


class SafetyPlanDetailSerializer(SafetyPlanSerializer):
    class Meta(SafetyPlanSerializer.Meta):
        fields = [*SafetyPlanSerializer.Meta.fields, *services.PLAN_FIELDS]
        read_only_fields = fields


class SafetyPlanWriteSerializer(Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    safe_contacts = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    safe_place = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    code_word = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    ready_items = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    children_arrangements = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    agencies_informed = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SafetyPlanReviewSerializer(Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


@extend_schema_view(
    create=extend_schema(exclude=True),  # plans are made on the page; POST here is 405
    list=extend_schema(summary="安全计划列表（不含计划内容）"),
    retrieve=extend_schema(summary="安全计划详情（查看会被记录）"),
    partial_update=extend_schema(
        summary="修改安全计划",
        request=SafetyPlanWriteSerializer,
        responses={200: SafetyPlanDetailSerializer},
    ),
)
class SafetyPlanViewSet(NoCreateMixin, ScopedModelViewSet):
    model = SafetyPlan
    serializer_class = SafetyPlanSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            SafetyPlan.objects.restrict(self.request.user, self.scope_action())
            .select_related("person")
            .order_by("-updated_at", "-pk")
        )

    def scope_action(self) -> str:
        if self.action == "review":
            return "change"
        return super().scope_action()

    def get_serializer_class(self):
        return SafetyPlanDetailSerializer if self.action == "retrieve" else SafetyPlanSerializer

    def get_object(self):
        if self.action == "retrieve":
            return selectors.safety_plan_open(
                self.request.user, self.kwargs["pk"], queryset=self.get_queryset(), channel="api"
            )
        return super().get_object()

    def _read(self, plan) -> Response:
        plan = SafetyPlan.objects.select_related("person").get(pk=plan.pk)
        return Response(
            SafetyPlanDetailSerializer(plan, context=self.get_serializer_context()).data
        )

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = SafetyPlanWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        values = {n: getattr(plan, n) for n in services.PLAN_FIELDS} | data
        return self._read(
            services.safety_plan_update(user=request.user, plan=plan, version=version, **values)
        )

    @extend_schema(
        summary="确认安全计划已根据最近一次评估复核",
        request=SafetyPlanReviewSerializer,
        responses={200: SafetyPlanDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        plan = self.get_object()
        serializer = SafetyPlanReviewSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return self._read(
            services.safety_plan_review(
                user=request.user, plan=plan, version=serializer.validated_data.get("version")
            )
        )


def register(router) -> None:
    """Add this concern's viewsets to the app's router."""
    router.register("instruments", InstrumentViewSet, basename="instrument")
    router.register("assessments", AssessmentViewSet, basename="riskassessment")
    router.register("safety-plans", SafetyPlanViewSet, basename="safetyplan")
