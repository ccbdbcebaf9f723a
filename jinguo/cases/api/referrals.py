"""REST API for referrals (agency users answer here) and the read-only category tree.

Referrals come from ``Referral.objects.restrict``: an agency member sees only what was referred
to her agency, federation users what their subtree referred. Accepting, declining and reporting
need restrict(user, "respond"), which only agency members pass; anything else answers 404.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.core.api import IdLookupMixin, ScopedModelViewSet

from .. import selectors
from ..models import Category, Referral
from ..services import referrals as services
from . import inputs
from . import serializers as s

RESPONSES = {
    200: s.ReferralDetailSerializer,
    400: OpenApiResponse(description="当前状态不允许此操作或填写有误（中文说明）"),
    404: OpenApiResponse(description="转介不存在或不是转给本机构的"),
}


@extend_schema_view(
    list=extend_schema(summary="转介列表（合作机构用户只看到转给本机构的）"),
    retrieve=extend_schema(summary="转介详情（含转介事项和反馈；查看记入审计）"),
    create=extend_schema(
        summary="把个案转介到合作机构",
        request=inputs.ReferralCreateSerializer,
        responses={
            201: OpenApiResponse(
                response=PolymorphicProxySerializer(
                    component_name="ReferralCreated",
                    serializers=[
                        s.ReferralDetailSerializer,
                        inline_serializer("ReferralCreatedId", {"id": serializers.IntegerField()}),
                    ],
                    resource_type_field_name=None,
                ),
                description="新建的转介；创建人无权查看转介详情时只返回其编号",
            ),
            400: OpenApiResponse(description="填写有误、缺少当事人同意或个案已结案（中文说明）"),
            403: OpenApiResponse(description="没有转介权限"),
            404: OpenApiResponse(description="个案不存在或不在您的范围内"),
        },
    ),
)
class ReferralViewSet(ScopedModelViewSet):
    model = Referral
    serializer_class = s.ReferralSerializer
    filterset_fields = ["status"]
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return super().get_permissions()
        # The service checks membership, permission and state; the look-up checks scope.
        return [permissions.IsAuthenticated()]

    def scope_action(self) -> str:
        if self.action in ("accept", "decline", "report"):
            return "respond"
        return "view"

    def get_queryset(self):
        return (
            Referral.objects.restrict(self.request.user, self.scope_action())
            .select_related("agency", "case", "case__category", "org", "sent_by")
            .order_by("-sent_at", "-id")
        )

    def get_serializer_class(self):
        if self.action == "list":
            return s.ReferralSerializer
        return s.ReferralDetailSerializer

    def _read(self, referral: Referral):
        found = (
            Referral.objects.restrict(self.request.user, "view")
            .select_related("agency", "case", "case__category", "org", "sent_by")
            .filter(pk=referral.pk)
            .first()
        )
        if found is None:
            return Response({"id": referral.pk})
        return Response(s.ReferralDetailSerializer(found).data)

    def _act(self, service, serializer_class):
        referral = self.get_object()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        service(user=self.request.user, referral=referral, **serializer.validated_data)
        return self._read(referral)

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        return selectors.referral_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        return Response(s.ReferralDetailSerializer(referral).data)

    def create(self, request, *args, **kwargs):
        # Through the service, like the page: permission, scope, consent, audit and timeline.
        serializer = inputs.ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_create(user=request.user, **serializer.validated_data)
        response = self._read(referral)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="接收转介（合作机构）", request=inputs.ReferralNoteSerializer, responses=RESPONSES
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(services.referral_accept, inputs.ReferralNoteSerializer)

    @extend_schema(
        summary="退回转介（合作机构，须填写理由）",
        request=inputs.ReferralReasonSerializer,
        responses=RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._act(services.referral_decline, inputs.ReferralReasonSerializer)

    @extend_schema(
        summary="反馈办理情况（合作机构）",
        request=inputs.ReferralReportSerializer,
        responses=RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._act(services.referral_report, inputs.ReferralReportSerializer)

    @extend_schema(
        summary="完结转介（合作机构；或反馈后由转介单位完结）",
        request=inputs.ReferralNoteSerializer,
        responses=RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(services.referral_close, inputs.ReferralNoteSerializer)


class CategoryPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.has_perm("cases.view_category") or user.has_perm("cases.add_case"))
        )


@extend_schema_view(
    list=extend_schema(summary="诉求类别树（启用的一级类别及其子类别）"),
    retrieve=extend_schema(summary="诉求类别"),
)
class CategoryViewSet(
    IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """For telephony and grid platforms to map their own categories to ours."""

    serializer_class = s.CategorySerializer
    permission_classes = [permissions.IsAuthenticated, CategoryPermission]
    pagination_class = None

    def get_queryset(self):
        qs = Category.objects.filter(is_active=True).prefetch_related(
            Prefetch(
                "children",
                Category.objects.filter(is_active=True).order_by("sort", "id"),
                to_attr="active_children",
            )
        )
        if self.action == "list":
            qs = qs.filter(parent__isnull=True)
        return qs.order_by("sort", "id")


def register(router) -> None:
    router.register("referrals", ReferralViewSet, basename="referral")
    router.register("categories", CategoryViewSet, basename="case-category")
