"""API of the orders concern under /api/protection/: written warnings and their visits,
protection orders (with one POST action per step), breaches and injury records.

Scoped like the pages (restrict(); out of scope is 404), written through the same services,
filtered by the same filtersets. A list never carries the narratives (facts, findings, what
happened); a detail does, and its reading is logged by the same selector as the page's.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action

from jinguo.cases.models import Case
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.people.api.common import PersonField, RelatedViewSet

from .. import choices
from ..filtersets.orders import (
    InjuryRecordFilterSet,
    OrderBreachFilterSet,
    PoliceWarningFilterSet,
    ProtectionOrderFilterSet,
    WarningVisitFilterSet,
)
from ..models import InjuryRecord, OrderBreach, PoliceWarning, ProtectionOrder, WarningVisit
from ..selectors import orders as selectors
from ..services.orders import protection_orders as order_services
from ..services.orders import records
from ..services.orders import warnings as warning_services
from ..services.orders.common import courts, police_stations


class _Scoped(serializers.PrimaryKeyRelatedField):
    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        request = self.context.get("request")
        return self.scoped(request.user) if request else None


@extend_schema_field(OpenApiTypes.INT)
class CaseField(_Scoped):
    default_error_messages = {"does_not_exist": "该个案不存在或不在您的管辖范围内。"}

    def scoped(self, user):
        return Case.objects.restrict(user, "view")


@extend_schema_field(OpenApiTypes.INT)
class PoliceField(_Scoped):
    default_error_messages = {"does_not_exist": "该公安机关不存在或不在您可选择的范围内。"}

    def scoped(self, user):
        return police_stations(user)


@extend_schema_field(OpenApiTypes.INT)
class CourtField(_Scoped):
    default_error_messages = {"does_not_exist": "该法院不存在或不在您可选择的范围内。"}

    def scoped(self, user):
        return courts(user)


# --- serializers ------------------------------------------------------------------------------


class PoliceWarningSerializer(ModelSerializer):
    police_station_name = serializers.CharField(source="police_station.name", read_only=True)

    class Meta:
        model = PoliceWarning
        fields = [
            "id",
            "person",
            "case",
            "police_station",
            "police_station_name",
            "document_number",
            "issued_on",
            "abuser",
            "served_to",
            "served_at",
            "committee_notified_at",
            "visit_every_days",
            "visits_until",
            "org",
            "is_sensitive",
            "version",
        ]
        read_only_fields = fields


class PoliceWarningDetailSerializer(PoliceWarningSerializer):
    class Meta(PoliceWarningSerializer.Meta):
        fields = [
            *PoliceWarningSerializer.Meta.fields,
            "abuser_description",
            "facts",
            "prohibition",
        ]
        read_only_fields = fields


class PoliceWarningWriteSerializer(Serializer):
    version = serializers.IntegerField(min_value=1, required=False)
    police_station = PoliceField(required=False)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    issued_on = serializers.DateField(required=False)
    abuser = PersonField(required=False, allow_null=True)
    abuser_description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    facts = serializers.CharField(max_length=10000, required=False)
    prohibition = serializers.CharField(max_length=10000, required=False)
    served_to = serializers.CharField(max_length=100, required=False, allow_blank=True)
    served_at = serializers.DateTimeField(required=False, allow_null=True)
    case = CaseField(required=False, allow_null=True)
    visit_every_days = serializers.IntegerField(min_value=1, max_value=365, required=False)
    visits_until = serializers.DateField(required=False, allow_null=True)


class PoliceWarningCreateSerializer(PoliceWarningWriteSerializer):
    version = None
    person = PersonField()
    police_station = PoliceField()
    issued_on = serializers.DateField()
    facts = serializers.CharField(max_length=10000)
    prohibition = serializers.CharField(max_length=10000)


class WarningVisitSerializer(ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = WarningVisit
        fields = [
            "id",
            "warning",
            "person",
            "due_on",
            "state",
            "state_display",
            "done_at",
            "done_by",
            "with_police",
            "org",
        ]
        read_only_fields = fields


class WarningVisitDetailSerializer(WarningVisitSerializer):
    class Meta(WarningVisitSerializer.Meta):
        fields = [*WarningVisitSerializer.Meta.fields, "finding"]
        read_only_fields = fields


class VisitRecordSerializer(Serializer):
    done_at = serializers.DateTimeField()
    reached = serializers.BooleanField(default=True)
    with_police = serializers.BooleanField(default=False)
    finding = serializers.CharField(max_length=10000)


class ProtectionOrderSerializer(ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ProtectionOrder
        fields = [
            "id",
            "person",
            "case",
            "respondent",
            "applicant_kind",
            "help_drafting",
            "help_evidence",
            "help_accompanying",
            "court",
            "court_case_number",
            "status",
            "status_display",
            "applied_at",
            "accepted_at",
            "urgent",
            "decision_due_at",
            "ruled_at",
            "ban_violence",
            "ban_contact",
            "move_out",
            "effective_from",
            "effective_until",
            "org",
            "is_sensitive",
            "version",
        ]
        read_only_fields = fields


class OrderEventSerializer(Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    new_until = serializers.DateField(allow_null=True)
    old_until = serializers.DateField(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()


class ProtectionOrderDetailSerializer(ProtectionOrderSerializer):
    events = OrderEventSerializer(many=True, read_only=True)

    class Meta(ProtectionOrderSerializer.Meta):
        fields = [
            *ProtectionOrderSerializer.Meta.fields,
            "applicant_name",
            "respondent_description",
            "other_measures",
            "notes",
            "events",
        ]
        read_only_fields = fields


class OrderWriteSerializer(Serializer):
    version = serializers.IntegerField(min_value=1, required=False)
    applicant_kind = serializers.ChoiceField(choices=choices.ApplicantKind.choices, required=False)
    applicant_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    respondent = PersonField(required=False, allow_null=True)
    respondent_description = serializers.CharField(
        max_length=10000, required=False, allow_blank=True
    )
    help_drafting = serializers.BooleanField(required=False)
    help_evidence = serializers.BooleanField(required=False)
    help_accompanying = serializers.BooleanField(required=False)
    court = CourtField(required=False, allow_null=True)
    case = CaseField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class OrderCreateSerializer(OrderWriteSerializer):
    version = None
    person = PersonField()
    applicant_kind = serializers.ChoiceField(choices=choices.ApplicantKind.choices)


class ApplySerializer(Serializer):
    applied_at = serializers.DateTimeField()
    court = CourtField(required=False, allow_null=True)


class AcceptSerializer(Serializer):
    accepted_at = serializers.DateTimeField()
    urgent = serializers.BooleanField(default=False)
    court = CourtField(required=False, allow_null=True)
    court_case_number = serializers.CharField(max_length=60, required=False, allow_blank=True)


class MeasuresSerializer(Serializer):
    ban_violence = serializers.BooleanField(required=False)
    ban_contact = serializers.BooleanField(required=False)
    move_out = serializers.BooleanField(required=False)
    other_measures = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class RuleSerializer(MeasuresSerializer):
    outcome = serializers.ChoiceField(
        choices=[
            choices.OrderStatus.GRANTED,
            choices.OrderStatus.PARTLY,
            choices.OrderStatus.REFUSED,
        ]
    )
    ruled_at = serializers.DateTimeField()
    effective_from = serializers.DateField(required=False, allow_null=True)
    effective_until = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True)


@extend_schema_serializer(component_name="OrderNote")
class NoteSerializer(Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(max_length=10000)


class WithdrawSerializer(Serializer):
    note = serializers.CharField(max_length=10000)


class ExtendSerializer(Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True)
    new_until = serializers.DateField()
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class VarySerializer(MeasuresSerializer):
    at = serializers.DateTimeField(required=False, allow_null=True)
    effective_until = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=10000)


class OrderBreachSerializer(ModelSerializer):
    sanction_display = serializers.CharField(source="get_sanction_display", read_only=True)

    class Meta:
        model = OrderBreach
        fields = [
            "id",
            "order",
            "person",
            "occurred_at",
            "sanction",
            "sanction_display",
            "recorded_at",
            "org",
            "is_sensitive",
        ]
        read_only_fields = fields


class OrderBreachDetailSerializer(OrderBreachSerializer):
    class Meta(OrderBreachSerializer.Meta):
        fields = [*OrderBreachSerializer.Meta.fields, "description", "police_response"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class OrderField(_Scoped):
    default_error_messages = {"does_not_exist": "该保护令不存在或不在您的管辖范围内。"}

    def scoped(self, user):
        return ProtectionOrder.objects.restrict(user, "change")


class BreachCreateSerializer(Serializer):
    order = OrderField()
    occurred_at = serializers.DateTimeField()
    description = serializers.CharField(max_length=10000)
    police_response = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    sanction = serializers.ChoiceField(choices=choices.Sanction.choices, default="pending")


class BreachUpdateSerializer(Serializer):
    police_response = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    sanction = serializers.ChoiceField(choices=choices.Sanction.choices, required=False)


class InjuryRecordSerializer(ModelSerializer):
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)

    class Meta:
        model = InjuryRecord
        fields = [
            "id",
            "person",
            "case",
            "examined_by",
            "examiner",
            "examined_at",
            "severity",
            "severity_display",
            "org",
            "is_sensitive",
        ]
        read_only_fields = fields


class InjuryRecordDetailSerializer(InjuryRecordSerializer):
    class Meta(InjuryRecordSerializer.Meta):
        fields = [*InjuryRecordSerializer.Meta.fields, "result"]
        read_only_fields = fields


class InjuryCreateSerializer(Serializer):
    person = PersonField()
    case = CaseField(required=False, allow_null=True)
    examined_by = serializers.CharField(max_length=100)
    examiner = serializers.CharField(max_length=50, required=False, allow_blank=True)
    examined_at = serializers.DateTimeField()
    severity = serializers.ChoiceField(choices=choices.InjurySeverity.choices, default="pending")
    result = serializers.CharField(max_length=10000)


# --- viewsets ---------------------------------------------------------------------------------


class _OrdersViewSet(RelatedViewSet):
    opener = None

    def get_queryset(self):
        return super().get_queryset().order_by(*self.model._meta.ordering)

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        return type(self).opener(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )


class PoliceWarningViewSet(_OrdersViewSet):
    model = PoliceWarning
    serializer_class = PoliceWarningSerializer
    detail_serializer_class = PoliceWarningDetailSerializer
    filterset_class = PoliceWarningFilterSet
    opener = staticmethod(selectors.warning_open)

    @extend_schema(
        request=PoliceWarningCreateSerializer, responses={201: PoliceWarningDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(PoliceWarningCreateSerializer)
        obj = self.call(warning_services.warning_create, **data)
        return self.read(obj, status.HTTP_201_CREATED)

    @extend_schema(
        request=PoliceWarningWriteSerializer, responses={200: PoliceWarningDetailSerializer}
    )
    def partial_update(self, request, *args, **kwargs):
        warning = self.get_object()
        data = self.validated(PoliceWarningWriteSerializer, partial=True)
        return self.read(self.call(warning_services.warning_update, warning=warning, **data))


class WarningVisitViewSet(_OrdersViewSet):
    model = WarningVisit
    serializer_class = WarningVisitSerializer
    detail_serializer_class = WarningVisitDetailSerializer
    filterset_class = WarningVisitFilterSet
    http_method_names = ["get", "post", "head", "options"]
    change_actions = ("record",)
    opener = staticmethod(selectors.visit_open)

    def create(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(request=VisitRecordSerializer, responses={200: WarningVisitDetailSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        visit = self.get_object()
        data = self.validated(VisitRecordSerializer)
        return self.read(self.call(warning_services.visit_record, visit=visit, **data))


class ProtectionOrderViewSet(_OrdersViewSet):
    model = ProtectionOrder
    serializer_class = ProtectionOrderSerializer
    detail_serializer_class = ProtectionOrderDetailSerializer
    filterset_class = ProtectionOrderFilterSet
    change_actions = (
        "apply",
        "accept",
        "rule",
        "withdraw",
        "extend",
        "vary",
        "revoke",
        "reconsider",
    )
    opener = staticmethod(selectors.order_open)

    @extend_schema(request=OrderCreateSerializer, responses={201: ProtectionOrderDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated(OrderCreateSerializer)
        return self.read(self.call(order_services.order_create, **data), status.HTTP_201_CREATED)

    @extend_schema(request=OrderWriteSerializer, responses={200: ProtectionOrderDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        order = self.get_object()
        data = self.validated(OrderWriteSerializer, partial=True)
        return self.read(self.call(order_services.order_update, order=order, **data))

    def _step(self, service, serializer_class):
        order = self.get_object()
        data = self.validated(serializer_class)
        return self.read(self.call(service, order=order, **data))

    @extend_schema(request=ApplySerializer, responses={200: ProtectionOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        return self._step(order_services.order_apply, ApplySerializer)

    @extend_schema(request=AcceptSerializer, responses={200: ProtectionOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(order_services.order_accept, AcceptSerializer)

    @extend_schema(request=RuleSerializer, responses={200: ProtectionOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def rule(self, request, pk=None):
        return self._step(order_services.order_rule, RuleSerializer)

    @extend_schema(request=WithdrawSerializer, responses={200: ProtectionOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(order_services.order_withdraw, WithdrawSerializer)

    @extend_schema(request=ExtendSerializer, responses={200: ProtectionOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._step(order_services.order_extend, ExtendSerializer)

    @extend_schema(request=VarySerializer, responses={200: ProtectionOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def vary(self, request, pk=None):
        return self._step(order_services.order_vary, VarySerializer)

    @extend_schema(request=NoteSerializer, responses={200: ProtectionOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._step(order_services.order_revoke, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses={200: ProtectionOrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def reconsider(self, request, pk=None):
        return self._step(order_services.order_reconsider, NoteSerializer)


class OrderBreachViewSet(_OrdersViewSet):
    model = OrderBreach
    serializer_class = OrderBreachSerializer
    detail_serializer_class = OrderBreachDetailSerializer
    filterset_class = OrderBreachFilterSet
    opener = staticmethod(selectors.breach_open)

    @extend_schema(request=BreachCreateSerializer, responses={201: OrderBreachDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated(BreachCreateSerializer)
        return self.read(self.call(records.breach_create, **data), status.HTTP_201_CREATED)

    @extend_schema(request=BreachUpdateSerializer, responses={200: OrderBreachDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        breach = self.get_object()
        data = self.validated(BreachUpdateSerializer, partial=True)
        return self.read(self.call(records.breach_update, breach=breach, **data))


class InjuryRecordViewSet(_OrdersViewSet):
    model = InjuryRecord
    serializer_class = InjuryRecordSerializer
    detail_serializer_class = InjuryRecordDetailSerializer
    filterset_class = InjuryRecordFilterSet
    http_method_names = ["get", "post", "head", "options"]
    opener = staticmethod(selectors.injury_open)

    @extend_schema(request=InjuryCreateSerializer, responses={201: InjuryRecordDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated(InjuryCreateSerializer)
        return self.read(self.call(records.injury_create, **data), status.HTTP_201_CREATED)


def register(router) -> None:
    """Add this concern's viewsets to the app's router."""
    router.register("warnings", PoliceWarningViewSet, basename="policewarning")
    router.register("warning-visits", WarningVisitViewSet, basename="warningvisit")
    router.register("orders", ProtectionOrderViewSet, basename="protectionorder")
    router.register("breaches", OrderBreachViewSet, basename="orderbreach")
    router.register("injuries", InjuryRecordViewSet, basename="injuryrecord")
