"""REST API for key-focus tags: add, edit, review, end."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action

from jinguo.core.serializers import ModelSerializer, Serializer

from ..filtersets.tags import PersonTagFilterSet
from ..models import FocusTagType, PersonTag
from ..services import tags
from .common import PersonField, RelatedViewSet, WorkerField


@extend_schema_field(OpenApiTypes.INT)
class TagTypeField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("该关注类型不存在或已停用。")}

    def get_queryset(self):
        return FocusTagType.objects.filter(is_active=True)


class PersonTagSerializer(ModelSerializer):
    tag_type_name = serializers.CharField(source="tag_type.name", read_only=True)
    responsible_name = serializers.CharField(
        source="responsible.real_name", read_only=True, default=None, allow_null=True
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = PersonTag
        fields = [
            "id",
            "person",
            "tag_type",
            "tag_type_name",
            "since",
            "reason",
            "responsible",
            "responsible_name",
            "review_days",
            "last_reviewed_on",
            "next_review_on",
            "is_overdue",
            "ended_on",
            "ended_reason",
            "org",
            "is_sensitive",
        ]
        read_only_fields = fields


class TagCreateSerializer(Serializer):
    person = PersonField()
    tag_type = TagTypeField()
    since = serializers.DateField(required=False, default=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    responsible = WorkerField(required=False, allow_null=True, default=None)
    review_days = serializers.IntegerField(required=False, allow_null=True, default=None)


class TagUpdateSerializer(Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    responsible = WorkerField(required=False, allow_null=True)
    review_days = serializers.IntegerField(required=False)


class TagReviewSerializer(Serializer):
    reviewed_on = serializers.DateField(required=False, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TagEndSerializer(Serializer):
    ended_on = serializers.DateField(required=False, default=None)
    reason = serializers.CharField(max_length=200)


@extend_schema_view(
    list=extend_schema(summary="关注标签列表"),
    retrieve=extend_schema(summary="关注标签详情"),
    create=extend_schema(
        summary="添加关注标签", request=TagCreateSerializer, responses={201: PersonTagSerializer}
    ),
    partial_update=extend_schema(
        summary="修改关注标签（原因、责任人、复核周期）",
        request=TagUpdateSerializer,
        responses={200: PersonTagSerializer},
    ),
)
class PersonTagViewSet(RelatedViewSet):
    model = PersonTag
    serializer_class = PersonTagSerializer
    filterset_class = PersonTagFilterSet
    change_actions = ("review", "end")

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "review":
            # Its responsible worker may review a tag she only sees; the service decides.
            qs = PersonTag.objects.restrict(self.request.user, "view")
        return qs.select_related("tag_type", "responsible").order_by("next_review_on", "id")

    def create(self, request, *args, **kwargs):
        data = self.validated(TagCreateSerializer)
        return self.read(self.call(tags.tag_add, **data), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        tag = self.get_object()
        data = self.validated(TagUpdateSerializer, partial=True)
        values = {
            "reason": tag.reason,
            "responsible": tag.responsible,
            "review_days": tag.review_days,
            **data,
        }
        return self.read(self.call(tags.tag_update, tag=tag, **values))

    @extend_schema(summary="记录复核", request=TagReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        tag = self.get_object()
        return self.read(self.call(tags.tag_review, tag=tag, **self.validated(TagReviewSerializer)))

    @extend_schema(summary="解除关注标签", request=TagEndSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        tag = self.get_object()
        return self.read(self.call(tags.tag_end, tag=tag, **self.validated(TagEndSerializer)))


def register(router) -> None:
    """Add this module's viewsets to the people API router."""
    router.register("tags", PersonTagViewSet, basename="persontag")
