"""API of the screening concern under /api/protection/: campaigns (issuer side), a unit's
returns, dispute entries, the public-opinion log and the anonymised violence statistics.

The same restrict() and services as the pages: out of scope is 404, every write goes through
a service; parties of an entry are masked unless the user may reveal personal data.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from jinguo.core import audit
from jinguo.core.api import NoCreateMixin, ScopedModelViewSet
from jinguo.core.masking import party_lines
from jinguo.core.serializers import ModelSerializer, Serializer

from .. import choices
from ..filtersets.screening import (
    DisputeEntryFilterSet,
    OpinionItemFilterSet,
    ScreeningCampaignFilterSet,
    ScreeningReportFilterSet,
)
from ..forms.screening import StatsForm
from ..models import DisputeEntry, OpinionItem, ScreeningCampaign, ScreeningReport
from ..selectors import screening as selectors
from ..selectors import violence_stats as stats
from ..services import opinions as opinion_services
from ..services import screening as services

# --- serializers ---------------------------------------------------------------------------


class CampaignSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = ScreeningCampaign
        fields = [
            "id",
            "title",
            "kind",
            "scope",
            "targets",
            "instructions",
            "due_on",
            "issued_at",
            "closed_at",
            "org",
            "org_name",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(Serializer):
    title = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=choices.CampaignKind.choices)
    scope = serializers.ListField(
        child=serializers.ChoiceField(choices=choices.DisputeKind.choices), allow_empty=False
    )
    targets = serializers.ChoiceField(
        choices=choices.CampaignTargets.choices, default=choices.CampaignTargets.COMMUNITIES
    )
    due_on = serializers.DateField()
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="ScreeningReport")
class ReportSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    due_on = serializers.DateField(source="campaign.due_on", read_only=True)

    class Meta:
        model = ScreeningReport
        fields = [
            "id",
            "campaign",
            "campaign_title",
            "due_on",
            "org",
            "org_name",
            "status",
            "submitted_at",
            "note",
            "nothing_found",
            "is_late",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="ScreeningNote")
class NoteSerializer(Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EntrySerializer(ModelSerializer):
    parties = serializers.SerializerMethodField()

    class Meta:
        model = DisputeEntry
        fields = [
            "id",
            "report",
            "org",
            "kind",
            "risk",
            "status",
            "found_on",
            "parties",
            "description",
            "action_taken",
            "is_sensitive",
            "case",
            "mediation",
        ]
        read_only_fields = fields

    def get_parties(self, obj) -> list[str]:
        request = self.context.get("request")
        reveal = bool(request and request.user.has_perm("core.reveal_pii"))
        return party_lines(obj.parties, reveal=reveal)


class EntryCreateSerializer(Serializer):
    report = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=choices.DisputeKind.choices)
    risk = serializers.ChoiceField(choices=choices.DisputeRisk.choices)
    parties = serializers.CharField()
    description = serializers.CharField()
    action_taken = serializers.CharField(required=False, allow_blank=True, default="")
    found_on = serializers.DateField(required=False, allow_null=True, default=None)


class EntryUpdateSerializer(Serializer):
    kind = serializers.ChoiceField(choices=choices.DisputeKind.choices, required=False)
    risk = serializers.ChoiceField(choices=choices.DisputeRisk.choices, required=False)
    status = serializers.ChoiceField(choices=choices.DisputeStatus.choices, required=False)
    parties = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    action_taken = serializers.CharField(required=False, allow_blank=True)
    found_on = serializers.DateField(required=False)


class OpinionSerializer(ModelSerializer):
    class Meta:
        model = OpinionItem
        fields = [
            "id",
            "org",
            "source",
            "occurred_on",
            "title",
            "summary",
            "level",
            "units",
            "cases",
            "handling",
            "status",
            "closed_at",
            "closing_note",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Only the linked cases this user may see.
        request = self.context.get("request")
        if request is not None:
            from jinguo.cases.models import Case

            visible = set(
                Case.objects.restrict(request.user, "view")
                .filter(pk__in=data["cases"])
                .values_list("pk", flat=True)
            )
            data["cases"] = [pk for pk in data["cases"] if pk in visible]
        return data


class OpinionWriteSerializer(Serializer):
    source = serializers.ChoiceField(choices=choices.OpinionSource.choices)
    occurred_on = serializers.DateField()
    title = serializers.CharField(max_length=100)
    summary = serializers.CharField()
    level = serializers.ChoiceField(choices=choices.OpinionLevel.choices)
    handling = serializers.CharField(required=False, allow_blank=True, default="")
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
    )
    cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
    )


class CloseSerializer(Serializer):
    note = serializers.CharField()


class StepActionsMixin:
    """Workflow steps (POST on a record) are decided by the scoped look-up and the service,
    not by the model's "add" permission a POST would otherwise ask for."""

    step_actions: tuple[str, ...] = ()

    def get_permissions(self):
        if self.action in self.step_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()


