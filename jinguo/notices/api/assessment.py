"""/api/notices/assessment/: target assessment (目标考核) — the years, the indicators a unit sets
(and scoring them), each unit's scores with their evidence (the assessed unit enters, the
setting unit adjusts with a reason), and the ranking of a unit's child units.

The same restrict(), filtersets, selectors and services as the pages; out of scope is 404. An
actual value resting on a small sensitive count is "<5" for users without view_sensitive.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.core.api import valid_id
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.orgs.models import OrgUnit

from .. import selectors
from ..choices import IndicatorDirection, IndicatorMethod
from ..filtersets import AssessmentFilterSet, IndicatorFilterSet
from ..models import Assessment, Indicator
from ..services import assessment as services
from ..tables import shown_actual
from .views import ReadOnlyScoped

YEAR_MIN, YEAR_MAX = 2000, 2100


@extend_schema_serializer(component_name="AssessmentIndicator")
class IndicatorSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "org",
            "org_name",
            "year",
            "name",
            "description",
            "weight",
            "target",
            "method",
            "direction",
            "source",
            "dimension",
            "values",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="AssessmentIndicatorCreate")
class IndicatorCreateSerializer(Serializer):
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    name = serializers.CharField(max_length=100)
    weight = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, coerce_to_string=False
    )
    target = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, coerce_to_string=False
    )
    method = serializers.ChoiceField(choices=IndicatorMethod.choices)
    direction = serializers.ChoiceField(
        choices=IndicatorDirection.choices, default=IndicatorDirection.HIGHER
    )
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    source = serializers.CharField(max_length=60, required=False, allow_blank=True)
    dimension = serializers.CharField(max_length=60, required=False, allow_blank=True)
    values = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=50, required=False
    )


@extend_schema_serializer(component_name="AssessmentScore")
class AssessmentSerializer(ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    year = serializers.IntegerField(source="indicator.year", read_only=True)
    weight = serializers.DecimalField(
        source="indicator.weight", max_digits=6, decimal_places=2, read_only=True
    )
    setting_unit = serializers.IntegerField(source="indicator.org_id", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    actual = serializers.SerializerMethodField(
        help_text='实际值；依据少于 5 件的敏感记录且无权查看时为 "<5"，未取值时为 null'
    )
    final_score = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "year",
            "weight",
            "setting_unit",
            "org",
            "org_name",
            "actual",
            "score",
            "adjusted_score",
            "final_score",
            "evidence",
            "computed_at",
            "entered_at",
            "adjust_reason",
            "adjusted_at",
        ]
        read_only_fields = fields

    def get_actual(self, obj) -> str | None:
        if obj.actual is None:
            return None
        return shown_actual(obj, self.context.get("request"))


@extend_schema_serializer(component_name="AssessmentEnter")
class EnterSerializer(Serializer):
    actual = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, max_value=10**12, coerce_to_string=False
    )
    evidence = serializers.CharField(max_length=5000)


@extend_schema_serializer(component_name="AssessmentAdjust")
class AdjustSerializer(Serializer):
    score = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, coerce_to_string=False
    )
    reason = serializers.CharField(max_length=200)


class ComputedSerializer(Serializer):
    units = serializers.IntegerField(help_text="已计算得分的下级单位数")


class YearsSerializer(Serializer):
    years = serializers.ListField(child=serializers.IntegerField())


class RankingCellSerializer(Serializer):
    indicator = serializers.IntegerField()
    assessment = serializers.IntegerField(allow_null=True)
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class RankingRowSerializer(Serializer):
    rank = serializers.IntegerField()
    org = serializers.IntegerField()
    org_name = serializers.CharField()
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    scores = RankingCellSerializer(many=True)


class RankingSerializer(Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    year = serializers.IntegerField()
    full = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="满分（各指标分值之和）"
    )
    indicators = IndicatorSerializer(many=True)
    rows = RankingRowSerializer(many=True)


@extend_schema_view(
    list=extend_schema(summary="考核指标（本单位设置的及下级设置的）"),
    retrieve=extend_schema(summary="一项考核指标"),
)
class IndicatorViewSet(mixins.CreateModelMixin, ReadOnlyScoped):
    model = Indicator
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet

    def get_queryset(self):
        name = "change" if self.action == "compute" else "view"
        return (
            Indicator.objects.restrict(self.request.user, name)
            .select_related("org")
            .order_by("-year", "org_path", "pk")
        )

    def get_permissions(self):
        if self.action == "compute":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        summary="设置考核指标（本单位为其下级单位设置）",
        request=IndicatorCreateSerializer,
        responses={201: IndicatorSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = IndicatorCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        indicator = services.indicator_create(user=request.user, **data.validated_data)
        return Response(IndicatorSerializer(indicator).data, status=201)

    @extend_schema(
        summary="为各下级单位计算得分（统计指标从统计汇总取值）",
        request=None,
        responses=ComputedSerializer,
    )
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        n = services.assessment_compute(user=request.user, indicator=self.get_object())
        return Response({"units": n})


@extend_schema_view(
    list=extend_schema(summary="考核得分（含佐证说明），本单位及下级的"),
    retrieve=extend_schema(summary="一个单位在一项指标上的得分和佐证"),
)
class AssessmentViewSet(ReadOnlyScoped):
    model = Assessment
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet

    def get_queryset(self):
        name = {"enter": "change", "adjust": "adjust"}.get(self.action, "view")
        return (
            Assessment.objects.restrict(self.request.user, name)
            .select_related("indicator", "org")
            .order_by("indicator__year", "indicator", "org_path")
        )

    def get_permissions(self):
        if self.action in ("enter", "adjust"):
            # The scoped look-up and the service decide; out of scope stays a 404.
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def _answer(self, request, assessment):
        assessment = (
            Assessment.objects.select_related("indicator", "org").filter(pk=assessment.pk).get()
        )
        return Response(AssessmentSerializer(assessment, context={"request": request}).data)

    @extend_schema(
        summary="被考核单位填报实际值和佐证（填报类指标）",
        request=EnterSerializer,
        responses=AssessmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def enter(self, request, pk=None):
        assessment = self.get_object()
        data = EnterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_enter(
            user=request.user, assessment=assessment, **data.validated_data
        )
        return self._answer(request, assessment)

    @extend_schema(
        summary="设置指标的单位调整得分（须写明理由，记入审计）",
        request=AdjustSerializer,
        responses=AssessmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        assessment = self.get_object()
        data = AdjustSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_adjust(
            user=request.user, assessment=assessment, **data.validated_data
        )
        return self._answer(request, assessment)


def _year_param(request) -> int:
    raw = request.query_params.get("year")
    if raw in (None, ""):
        from django.utils import timezone

        return timezone.localdate().year
    if not str(raw).isdigit() or not YEAR_MIN <= int(raw) <= YEAR_MAX:
        raise exceptions.ValidationError(
            {"year": [_("请填写 %(a)d 到 %(b)d 之间的年度。") % {"a": YEAR_MIN, "b": YEAR_MAX}]}
        )
    return int(raw)


class AssessmentYearsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="有考核指标或得分的年度（新的在前）", responses=YearsSerializer)
    def get(self, request):
        return Response({"years": selectors.assessment_years(request.user)})


class AssessmentRankingView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="下级单位考核排名：一个单位所设指标下各直属下级单位的得分、总分和名次",
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
                description="年度，默认今年",
            ),
            OpenApiParameter(
                "unit",
                OpenApiTypes.INT,
                description="设置指标的单位，默认本单位；须在本单位及下级中",
            ),
        ],
        responses=RankingSerializer,
    )
    def get(self, request):
        user = request.user
        if not user.has_perm("notices.view_indicator") or not user.home_path:
            raise exceptions.PermissionDenied()
        year = _year_param(request)
        raw = request.query_params.get("unit")
        units = OrgUnit.objects.filter(path__subtree=user.home_path)
        if raw in (None, ""):
            unit = units.filter(pk=user.home_unit_id).first()
        else:
            unit = units.filter(pk=int(raw)).first() if valid_id(raw) else None
        if unit is None:
            raise exceptions.NotFound(_("该单位不存在，或不在您的管辖范围内。"))
        board = selectors.assessment_board(user, unit, year)
        rows = [
            {
                "rank": row["rank"],
                "org": row["unit"].pk,
                "org_name": row["unit"].name,
                "total": row["total"],
                "scores": [
                    {
                        "indicator": i.pk,
                        "assessment": c.pk if c else None,
                        "score": c.final_score if c else None,
                    }
                    for i, c in zip(board["indicators"], row["cells"], strict=True)
                ],
            }
            for row in board["rows"]
        ]
        data = {
            "unit": unit.pk,
            "unit_name": unit.name,
            "year": year,
            "full": board["full"],
            "indicators": board["indicators"],
            "rows": rows,
        }
        return Response(RankingSerializer(data).data)
