"""API of emergency actions and mandatory reports (the reporter only for those handling it)."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.cases import choices as case_choices
from jinguo.core.api import ScopedModelViewSet
from jinguo.core.serializers import ModelSerializer, Serializer

from ... import choices
from ...filtersets.shelter import ReportFilterSet
from ...models import ChecklistStep, EmergencyAction, MandatoryReport
from ...selectors import shelter as selectors
from ...services import emergency as emergency_services
from .common import (
    CaseField,
    EmergencyActionFilterSet,
    PersonField,
    UnitField,
)

# --- emergency actions ----------------------------------------------------------------------


class EmergencyActionSerializer(ModelSerializer):
    step_label = serializers.CharField(source="step.label", read_only=True)
    done_by_name = serializers.CharField(source="done_by.real_name", read_only=True)

    class Meta:
        model = EmergencyAction
        fields = ["id", "case", "step", "step_label", "done_at", "done_by", "done_by_name", "note"]
        read_only_fields = fields


class EmergencyTickSerializer(Serializer):
    case = CaseField()
    step = serializers.PrimaryKeyRelatedField(queryset=ChecklistStep.objects.all())
    done_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class EmergencyActionViewSet(ScopedModelViewSet):
    model = EmergencyAction
    serializer_class = EmergencyActionSerializer
    filterset_class = EmergencyActionFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            EmergencyAction.objects.restrict(self.request.user, "view")
            .select_related("step", "done_by")
            .order_by("done_at", "pk")
        )

    @extend_schema(request=EmergencyTickSerializer, responses={201: EmergencyActionSerializer})
    def create(self, request, *args, **kwargs):
        s = EmergencyTickSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        done = emergency_services.emergency_tick(user=request.user, **s.validated_data)
        return Response(self.get_serializer(done).data, status=status.HTTP_201_CREATED)


# --- mandatory reports ----------------------------------------------------------------------


class ReportSerializer(ModelSerializer):
    """Never the reporter: lists and exports do not carry who reported."""

    class Meta:
        model = MandatoryReport
        fields = [
            "id",
            "org",
            "reporter_kind",
            "reported_at",
            "victim",
            "victim_is_minor",
            "lacks_capacity",
            "status",
            "case",
            "handled_by",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    reporter = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "victim_description",
            "suspicion",
            "dismiss_reason",
            "reporter",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "报告人身份；仅处理本报告的人员可见，其他人为 null",
            "properties": {
                "organisation": {"type": "string"},
                "name": {"type": "string"},
                "phone": {"type": "string"},
            },
        }
    )
    def get_reporter(self, obj):
        request = self.context.get("request")
        if request is None or not selectors.may_see_reporter(request.user, obj):
            return None
        return {
            "organisation": obj.reporter_organisation,
            "name": obj.reporter_name,
            "phone": obj.reporter_phone,
        }


class ReportCreateSerializer(Serializer):
    org = UnitField(required=False)
    reporter_kind = serializers.ChoiceField(choices=choices.ReporterKind.choices)
    reporter_organisation = serializers.CharField(max_length=100)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    reported_at = serializers.DateTimeField(required=False)
    victim = PersonField(required=False, allow_null=True)
    victim_description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    victim_is_minor = serializers.BooleanField(default=True)
    lacks_capacity = serializers.BooleanField(default=False)
    suspicion = serializers.CharField(max_length=4000)


class ReportRegisterSerializer(Serializer):
    gbv_type = serializers.ChoiceField(
        choices=case_choices.GbvType.choices, default=case_choices.GbvType.PHYSICAL
    )
    summary = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ReportJoinSerializer(Serializer):
    case = CaseField()


class ReportDismissSerializer(Serializer):
    reason = serializers.CharField(max_length=1000)


@extend_schema_view(
    list=extend_schema(summary="强制报告列表（不含报告人身份）"),
    retrieve=extend_schema(summary="强制报告详情（报告人身份仅处理人可见；查看记入审计）"),
)
class ReportViewSet(ScopedModelViewSet):
    model = MandatoryReport
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "post", "head", "options"]
    change_actions = ("register_case", "join_case", "dismiss")

    def get_permissions(self):
        if self.action in self.change_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def scope_action(self):
        return "change" if self.action in self.change_actions else "view"

    def get_queryset(self):
        return (
            MandatoryReport.objects.restrict(self.request.user, self.scope_action())
            .select_related("org")
            .order_by("-reported_at", "-pk")
        )

    def get_serializer_class(self):
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def _read(self, report, code=status.HTTP_200_OK):
        found = (
            MandatoryReport.objects.restrict(self.request.user, "view").filter(pk=report.pk).first()
        )
        data = (
            ReportDetailSerializer(found, context=self.get_serializer_context()).data
            if found
            else {"id": report.pk}
        )
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        report = selectors.report_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(ReportDetailSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportDetailSerializer})
    def create(self, request, *args, **kwargs):
        s = ReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data.setdefault("org", request.user.home_unit)
        report = emergency_services.report_create(user=request.user, **data)
        return self._read(report, status.HTTP_201_CREATED)

    def _act(self, serializer_class, service, **extra):
        report = self.get_object()
        s = serializer_class(data=self.request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        service(user=self.request.user, report=report, **s.validated_data, **extra)
        return self._read(report)

    @extend_schema(
        summary="登记为新个案",
        request=ReportRegisterSerializer,
        responses={200: ReportDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="register-case")
    def register_case(self, request, pk=None):
        return self._act(ReportRegisterSerializer, emergency_services.report_register_case)

    @extend_schema(
        summary="并入已有个案",
        request=ReportJoinSerializer,
        responses={200: ReportDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="join-case")
    def join_case(self, request, pk=None):
        return self._act(ReportJoinSerializer, emergency_services.report_join_case)

    @extend_schema(
        summary="不予立案", request=ReportDismissSerializer, responses={200: ReportDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._act(ReportDismissSerializer, emergency_services.report_dismiss)