# --- viewsets ------------------------------------------------------------------------------


# A month as the statistics page takes it (2026-03).
MONTH_PATTERN = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"


@extend_schema_view(
    list=extend_schema(summary="矛盾纠纷排查列表（本单位及下级下发的）"),
    retrieve=extend_schema(summary="排查详情"),
    create=extend_schema(summary="下发排查", request=CampaignCreateSerializer),
)
class ScreeningCampaignViewSet(StepActionsMixin, ScopedModelViewSet):
    step_actions = ("remind", "close")
    model = ScreeningCampaign
    serializer_class = CampaignSerializer
    filterset_class = ScreeningCampaignFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def scope_action(self):
        return "change" if self.action in ("remind", "close") else "view"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def create(self, request, *args, **kwargs):
        data = CampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_issue(user=request.user, **data.validated_data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="排查统计反馈（已上报单位的数量，不含个人信息）",
        request=None,
        responses={
            200: inline_serializer(
                "ScreeningCampaignTotals",
                {
                    "progress": serializers.JSONField(),
                    "kinds": serializers.ListField(child=serializers.CharField()),
                    "risks": serializers.ListField(child=serializers.CharField()),
                    "rows": serializers.JSONField(),
                    "totals": serializers.JSONField(),
                },
            ),
            404: OpenApiResponse(description="排查不存在或不在您的范围内"),
        },
    )
    @action(detail=True, methods=["get"])
    def totals(self, request, pk=None):
        campaign = self.get_object()
        reports = ScreeningReport.objects.restrict(request.user, "view").filter(campaign=campaign)
        totals = selectors.campaign_totals(campaign, reports)
        return Response(
            {
                "progress": selectors.campaign_progress(reports),
                "kinds": [str(k) for k in totals["kinds"]],
                "risks": [str(r) for r in totals["risks"]],
                "rows": totals["rows"],
                "totals": totals["totals"],
            }
        )

    @extend_schema(summary="催报未上报单位", request=None)
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        campaign = self.get_object()
        n = services.campaign_remind(user=request.user, campaign=campaign)
        return Response({"reminded": n})

    @extend_schema(summary="结束排查", request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        campaign = services.campaign_close(user=request.user, campaign=self.get_object())
        return Response(CampaignSerializer(campaign).data)


@extend_schema_view(
    list=extend_schema(summary="排查上报列表（本单位及下级的）"),
    create=extend_schema(exclude=True),  # returns are made by issuing a campaign: 405
    retrieve=extend_schema(summary="排查上报详情"),
)
class ScreeningReportViewSet(NoCreateMixin, StepActionsMixin, ScopedModelViewSet):
    step_actions = ("submit",)
    model = ScreeningReport
    serializer_class = ReportSerializer
    filterset_class = ScreeningReportFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def scope_action(self):
        return "change" if self.action == "submit" else "view"

    def get_queryset(self):
        return super().get_queryset().select_related("campaign", "org")

    @extend_schema(summary="上报（未发现矛盾纠纷时须填写情况说明）", request=NoteSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_submit(user=request.user, report=report, **data.validated_data)
        return Response(ReportSerializer(report).data)


@extend_schema_view(
    list=extend_schema(summary="排查发现的矛盾纠纷"),
    retrieve=extend_schema(summary="矛盾纠纷详情（当事各方脱敏；敏感记录的查看记入审计）"),
    create=extend_schema(summary="为本单位的排查上报登记矛盾纠纷", request=EntryCreateSerializer),
    partial_update=extend_schema(summary="修改矛盾纠纷", request=EntryUpdateSerializer),
)
class DisputeEntryViewSet(ScopedModelViewSet):
    model = DisputeEntry
    serializer_class = EntrySerializer
    filterset_class = DisputeEntryFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("report")

    def retrieve(self, request, *args, **kwargs):
        entry = selectors.entry_open(
            request.user,
            kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )
        return Response(self.get_serializer(entry).data)

    def create(self, request, *args, **kwargs):
        data = EntryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        report = get_object_or_404(
            ScreeningReport.objects.restrict(request.user, "change"), pk=values.pop("report")
        )
        entry = services.entry_create(user=request.user, report=report, **values)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        data = EntryUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {f: getattr(entry, f) for f in services.ENTRY_FIELDS}
        values.update(data.validated_data)
        entry = services.entry_update(user=request.user, entry=entry, **values)
        return Response(self.get_serializer(entry).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        entry = self.get_object()
        services.entry_delete(user=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="舆情台账"),
    retrieve=extend_schema(summary="舆情详情（只列出您能查看的关联个案）"),
    create=extend_schema(summary="登记舆情", request=OpinionWriteSerializer),
    partial_update=extend_schema(summary="修改舆情", request=OpinionWriteSerializer),
)
class OpinionItemViewSet(StepActionsMixin, ScopedModelViewSet):
    step_actions = ("close",)
    model = OpinionItem
    serializer_class = OpinionSerializer
    filterset_class = OpinionItemFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_action(self):
        return "change" if self.action in ("close", "partial_update") else "view"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("units", "cases")

    def create(self, request, *args, **kwargs):
        data = OpinionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opinion = opinion_services.opinion_create(user=request.user, **data.validated_data)
        return Response(self.get_serializer(opinion).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        opinion = self.get_object()
        current = {
            "source": opinion.source,
            "occurred_on": opinion.occurred_on,
            "title": opinion.title,
            "summary": opinion.summary,
            "level": opinion.level,
            "handling": opinion.handling,
            "units": list(opinion.units.values_list("pk", flat=True)),
        }
        if not isinstance(request.data, Mapping):
            raise ValidationError({"non_field_errors": [_("请求内容须是一个 JSON 对象。")]})
        data = OpinionWriteSerializer(data={**current, **request.data}, partial=True)
        data.is_valid(raise_exception=True)
        values = {**current, **data.validated_data}
        if "cases" not in request.data:
            from jinguo.cases.models import Case

            values["cases"] = list(
                Case.objects.restrict(request.user, "view")
                .filter(pk__in=opinion.cases.values("pk"))
                .values_list("pk", flat=True)
            )
        opinion = opinion_services.opinion_update(user=request.user, opinion=opinion, **values)
        return Response(self.get_serializer(opinion).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        return super().update(request, *args, **kwargs)

    @extend_schema(summary="舆情办结（须填写办结说明）", request=CloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        opinion = self.get_object()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opinion = opinion_services.opinion_close(
            user=request.user, opinion=opinion, note=data.validated_data["note"]
        )
        return Response(self.get_serializer(opinion).data)

    service_error_fields = {"closing_note": "note"}


class ViolenceStatsViewSet(viewsets.ViewSet):
    """Anonymised violence statistics: counts only, small counts suppressed; audited as an
    export."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="匿名暴力统计（只有数量；1–4 显示为“<5”，防推算隐藏显示为“*”）",
        parameters=[
            OpenApiParameter("unit", int, description="统计单位（默认本单位）"),
            OpenApiParameter(
                "start",
                str,
                required=True,
                allow_blank=False,
                pattern=MONTH_PATTERN,
                description="起始月份 YYYY-MM",
            ),
            OpenApiParameter(
                "end",
                str,
                required=True,
                allow_blank=False,
                pattern=MONTH_PATTERN,
                description="截止月份 YYYY-MM",
            ),
            OpenApiParameter("by", str, enum=["unit", "month"], description="按下级单位或月份"),
        ],
        responses={200: None},
    )
    def list(self, request):
        user = request.user
        if not user.has_perm("protection.view_violence_stats") or user.home_unit_id is None:
            raise PermissionDenied
        form = StatsForm({"by": "unit", **request.query_params.dict()}, user=user)
        if not form.is_valid():
            return Response(form.errors.get_json_data(), status=status.HTTP_400_BAD_REQUEST)
        data = form.cleaned_data
        result = stats.violence_statistics(
            user, unit=data["unit"], start=data["start"], end=data["end"], by=data["by"]
        )
        audit.record_access(
            user,
            action="export",
            object_type="cases.case",
            rows=result["cases"],
            report="violence_stats",
            channel="api",
            filters={"unit": data["unit"].pk, "start": str(data["start"]), "by": data["by"]},
        )
        return Response(
            {
                "unit": data["unit"].name,
                "rows": [str(r) for r in result["rows"]],
                "tables": [
                    {
                        "key": t["key"],
                        "label": str(t["label"]),
                        "columns": [str(c) for c in t["columns"]],
                        "cells": t["cells"],
                        "row_totals": t["row_totals"],
                        "col_totals": t["col_totals"],
                        "total": t["total"],
                    }
                    for t in result["tables"]
                ],
            }
        )


def register(router) -> None:
    """Add this concern's viewsets to the app's router."""
    router.register("screening-campaigns", ScreeningCampaignViewSet, basename="screeningcampaign")
    router.register("screening-reports", ScreeningReportViewSet, basename="screeningreport")
    router.register("dispute-entries", DisputeEntryViewSet, basename="disputeentry")
    router.register("opinions", OpinionItemViewSet, basename="opinionitem")
    router.register("violence-stats", ViolenceStatsViewSet, basename="violence-stats")
