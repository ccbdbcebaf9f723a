"""/api/stats/reports/: the reports of her unit and its descendants, scoped like the pages;
submit (上报) and review (审核) as actions."""

from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.core.api import NoCreateMixin, ScopedModelViewSet
from jinguo.core.serializers import ModelSerializer, Serializer

from ..filtersets import ReportFilterSet
from ..models import Report
from ..services import reports as services


@extend_schema_serializer(component_name="StatsReport")
class ReportSerializer(ModelSerializer):
    form_code = serializers.CharField(source="form.code", read_only=True)
    form_name = serializers.CharField(source="form.name", read_only=True)
    period_label = serializers.CharField(read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    values = serializers.DictField(read_only=True, help_text="单元格（行代码.列代码）→ 数值或文字")

    class Meta:
        model = Report
        fields = [
            "id",
            "form",
            "form_code",
            "form_name",
            "period_start",
            "period_label",
            "org",
            "org_name",
            "version",
            "state",
            "due_on",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "correction_reason",
            "values",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            data["values"] = instance.shown_values(request.user)
        return data


@extend_schema_serializer(component_name="StatsReportSubmit")
class SubmitSerializer(Serializer):
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500),
        required=False,
        help_text="手工填报的单元格（行代码.列代码 → 文字或数字）",
    )


@extend_schema_serializer(component_name="StatsReportReview")
class ReviewSerializer(Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema_view(
    list=extend_schema(summary="报表上报列表（本单位及下级的）"),
    retrieve=extend_schema(summary="报表详情"),
    create=extend_schema(exclude=True),
)
class ReportViewSet(NoCreateMixin, ScopedModelViewSet):
    model = Report
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def scope_action(self):
        return {"submit": "submit", "review": "review"}.get(self.action, "view")

    def get_queryset(self):
        return super().get_queryset().select_related("form", "org")

    @extend_schema(summary="上报（可同时提交手工填报的单元格）", request=SubmitSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_submit(
            user=request.user, report=report, values=data.validated_data.get("values")
        )
        return Response(ReportSerializer(report, context={"request": request}).data)

    @extend_schema(summary="审核：通过或退回（退回须写审核意见）", request=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        report = self.get_object()
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_review(user=request.user, report=report, **data.validated_data)
        return Response(ReportSerializer(report, context={"request": request}).data)
