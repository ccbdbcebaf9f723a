"""REST API for consents: record one, withdraw one."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action

from jinguo.core.serializers import ModelSerializer, Serializer

from .. import choices
from ..filtersets.consents import ConsentFilterSet
from ..models import Consent
from ..services import consents
from .common import PersonField, RelatedViewSet


class ConsentSerializer(ModelSerializer):
    purpose_display = serializers.CharField(source="get_purpose_display", read_only=True)
    is_valid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "purpose",
            "purpose_display",
            "scope",
            "given_on",
            "method",
            "guardian_name",
            "guardian_relation",
            "withdrawn_on",
            "is_valid",
            "recorded_by",
            "org",
        ]
        read_only_fields = fields


class ConsentCreateSerializer(Serializer):
    person = PersonField()
    purpose = serializers.ChoiceField(choices=choices.ConsentPurpose.choices)
    method = serializers.ChoiceField(choices=choices.ConsentMethod.choices)
    given_on = serializers.DateField(required=False, default=None)
    scope = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    guardian_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    guardian_relation = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )


class ConsentWithdrawSerializer(Serializer):
    withdrawn_on = serializers.DateField(required=False, default=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="同意记录列表"),
    retrieve=extend_schema(summary="同意记录详情"),
    create=extend_schema(
        summary="记录同意（未满 14 周岁须填写监护人）",
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer},
    ),
)
class ConsentViewSet(RelatedViewSet):
    model = Consent
    serializer_class = ConsentSerializer
    filterset_class = ConsentFilterSet
    http_method_names = ["get", "post", "head", "options"]
    change_actions = ("withdraw",)

    def create(self, request, *args, **kwargs):
        data = self.validated(ConsentCreateSerializer)
        return self.read(self.call(consents.consent_record, **data), status.HTTP_201_CREATED)

    @extend_schema(summary="撤回同意", request=ConsentWithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = self.get_object()
        data = self.validated(ConsentWithdrawSerializer)
        return self.read(self.call(consents.consent_withdraw, consent=consent, **data))


def register(router) -> None:
    """Add this module's viewsets to the people API router."""
    router.register("consents", ConsentViewSet, basename="consent")
