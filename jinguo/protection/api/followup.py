"""API of the followup concern under /api/protection/: early warnings (alerts), follow-up
plans and protective visits. Same restrict() scoping and masking as the pages; every write is
the page's service; opening one record is logged by the same selector."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.core.api import NoCreateMixin, ScopedModelViewSet
from jinguo.core.masking import mask_name
from jinguo.core.serializers import ModelSerializer, Serializer

from ..choices import RecurrenceAction, SafeAnswer, VisitMode
from ..filtersets.followup import AlertFilterSet, FollowUpPlanFilterSet, ProtectiveVisitFilterSet
from ..models import Alert, FollowUpPlan, ProtectiveVisit
from ..selectors import alerts as alert_selectors
from ..selectors import followup as selectors
from ..services import alerts as alert_services
from ..services import followup as services

# --- read ----------------------------------------------------------------------------------------


class AlertSerializer(ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # A warning about a person or a 告诫书 visit may have no case.
    case_number = serializers.CharField(
        source="case.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule",
            "rule_name",
            "level",
            "level_label",
            "subject",
            "summary",
            "status",
            "status_label",
            "person",
            "case",
            "case_number",
            "org",
            "raised_at",
            "acknowledged_at",
            "acknowledged_by",
            "assigned_to",
            "escalated_at",
            "resolved_at",
            "version",
        ]
        read_only_fields = fields


class AlertDetailSerializer(AlertSerializer):
    actions_taken = serializers.CharField(read_only=True)
    resolution = serializers.CharField(read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "actions_taken", "resolution"]
        read_only_fields = fields


class _PersonMasked(ModelSerializer):
    person_name = serializers.SerializerMethodField()

    def get_person_name(self, obj) -> str:
        return mask_name(obj.person.name)


class FollowUpPlanSerializer(_PersonMasked):
    class Meta:
        model = FollowUpPlan
        fields = [
            "id",
            "person",
            "person_name",
            "case",
            "org",
            "schedule_days",
            "repeat_every_days",
            "started_on",
            "status",
            "ended_at",
            "ended_by",
            "version",
        ]
        read_only_fields = fields


class ProtectiveVisitSerializer(_PersonMasked):
    class Meta:
        model = ProtectiveVisit
        fields = [
            "id",
            "plan",
            "person",
            "person_name",
            "case",
            "org",
            "due_on",
            "mode",
            "state",
            "done_at",
            "done_by",
            "safe",
            "recurred",
            "recurrence_case",
            "version",
        ]
        read_only_fields = fields


class ProtectiveVisitDetailSerializer(ProtectiveVisitSerializer):
    needs = serializers.CharField(read_only=True)
    next_step = serializers.CharField(read_only=True)

    class Meta(ProtectiveVisitSerializer.Meta):
        fields = [*ProtectiveVisitSerializer.Meta.fields, "needs", "next_step"]
        read_only_fields = fields


# --- input ---------------------------------------------------------------------------------------


class VersionInput(Serializer):
    version = serializers.IntegerField(min_value=1, required=False)


class AssignInput(VersionInput):
    worker = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())


class ActionInput(VersionInput):
    action = serializers.CharField(max_length=2000)


class ReasonInput(VersionInput):
    reason = serializers.CharField(max_length=2000)


class VisitInput(VersionInput):
    mode = serializers.ChoiceField(choices=VisitMode.choices)
    reached = serializers.BooleanField()
    safe = serializers.ChoiceField(choices=SafeAnswer.choices, required=False, allow_blank=True)
    recurred = serializers.BooleanField(required=False, allow_null=True, default=None)
    recurrence = serializers.ChoiceField(
        choices=RecurrenceAction.choices, required=False, allow_blank=True
    )
    needs = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    done_at = serializers.DateTimeField(required=False)


ACT_RESPONSES = {
    400: OpenApiResponse(description="填写有误或当前状态不允许此操作（中文说明）"),
    404: OpenApiResponse(description="记录不存在或不在您的范围内"),
    409: OpenApiResponse(description="记录已被他人修改（version 不一致）"),
}


# --- views ---------------------------------------------------------------------------------------


class _ReadOnlyScoped(NoCreateMixin, ScopedModelViewSet):
    http_method_names = ["get", "head", "options", "post"]
    write_actions: tuple[str, ...] = ()

    def scope_action(self) -> str:
        return "view"

    def get_permissions(self):
        from rest_framework import permissions

        if self.action in self.write_actions:
            # The service checks permission, scope and state (out of scope answers 404).
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def _run(self, input_class, service, name, detail_serializer):
        obj = self.get_object()
        data = input_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        result = service(user=self.request.user, **{name: obj}, **data.validated_data)
        return Response(detail_serializer(result).data)


@extend_schema_view(
    list=extend_schema(summary="预警列表（未签收的红色预警在前）"),
    create=extend_schema(exclude=True),  # not offered: 405
    retrieve=extend_schema(summary="预警详情（查看记入审计）"),
)
class AlertViewSet(_ReadOnlyScoped):
    model = Alert
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    write_actions = ("acknowledge", "assign", "act", "resolve")

    def get_queryset(self):
        return alert_selectors.in_work_order(
            Alert.objects.restrict(self.request.user, "view").select_related("rule", "case", "org")
        )

    def retrieve(self, request, *args, **kwargs):
        alert = alert_selectors.alert_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(AlertDetailSerializer(alert).data)

    def get_object(self):
        if self.action in self.write_actions:
            from django.shortcuts import get_object_or_404

            qs = Alert.objects.restrict(self.request.user, "acknowledge")
            return get_object_or_404(qs, pk=self.kwargs["pk"])
        return super().get_object()

    @extend_schema(
        summary="签收预警",
        request=VersionInput,
        responses={200: AlertDetailSerializer, **ACT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._run(
            VersionInput, alert_services.alert_acknowledge, "alert", AlertDetailSerializer
        )

    @extend_schema(
        summary="指派处置人",
        request=AssignInput,
        responses={200: AlertDetailSerializer, **ACT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._run(AssignInput, alert_services.alert_assign, "alert", AlertDetailSerializer)

    @extend_schema(
        summary="记录处置措施",
        request=ActionInput,
        responses={200: AlertDetailSerializer, **ACT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        return self._run(
            ActionInput, alert_services.alert_record_action, "alert", AlertDetailSerializer
        )

    @extend_schema(
        summary="解除预警（须填写理由）",
        request=ReasonInput,
        responses={200: AlertDetailSerializer, **ACT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._run(ReasonInput, alert_services.alert_resolve, "alert", AlertDetailSerializer)


@extend_schema_view(
    list=extend_schema(summary="保护性回访计划列表"),
    create=extend_schema(exclude=True),  # not offered: 405
    retrieve=extend_schema(summary="回访计划详情（查看记入审计）"),
)
class FollowUpPlanViewSet(_ReadOnlyScoped):
    model = FollowUpPlan
    serializer_class = FollowUpPlanSerializer
    filterset_class = FollowUpPlanFilterSet
    write_actions = ("end",)

    def get_queryset(self):
        return FollowUpPlan.objects.restrict(self.request.user, "view").select_related("person")

    def retrieve(self, request, *args, **kwargs):
        plan = selectors.plan_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(FollowUpPlanSerializer(plan).data)

    @extend_schema(
        summary="结束回访计划（须填写理由）",
        request=ReasonInput,
        responses={200: FollowUpPlanSerializer, **ACT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._run(ReasonInput, services.plan_end, "plan", FollowUpPlanSerializer)


@extend_schema_view(
    list=extend_schema(summary="保护性回访列表"),
    create=extend_schema(exclude=True),  # not offered: 405
    retrieve=extend_schema(summary="回访详情（查看记入审计）"),
)
class ProtectiveVisitViewSet(_ReadOnlyScoped):
    model = ProtectiveVisit
    serializer_class = ProtectiveVisitSerializer
    filterset_class = ProtectiveVisitFilterSet
    write_actions = ("record",)

    def get_queryset(self):
        return (
            ProtectiveVisit.objects.restrict(self.request.user, "view")
            .select_related("person")
            .order_by("due_on", "id")
        )

    def retrieve(self, request, *args, **kwargs):
        visit = selectors.visit_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(ProtectiveVisitDetailSerializer(visit).data)

    def get_object(self):
        if self.action == "record":
            from django.shortcuts import get_object_or_404

            qs = ProtectiveVisit.objects.restrict(self.request.user, "change")
            return get_object_or_404(qs, pk=self.kwargs["pk"])
        return super().get_object()

    @extend_schema(
        summary="记录回访（联系不上不会结束计划）",
        request=VisitInput,
        responses={200: ProtectiveVisitDetailSerializer, **ACT_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        return self._run(
            VisitInput, services.visit_record, "visit", ProtectiveVisitDetailSerializer
        )


def register(router) -> None:
    """Add this concern's viewsets to the app's router."""
    router.register("alerts", AlertViewSet, basename="protection-alert")
    router.register("follow-up-plans", FollowUpPlanViewSet, basename="protection-plan")
    router.register("protective-visits", ProtectiveVisitViewSet, basename="protection-visit")
