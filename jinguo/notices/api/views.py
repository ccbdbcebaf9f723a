"""/api/notices/: a unit's inbox (its receipts), signing and completing them, and the notices
a unit sent with their progress. The same restrict(), filtersets and services as the pages;
out of scope is 404. Files are uploaded and downloaded on the pages only."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.core.api import IdLookupMixin, ModelActionPermission
from jinguo.core.serializers import ModelSerializer, Serializer

from .. import selectors, services
from ..filtersets import NoticeFilterSet, ReceiptFilterSet
from ..models import Notice, Receipt

FIGURE_VALUE_MAX = 10**12


class FigureSerializer(Serializer):
    key = serializers.CharField(max_length=services.FIGURE_KEY_MAX)
    value = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        max_value=FIGURE_VALUE_MAX - 1,
        min_value=-(FIGURE_VALUE_MAX - 1),
        coerce_to_string=False,
    )


class FigureOutSerializer(Serializer):
    key = serializers.CharField()
    value = serializers.FloatField()


class ReceiptSerializer(ModelSerializer):
    title = serializers.CharField(source="notice.title", read_only=True)
    body = serializers.CharField(source="notice.body", read_only=True)
    issuer = serializers.IntegerField(source="notice.org_id", read_only=True)
    issuer_name = serializers.CharField(source="notice.org.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    withdrawn = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    figures = FigureOutSerializer(many=True, read_only=True)
    report_figure = serializers.CharField(
        source="notice.report_figure",
        read_only=True,
        help_text="任务数据填入报表时，完成情况中须填写的数据项名称（否则为空）",
    )

    class Meta:
        model = Receipt
        fields = [
            "id",
            "notice",
            "kind",
            "title",
            "body",
            "issuer",
            "issuer_name",
            "org",
            "org_name",
            "due_on",
            "created_at",
            "state",
            "acknowledged_at",
            "completed_at",
            "note",
            "figures",
            "report_figure",
            "is_late",
            "withdrawn",
            "overdue",
        ]
        read_only_fields = fields

    def get_withdrawn(self, obj) -> bool:
        return obj.notice.withdrawn_at is not None

    def get_overdue(self, obj) -> bool:
        return obj.overdue()


class CompleteSerializer(Serializer):
    note = serializers.CharField(max_length=services.NOTE_MAX)
    figures = FigureSerializer(many=True, required=False, max_length=services.MAX_FIGURES)


class NoticeSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "due_on",
            "targets",
            "target_kind",
            "org",
            "org_name",
            "issued_at",
            "withdrawn_at",
            "withdraw_reason",
            "report_cell",
            "report_period",
            "report_figure",
            "progress",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> dict[str, int]:
        user = self.context["request"].user
        receipts = Receipt.objects.restrict(user, "view").filter(notice=obj)
        return selectors.notice_progress(receipts)


class ReadOnlyScoped(
    IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = None
    permission_classes = [permissions.IsAuthenticated, ModelActionPermission]

    def queryset_model(self):
        return self.model


@extend_schema_view(
    list=extend_schema(summary="本单位收到的通知任务（待办在前，期限近的在前）"),
    retrieve=extend_schema(summary="一份回执：通知任务的内容和本单位的办理情况"),
)
class ReceiptViewSet(ReadOnlyScoped):
    model = Receipt
    serializer_class = ReceiptSerializer
    filterset_class = ReceiptFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Receipt.objects.none()
        if self.action == "list":
            return selectors.inbox(self.request.user)
        action_name = {"acknowledge": "acknowledge", "complete": "complete"}.get(
            self.action, "view"
        )
        return (
            Receipt.objects.restrict(self.request.user, action_name)
            .select_related("notice", "notice__org", "org")
            .order_by("pk")
        )

    def get_permissions(self):
        if self.action in ("acknowledge", "complete"):
            # The scoped look-up and the service decide; out of scope stays a 404.
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(summary="签收", request=None, responses=ReceiptSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        receipt = services.receipt_acknowledge(user=request.user, receipt=self.get_object())
        return Response(ReceiptSerializer(receipt).data)

    @extend_schema(
        summary="报告任务完成情况", request=CompleteSerializer, responses=ReceiptSerializer
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        receipt = self.get_object()
        data = CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        figures = [
            {"key": f["key"], "value": str(f["value"])}
            for f in data.validated_data.get("figures", [])
        ]
        receipt = services.receipt_complete(
            user=request.user, receipt=receipt, note=data.validated_data["note"], figures=figures
        )
        return Response(ReceiptSerializer(receipt).data)


@extend_schema_view(
    list=extend_schema(summary="本单位（及下级）下发的通知任务"),
    retrieve=extend_schema(summary="通知任务及各单位签收、完成进度"),
)
class NoticeViewSet(ReadOnlyScoped):
    model = Notice
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet

    def get_queryset(self):
        return (
            Notice.objects.restrict(self.request.user, "view")
            .select_related("org")
            .order_by("-issued_at", "-pk")
        )
