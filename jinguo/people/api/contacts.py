"""REST API for contact assignments: assign, change, end."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action

from jinguo.core.serializers import ModelSerializer, Serializer

from ..filtersets.contacts import ContactAssignmentFilterSet
from ..models import ContactAssignment
from ..services import contacts
from .common import HouseholdField, PersonField, RelatedViewSet, WorkerField


class ContactAssignmentSerializer(ModelSerializer):
    worker_name = serializers.CharField(source="worker.real_name", read_only=True)

    class Meta:
        model = ContactAssignment
        fields = [
            "id",
            "worker",
            "worker_name",
            "person",
            "household",
            "since",
            "visit_every_days",
            "ended_on",
            "note",
            "org",
            "is_sensitive",
        ]
        read_only_fields = fields


class ContactCreateSerializer(Serializer):
    worker = WorkerField()
    person = PersonField(required=False, allow_null=True, default=None)
    household = HouseholdField(required=False, allow_null=True, default=None)
    since = serializers.DateField(required=False, default=None)
    visit_every_days = serializers.IntegerField(required=False, default=30)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContactUpdateSerializer(Serializer):
    visit_every_days = serializers.IntegerField(required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ContactEndSerializer(Serializer):
    ended_on = serializers.DateField(required=False, default=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="联系关系列表"),
    retrieve=extend_schema(summary="联系关系详情"),
    create=extend_schema(
        summary="指派联系人（联系人获得查看和更新该档案的权限）",
        request=ContactCreateSerializer,
        responses={201: ContactAssignmentSerializer},
    ),
    partial_update=extend_schema(
        summary="修改走访周期或说明",
        request=ContactUpdateSerializer,
        responses={200: ContactAssignmentSerializer},
    ),
)
class ContactAssignmentViewSet(RelatedViewSet):
    model = ContactAssignment
    serializer_class = ContactAssignmentSerializer
    filterset_class = ContactAssignmentFilterSet
    change_actions = ("end",)

    def get_queryset(self):
        return super().get_queryset().select_related("worker").order_by("-since", "id")

    def create(self, request, *args, **kwargs):
        data = self.validated(ContactCreateSerializer)
        return self.read(self.call(contacts.contact_assign, **data), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        assignment = self.get_object()
        data = self.validated(ContactUpdateSerializer, partial=True)
        values = {
            "visit_every_days": assignment.visit_every_days,
            "note": assignment.note,
            **data,
        }
        return self.read(self.call(contacts.contact_update, assignment=assignment, **values))

    @extend_schema(summary="结束联系（收回联系人的权限）", request=ContactEndSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = self.get_object()
        data = self.validated(ContactEndSerializer)
        return self.read(self.call(contacts.contact_end, assignment=assignment, **data))


def register(router) -> None:
    """Add this module's viewsets to the people API router."""
    router.register("contacts", ContactAssignmentViewSet, basename="contactassignment")
