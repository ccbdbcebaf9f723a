"""REST API for cases: queues, detail, idempotent intake and the workflow actions.

Scoped like the UI (restrict(); out of scope answers 404), filtered by the UI's
``CaseFilterSet``, written only through the services. Identities are always masked; the
narrative and timeline notes appear only in one case's detail, and each such reading is
written to the access log.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from jinguo.core.api import ScopedModelViewSet

from .. import selectors
from ..filtersets import CaseFilterSet
from ..models import Case, CaseEvent, CaseParty
from ..services import intake, workflow
from . import inputs
from . import serializers as s

REPLAYED_HEADER = "Idempotent-Replayed"


FILTER_PARAMS = [
    OpenApiParameter("q", str, description="编号（或其尾部）、摘要中的词语、类别（中文分词检索）"),
    OpenApiParameter("unit", int, description="单位 id：该单位及其全部下级"),
    OpenApiParameter(
        "ordering",
        str,
        description="排序：received_at、due_at、number、updated_at，前加 - 为倒序；"
        "默认按收到时间倒序",
    ),
]

ACTION_RESPONSES = {
    200: s.CaseDetailSerializer,
    400: OpenApiResponse(description="不允许的操作或填写有误（中文说明）"),
    404: OpenApiResponse(description="个案不存在或不在您的管辖范围内"),
    409: OpenApiResponse(description="个案已被他人修改（version 过期）"),
}


def action_schema(summary: str, request):
    return extend_schema(summary=summary, request=request, responses=ACTION_RESPONSES)


@extend_schema_view(
    list=extend_schema(
        summary="个案列表（本单位及下级、共享给本人的；身份信息脱敏）", parameters=FILTER_PARAMS
    ),
    retrieve=extend_schema(summary="个案详情（含诉求内容和办理记录；身份信息脱敏，查看记入审计）"),
    create=extend_schema(
        summary="登记诉求（热线、网格等对接系统）",
        description="提供 client_reference 时按（账号, client_reference）幂等：重复提交返回首次"
        "登记的个案，状态码 200，响应头 Idempotent-Replayed: true；首次登记返回 201。",
        request=inputs.CaseIntakeSerializer,
        responses={
            201: s.CaseListSerializer,
            200: OpenApiResponse(s.CaseListSerializer, description="重复提交：首次登记的个案"),
            400: OpenApiResponse(description="填写有误（中文说明，按字段）"),
        },
    ),
)
class CaseViewSet(ScopedModelViewSet):
    model = Case
    serializer_class = s.CaseListSerializer
    filterset_class = CaseFilterSet
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["received_at", "due_at", "number", "updated_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action not in ("list", "retrieve", "create"):
            # Workflow actions: the case comes from restrict() and the service checks the
            # permission and scope for its own action.
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def scope_action(self) -> str:
        return "view"

    def get_queryset(self):
        qs = Case.objects.restrict(self.request.user, "view").select_related(
            "category", "subcategory", "org", "assigned_to"
        )
        if self.action == "list":
            # A queue row shows none of these: no decrypting or fetching them for 50 rows.
            # paged(): the count and the page read the scope's halves by index (core/pages.py).
            return qs.defer("narrative", "outcome_note", "decline_reason", "search_text").paged()
        return qs.select_related("complainant").prefetch_related(
            Prefetch("parties", CaseParty.objects.select_related("person")),
            Prefetch("events", CaseEvent.objects.select_related("actor", "actor_unit")),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return s.CaseListSerializer
        return s.CaseDetailSerializer

    def detail_body(self, case: Case):
        """The case as the caller may now see it, or a short note if it left her reach."""
        found = self.get_queryset().filter(pk=case.pk).first()
        if found is None:
            return {
                "id": case.pk,
                "number": case.number,
                "detail": _("操作已完成；该个案已不在您的查看范围内。"),
            }
        return s.CaseDetailSerializer(found, context=self.get_serializer_context()).data

    def intake_body(self, case: Case, created: bool):
        """What a client platform needs back: number, state, deadlines — the row of a list, no
        narrative and no timeline (GET the case for those). A replay has the same shape."""
        if not created:
            found = (
                Case.objects.restrict(self.request.user, "view")
                .select_related("category", "subcategory", "org", "assigned_to")
                .filter(pk=case.pk)
                .first()
            )
            if found is None:
                return {
                    "id": case.pk,
                    "number": case.number,
                    "detail": _("该诉求已登记；它已不在您的查看范围内。"),
                }
            case = found
        return s.CaseListSerializer(case, context=self.get_serializer_context()).data

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        return selectors.case_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        return Response(s.CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    def create(self, request, *args, **kwargs):
        serializer = inputs.CaseIntakeSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data["client_reference"]:
            case, created = intake.case_create_idempotent(user=request.user, **data)
        else:
            case, created = intake.case_create(user=request.user, **data), True
        response = Response(
            self.intake_body(case, created),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        if not created:
            response[REPLAYED_HEADER] = "true"
        return response

    # --- workflow actions ------------------------------------------------------------------

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _act(self, service, data: dict, **kwargs):
        """Call a workflow service on the case of the URL; answer with the updated case.

        The ``version`` the client read goes to the service, which answers a stale one (409).
        """
        case = self.get_object()
        service(user=self.request.user, case=case, **data, **kwargs)
        return Response(self.detail_body(case))

    def _pick(self, queryset, pk: int, field: str, message: str):
        found = queryset.filter(pk=pk).first()
        if found is None:
            raise ValidationError({field: [message]})
        return found

    @action_schema("受理", inputs.NoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(workflow.case_accept, self._input(inputs.NoteSerializer))

    @action_schema("不予受理（须填写理由）", inputs.DeclineSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._act(workflow.case_decline, self._input(inputs.DeclineSerializer))

    @action_schema("分派承办人", inputs.AssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = self._input(inputs.AssignSerializer)
        case = self.get_object()
        data["worker"] = self._pick(
            selectors.assignable_workers(request.user, case),
            data["worker"],
            "worker",
            _("该用户不存在、已停用或不能承办此个案。"),
        )
        return self._act(workflow.case_assign, data)

    @action_schema("开始办理", inputs.VersionSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._act(workflow.case_start, self._input(inputs.VersionSerializer))

    @action_schema("办结（须选择办理结果并填写办结情况）", inputs.ResolveSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._act(workflow.case_resolve, self._input(inputs.ResolveSerializer))

    @action_schema("回访（满意则结案；不满意可重新办理或上报）", inputs.FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        return self._act(workflow.case_follow_up, self._input(inputs.FollowUpSerializer))

    @action_schema("交办下级单位", inputs.UnitNoteSerializer)
    @action(detail=True, methods=["post"], url_path="pass-down")
    def pass_down(self, request, pk=None):
        data = self._input(inputs.UnitNoteSerializer)
        case = self.get_object()
        data["unit"] = self._pick(
            selectors.pass_down_targets(request.user, case),
            data["unit"],
            "unit",
            _("所选单位不是该个案承办单位的下级，或不在您的管辖范围内。"),
        )
        return self._act(workflow.case_pass_down, data)

    @action_schema("上报上级单位", inputs.NoteSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._act(workflow.case_escalate, self._input(inputs.NoteSerializer))

    @action_schema("转办其他单位（须填写说明）", inputs.UnitRequiredNoteSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        data = self._input(inputs.UnitRequiredNoteSerializer)
        case = self.get_object()
        data["unit"] = self._pick(
            selectors.transfer_targets(request.user, case),
            data["unit"],
            "unit",
            _("所选单位不存在或不能转办。"),
        )
        return self._act(workflow.case_transfer, data)

    @action_schema("添加办理记录", inputs.RequiredNoteSerializer)
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        return self._act(intake.case_add_note, self._input(inputs.RequiredNoteSerializer))

    @action_schema("结案", inputs.RequiredNoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(workflow.case_close, self._input(inputs.RequiredNoteSerializer))

    @action_schema("重新办理（须填写理由）", inputs.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(workflow.case_reopen, self._input(inputs.ReasonSerializer))


def register(router) -> None:
    router.register("cases", CaseViewSet, basename="case")
