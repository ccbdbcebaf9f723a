from django.db.models import Count
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.core.api import ScopedModelViewSet
from jinguo.orgs import services
from jinguo.orgs.filtersets import OrgUnitFilterSet
from jinguo.orgs.models import OrgUnit

from .serializers import (
    OrgUnitCreateSerializer,
    OrgUnitMoveSerializer,
    OrgUnitSerializer,
    OrgUnitUpdateSerializer,
)

SUBTREE_PARAM = OpenApiParameter(
    "subtree",
    int,
    description="只返回该单位（id）及其全部下级单位；单位须在您的管辖范围内，否则返回 400。",
)


@extend_schema_view(
    list=extend_schema(summary="组织单位列表", parameters=[SUBTREE_PARAM]),
    retrieve=extend_schema(summary="组织单位详情"),
    create=extend_schema(
        summary="新增组织单位",
        request=OrgUnitCreateSerializer,
        responses={201: OrgUnitSerializer},
    ),
    partial_update=extend_schema(
        summary="修改组织单位（名称、简称、联系方式、启用状态；代码不可修改）",
        request=OrgUnitUpdateSerializer,
        responses={200: OrgUnitSerializer},
    ),
)
class OrgUnitViewSet(ScopedModelViewSet):
    """Units of the federation tree within the caller's scope; writes go through services."""

    model = OrgUnit
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    # The move service names the target "new_parent"; the API's field is "parent".
    service_error_fields = {"new_parent": "parent"}

    def scope_action(self) -> str:
        if self.action == "move":
            return "move"
        if self.action == "children":
            return "view"
        return super().scope_action()

    def get_permissions(self):
        if self.action == "move":
            # The move service checks orgs.move_orgunit (a POST would otherwise need "add").
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("parent")
            .annotate(child_count=Count("children"))
            .order_by("path")
        )

    def _read(self, unit: OrgUnit) -> dict:
        unit = OrgUnit.objects.annotate(child_count=Count("children")).get(pk=unit.pk)
        return OrgUnitSerializer(unit, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = OrgUnitCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        unit = services.orgunit_create(user=request.user, **serializer.validated_data)
        return Response(self._read(unit), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        unit = self.get_object()
        serializer = OrgUnitUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            "name": unit.name,
            "short_name": unit.short_name,
            "phone": unit.phone,
            "address": unit.address,
            "is_active": unit.is_active,
            **serializer.validated_data,
        }
        unit = services.orgunit_update(user=request.user, unit=unit, **values)
        return Response(self._read(unit))

    @extend_schema(
        summary="直属下级单位",
        responses={200: OrgUnitSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def children(self, request, pk=None):
        unit = self.get_object()
        queryset = self.filter_queryset(self.get_queryset().filter(parent=unit))
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page if page is not None else queryset, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    @extend_schema(
        summary="调整隶属关系（连同全部下级单位、用户和业务记录）",
        request=OrgUnitMoveSerializer,
        responses={200: OrgUnitSerializer},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        unit = self.get_object()
        serializer = OrgUnitMoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        unit = services.orgunit_move(
            user=request.user,
            unit=unit,
            new_parent=serializer.validated_data["parent"],
            reason=serializer.validated_data["reason"],
        )
        return Response(self._read(unit))
