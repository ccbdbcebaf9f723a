"""REST API for visits. A visit's situation and needs (a survivor's narrative) appear only in
the detail response, never in a list, and each such reading is logged.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status

from jinguo.core.serializers import ModelSerializer, Serializer

from .. import choices
from ..filtersets.visits import VisitFilterSet
from ..models import Visit
from ..selectors.visits import visit_open
from ..services import visits
from .common import HouseholdField, PersonField, RelatedViewSet, WorkerField


class VisitSerializer(ModelSerializer):
    """A visit in a list: when, how, who — never what was said."""

    method_display = serializers.CharField(source="get_method_display", read_only=True)
    worker_name = serializers.CharField(source="worker.real_name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "person",
            "household",
            "visited_on",
            "method",
            "method_display",
            "met_whom",
            "follow_up_needed",
            "follow_up_on",
            "worker",
            "worker_name",
            "org",
            "is_sensitive",
            "created_at",
        ]
        read_only_fields = fields


class VisitDetailSerializer(VisitSerializer):
    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "situation", "needs"]
        read_only_fields = fields


class VisitWriteSerializer(Serializer):
    visited_on = serializers.DateField(required=False)
    method = serializers.ChoiceField(choices=choices.VisitMethod.choices, required=False)
    met_whom = serializers.CharField(max_length=100, required=False, allow_blank=True)
    situation = serializers.CharField(max_length=5000, required=False)
    needs = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    follow_up_needed = serializers.BooleanField(required=False)
    follow_up_on = serializers.DateField(required=False, allow_null=True)


class VisitCreateSerializer(VisitWriteSerializer):
    person = PersonField(required=False, allow_null=True, default=None)
    household = HouseholdField(required=False, allow_null=True, default=None)
    situation = serializers.CharField(max_length=5000)
    worker = WorkerField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(summary="走访记录列表（不含情况记录和需求）"),
    retrieve=extend_schema(summary="走访记录详情（含情况记录和需求，查看会被记录）"),
    create=extend_schema(
        summary="记录走访", request=VisitCreateSerializer, responses={201: VisitDetailSerializer}
    ),
    partial_update=extend_schema(
        summary="修改走访记录", request=VisitWriteSerializer, responses={200: VisitDetailSerializer}
    ),
)
class VisitViewSet(RelatedViewSet):
    model = Visit
    serializer_class = VisitSerializer
    detail_serializer_class = VisitDetailSerializer
    filterset_class = VisitFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("worker").order_by("-visited_on", "-id")

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        return visit_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )

    def create(self, request, *args, **kwargs):
        data = self.validated(VisitCreateSerializer)
        return self.read(self.call(visits.visit_create, **data), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        visit = self.get_object()
        data = self.validated(VisitWriteSerializer, partial=True)
        values = {f: getattr(visit, f) for f in visits.UPDATABLE}
        values.update(data)
        return self.read(self.call(visits.visit_update, visit=visit, **values))


def register(router) -> None:
    """Add this module's viewsets to the people API router."""
    router.register("visits", VisitViewSet, basename="visit")
