"""The intake queue API: ``POST /api/cases/intake/`` stores an appeal and answers 202 at once;
``GET /api/cases/intake/<client_reference>/`` tells whether it became a case.

For telephony and grid platforms that push appeals in bursts. The body is the same as for
``POST /api/cases/cases/``; only the envelope (permission, ``client_reference``, size) is
checked on arrival, the rest when the worker registers it — a refusal then shows in the
status, field by field. The same reference twice is one submission.
"""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.core.pagination import Pagination

from ..models import IntakeSubmission, SubmissionStatus
from ..services import inbox
from . import inputs
from .cases import REPLAYED_HEADER

SUBMISSION_SCHEMA = inline_serializer(
    "IntakeSubmission",
    {
        "client_reference": serializers.CharField(),
        "status": serializers.ChoiceField(choices=SubmissionStatus.choices),
        "status_display": serializers.CharField(),
        "received_at": serializers.DateTimeField(),
        "processed_at": serializers.DateTimeField(allow_null=True),
        "case": inline_serializer(
            "IntakeSubmissionCase",
            {"id": serializers.IntegerField(), "number": serializers.CharField()},
            allow_null=True,
        ),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "status_url": serializers.CharField(),
    },
)


# The list is paginated like every other list of the API.
SUBMISSION_PAGE_SCHEMA = inline_serializer(
    "PaginatedIntakeSubmissionList",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": SUBMISSION_SCHEMA.__class__(many=True),
    },
)


def submission_body(request, submission: IntakeSubmission) -> dict:
    case = submission.case
    return {
        "client_reference": submission.client_reference,
        "status": submission.status,
        "status_display": str(SubmissionStatus(submission.status).label),
        "received_at": submission.received_at,
        "processed_at": submission.processed_at,
        "case": {"id": case.pk, "number": case.number} if case is not None else None,
        "errors": submission.errors or {},
        "status_url": request.build_absolute_uri(
            reverse("cases-api-intake-status", args=[submission.client_reference])
        ),
    }


class IntakeQueueView(APIView):
    @extend_schema(
        summary="本账号提交到接入队列的诉求（可按状态筛选，如 ?status=rejected）",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=SubmissionStatus.values,
                description="pending、registered、rejected",
            ),
            OpenApiParameter("page", int, description="页码（每页 50 条），从 1 开始"),
        ],
        responses={200: SUBMISSION_PAGE_SCHEMA},
    )
    def get(self, request):
        submissions = (
            IntakeSubmission.objects.restrict(request.user, "view")
            .select_related("case")
            .order_by("-id")
        )
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in SubmissionStatus.values:
                raise ValidationError({"status": _("状态只能是 pending、registered 或 rejected。")})
            submissions = submissions.filter(status=wanted)
        paginator = Pagination()
        page = paginator.paginate_queryset(submissions, request, view=self)
        return paginator.get_paginated_response([submission_body(request, s) for s in page])

    @extend_schema(
        summary="提交诉求到接入队列（高并发对接：立即应答，随后登记）",
        description="内容与“登记诉求”相同，client_reference 必填。收到即返回 202 和查询地址；"
        "接入队列按顺序登记为个案，未通过校验的在查询结果中按字段说明原因。"
        "同一账号以同一编号重复提交返回首次的提交，状态码 200，响应头 Idempotent-Replayed: true。",
        request=inputs.QueuedCaseIntakeSerializer,
        responses={
            202: SUBMISSION_SCHEMA,
            200: OpenApiResponse(SUBMISSION_SCHEMA, description="重复提交：首次的提交"),
            400: OpenApiResponse(description="缺少对方系统编号、内容不是 JSON 对象或过大"),
            403: OpenApiResponse(description="该账号没有登记诉求的权限"),
        },
    )
    def post(self, request):
        submission, created = inbox.submission_accept(user=request.user, body=request.data)
        if created and settings.JINGUO_INTAKE_INLINE:
            submission = inbox.register_submission(submission)
        response = Response(
            submission_body(request, submission),
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )
        response["Location"] = reverse(
            "cases-api-intake-status", args=[submission.client_reference]
        )
        if not created:
            response[REPLAYED_HEADER] = "true"
        return response


class IntakeStatusView(APIView):
    @extend_schema(
        summary="查询接入队列中一条诉求的登记结果（仅限提交账号本人）",
        responses={200: SUBMISSION_SCHEMA, 404: OpenApiResponse(description="没有这条提交")},
    )
    def get(self, request, reference: str):
        submission = (
            IntakeSubmission.objects.restrict(request.user, "view")
            .select_related("case")
            .filter(client_reference=reference)
            .first()
        )
        if submission is None:
            raise Http404
        return Response(submission_body(request, submission))
