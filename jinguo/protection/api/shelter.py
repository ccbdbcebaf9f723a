"""API of the shelter concern under /api/protection/: shelters (the address and phone only
for those who may locate the shelter, otherwise the masked sentence), stays, emergency
actions and mandatory reports (the reporter only for those handling the report). Scoped by
restrict() like the pages, writes through the same services, lists filtered by the same
filtersets."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.cases import choices as case_choices
from jinguo.cases.models import Agency, Case
from jinguo.core.api import MAX_ID, ScopedModelViewSet, valid_id
from jinguo.core.filters import ID_OUT_OF_RANGE, BaseFilterSet, IdFilter
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person

from .. import choices
from ..filtersets.shelter import ReportFilterSet, ShelterFilterSet, StayFilterSet
from ..forms.shelter import ADDRESS_HIDDEN
from ..models import ChecklistStep, EmergencyAction, MandatoryReport, Shelter, ShelterStay
from ..selectors import shelter as selectors
from ..services import emergency as emergency_services
from ..services import shelter as services

# --- scoped relation fields ----------------------------------------------------------------


class _Scoped(serializers.PrimaryKeyRelatedField):
    message = _("该记录不存在或不在您的管辖范围内。")
    default_error_messages = {"does_not_exist": message}

    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        request = self.context.get("request")
        return self.scoped(request.user) if request is not None else self.model.objects.none()


@extend_schema_field(OpenApiTypes.INT)
class PersonField(_Scoped):
    model = Person

    def scoped(self, user):
        return Person.objects.restrict(user, "view").filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class CaseField(_Scoped):
    model = Case

    def scoped(self, user):
        return Case.objects.restrict(user, "view")


@extend_schema_field(OpenApiTypes.INT)
class UnitField(_Scoped):
    model = OrgUnit

    def scoped(self, user):
        return OrgUnit.objects.restrict(user, "view").filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class ShelterField(_Scoped):
    model = Shelter

    def scoped(self, user):
        return Shelter.objects.restrict(user, "view")


@extend_schema_field(OpenApiTypes.INT)
class AgencyField(_Scoped):
    model = Agency

    def scoped(self, user):
        return Agency.objects.restrict(user, "view")


@extend_schema_field(OpenApiTypes.INT)
class StaffField(_Scoped):
    def scoped(self, user):
        from ..forms.shelter import staff_candidates

        return staff_candidates(user)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scoped(request.user) if request else get_user_model().objects.none()


class IdListField(serializers.ListField):
    """A list of record ids, each checked to be a bigint before any lookup."""

    def to_internal_value(self, data):
        if isinstance(data, list) and any(isinstance(v, bool) or not valid_id(v) for v in data):
            raise serializers.ValidationError(ID_OUT_OF_RANGE % {"max": MAX_ID})
        return super().to_internal_value(data)


class EmergencyActionFilterSet(BaseFilterSet):
    case = IdFilter(field_name="case", label=_("个案"))

    class Meta:
        model = EmergencyAction
        fields = ["case"]


# --- shelters -------------------------------------------------------------------------------


class ShelterSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    occupied = serializers.IntegerField(read_only=True)
    free_beds = serializers.IntegerField(read_only=True)
    address = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    address_visible = serializers.SerializerMethodField()

    class Meta:
        model = Shelter
        fields = [
            "id",
            "name",
            "org",
            "org_name",
            "agency",
            "rooms",
            "beds",
            "occupied",
            "free_beds",
            "is_active",
            "address",
            "phone",
            "address_visible",
        ]
        read_only_fields = fields

    def _located(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and selectors.may_locate(request.user, obj)

    def get_address(self, obj) -> str:
        return obj.address if self._located(obj) else str(ADDRESS_HIDDEN)

    def get_phone(self, obj) -> str:
        return obj.phone if self._located(obj) else str(ADDRESS_HIDDEN)

    def get_address_visible(self, obj) -> bool:
        return self._located(obj)


class ShelterWriteSerializer(Serializer):
    org = UnitField(required=False)
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    rooms = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    beds = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    agency = AgencyField(required=False, allow_null=True)
    is_active = serializers.BooleanField(default=True)
    staff = IdListField(child=StaffField(), required=False, default=list)


class ShelterViewSet(ScopedModelViewSet):
    model = Shelter
    serializer_class = ShelterSerializer
    filterset_class = ShelterFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.with_occupancy(
            Shelter.objects.restrict(self.request.user, self.scope_action()).select_related("org")
        ).order_by("name", "pk")

    def _read(self, shelter, code=status.HTTP_200_OK):
        found = selectors.shelters_with_occupancy(self.request.user).filter(pk=shelter.pk).first()
        data = self.get_serializer(found).data if found else {"id": shelter.pk}
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        shelter, _located = selectors.shelter_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(self.get_serializer(shelter).data)

    @extend_schema(request=ShelterWriteSerializer, responses={201: ShelterSerializer})
    def create(self, request, *args, **kwargs):
        s = ShelterWriteSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data.setdefault("org", request.user.home_unit)
        return self._read(
            services.shelter_create(user=request.user, **data), status.HTTP_201_CREATED
        )

    @extend_schema(request=ShelterWriteSerializer, responses={200: ShelterSerializer})
    def partial_update(self, request, *args, **kwargs):
        shelter = self.get_object()
        s = ShelterWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        s.is_valid(raise_exception=True)
        data = {
            "name": shelter.name,
            "rooms": shelter.rooms,
            "beds": shelter.beds,
            "agency": shelter.agency,
            "is_active": shelter.is_active,
            "staff": list(shelter.staff.all()),
            "address": "",
            "phone": None,
            **s.validated_data,
        }
        data.pop("org", None)
        return self._read(services.shelter_update(user=request.user, shelter=shelter, **data))


# --- stays ----------------------------------------------------------------------------------


class StaySerializer(ModelSerializer):
    person_name = serializers.CharField(source="person.masked_name", read_only=True)
    shelter_name = serializers.CharField(source="shelter.name", read_only=True)
    shelter_address = serializers.SerializerMethodField()
    children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ShelterStay
        fields = [
            "id",
            "person",
            "person_name",
            "case",
            "shelter",
            "shelter_name",
            "shelter_address",
            "children",
            "admitted_at",
            "planned_leave_on",
            "left_at",
            "destination",
            "over_capacity",
            "overdue",
            "org",
            "version",
        ]
        read_only_fields = fields

    def get_shelter_address(self, obj) -> str:
        request = self.context.get("request")
        if request is not None and selectors.may_locate(request.user, obj.shelter):
            return obj.shelter.address
        return str(ADDRESS_HIDDEN)

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        return obj.left_at is None and obj.planned_leave_on < timezone.localdate()


class StayDetailSerializer(StaySerializer):
    class Meta(StaySerializer.Meta):
        fields = [*StaySerializer.Meta.fields, "reason", "destination_note"]
        read_only_fields = fields


class StayAdmitSerializer(Serializer):
    shelter = ShelterField()
    person = PersonField()
    case = CaseField(required=False, allow_null=True)
    children = IdListField(child=PersonField(), required=False, default=list)
    admitted_at = serializers.DateTimeField()
    planned_leave_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
    confirm_full = serializers.BooleanField(default=False)


class StayLeaveSerializer(Serializer):
    left_at = serializers.DateTimeField()
    destination = serializers.ChoiceField(choices=choices.StayDestination.choices)
    destination_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class StayViewSet(ScopedModelViewSet):
    model = ShelterStay
    serializer_class = StaySerializer
    filterset_class = StayFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action == "leave":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def scope_action(self):
        return "change" if self.action == "leave" else "view"

    def get_queryset(self):
        return (
            ShelterStay.objects.restrict(self.request.user, self.scope_action())
            .select_related("shelter", "person")
            .prefetch_related("children")
            .order_by("-admitted_at", "-pk")
        )

    def get_serializer_class(self):
        return StaySerializer if self.action == "list" else StayDetailSerializer

    def _read(self, stay, code=status.HTTP_200_OK):
        found = (
            self.get_queryset()
            .model.objects.restrict(self.request.user, "view")
            .filter(pk=stay.pk)
            .first()
        )
        data = (
            StayDetailSerializer(found, context=self.get_serializer_context()).data
            if found
            else {"id": stay.pk}
        )
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        stay = selectors.stay_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(StayDetailSerializer(stay, context=self.get_serializer_context()).data)

    @extend_schema(request=StayAdmitSerializer, responses={201: StayDetailSerializer})
    def create(self, request, *args, **kwargs):
        s = StayAdmitSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        stay = services.stay_admit(user=request.user, **s.validated_data)
        return self._read(stay, status.HTTP_201_CREATED)

    @extend_schema(
        summary="登记离开庇护场所",
        request=StayLeaveSerializer,
        responses={200: StayDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        stay = self.get_object()
        s = StayLeaveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.stay_leave(user=request.user, stay=stay, **s.validated_data)
        return self._read(stay)


# --- emergency actions ----------------------------------------------------------------------


class EmergencyActionSerializer(ModelSerializer):
    step_label = serializers.CharField(source="step.label", read_only=True)
    done_by_name = serializers.CharField(source="done_by.real_name", read_only=True)

    class Meta:
        model = EmergencyAction
        fields = ["id", "case", "step", "step_label", "done_at", "done_by", "done_by_name", "note"]
        read_only_fields = fields


class EmergencyTickSerializer(Serializer):
    case = CaseField()
    step = serializers.PrimaryKeyRelatedField(queryset=ChecklistStep.objects.all())
    done_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class EmergencyActionViewSet(ScopedModelViewSet):
    model = EmergencyAction
    serializer_class = EmergencyActionSerializer
    filterset_class = EmergencyActionFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            EmergencyAction.objects.restrict(self.request.user, "view")
            .select_related("step", "done_by")
            .order_by("done_at", "pk")
        )

    @extend_schema(request=EmergencyTickSerializer, responses={201: EmergencyActionSerializer})
    def create(self, request, *args, **kwargs):
        s = EmergencyTickSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        done = emergency_services.emergency_tick(user=request.user, **s.validated_data)
        return Response(self.get_serializer(done).data, status=status.HTTP_201_CREATED)


# --- mandatory reports ----------------------------------------------------------------------


class ReportSerializer(ModelSerializer):
    """Never the reporter: lists and exports do not carry who reported."""

    class Meta:
        model = MandatoryReport
        fields = [
            "id",
            "org",
            "reporter_kind",
            "reported_at",
            "victim",
            "victim_is_minor",
            "lacks_capacity",
            "status",
            "case",
            "handled_by",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    reporter = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "victim_description",
            "suspicion",
            "dismiss_reason",
            "reporter",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "报告人身份；仅处理本报告的人员可见，其他人为 null",
            "properties": {
                "organisation": {"type": "string"},
                "name": {"type": "string"},
                "phone": {"type": "string"},
            },
        }
    )
    def get_reporter(self, obj):
        request = self.context.get("request")
        if request is None or not selectors.may_see_reporter(request.user, obj):
            return None
        return {
            "organisation": obj.reporter_organisation,
            "name": obj.reporter_name,
            "phone": obj.reporter_phone,
        }


class ReportCreateSerializer(Serializer):
    org = UnitField(required=False)
    reporter_kind = serializers.ChoiceField(choices=choices.ReporterKind.choices)
    reporter_organisation = serializers.CharField(max_length=100)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    reported_at = serializers.DateTimeField(required=False)
    victim = PersonField(required=False, allow_null=True)
    victim_description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    victim_is_minor = serializers.BooleanField(default=True)
    lacks_capacity = serializers.BooleanField(default=False)
    suspicion = serializers.CharField(max_length=4000)


class ReportRegisterSerializer(Serializer):
    gbv_type = serializers.ChoiceField(
        choices=case_choices.GbvType.choices, default=case_choices.GbvType.PHYSICAL
    )
    summary = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ReportJoinSerializer(Serializer):
    case = CaseField()


class ReportDismissSerializer(Serializer):
    reason = serializers.CharField(max_length=1000)


@extend_schema_view(
    list=extend_schema(summary="强制报告列表（不含报告人身份）"),
    retrieve=extend_schema(summary="强制报告详情（报告人身份仅处理人可见；查看记入审计）"),
)
class ReportViewSet(ScopedModelViewSet):
    model = MandatoryReport
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "post", "head", "options"]
    change_actions = ("register_case", "join_case", "dismiss")

    def get_permissions(self):
        if self.action in self.change_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def scope_action(self):
        return "change" if self.action in self.change_actions else "view"

    def get_queryset(self):
        return (
            MandatoryReport.objects.restrict(self.request.user, self.scope_action())
            .select_related("org")
            .order_by("-reported_at", "-pk")
        )

    def get_serializer_class(self):
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def _read(self, report, code=status.HTTP_200_OK):
        found = (
            MandatoryReport.objects.restrict(self.request.user, "view").filter(pk=report.pk).first()
        )
        data = (
            ReportDetailSerializer(found, context=self.get_serializer_context()).data
            if found
            else {"id": report.pk}
        )
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        report = selectors.report_open(
            request.user, kwargs["pk"], queryset=self.get_queryset(), channel="api"
        )
        return Response(ReportDetailSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportDetailSerializer})
    def create(self, request, *args, **kwargs):
        s = ReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data.setdefault("org", request.user.home_unit)
        report = emergency_services.report_create(user=request.user, **data)
        return self._read(report, status.HTTP_201_CREATED)

    def _act(self, serializer_class, service, **extra):
        report = self.get_object()
        s = serializer_class(data=self.request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        service(user=self.request.user, report=report, **s.validated_data, **extra)
        return self._read(report)

    @extend_schema(
        summary="登记为新个案",
        request=ReportRegisterSerializer,
        responses={200: ReportDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="register-case")
    def register_case(self, request, pk=None):
        return self._act(ReportRegisterSerializer, emergency_services.report_register_case)

    @extend_schema(
        summary="并入已有个案",
        request=ReportJoinSerializer,
        responses={200: ReportDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="join-case")
    def join_case(self, request, pk=None):
        return self._act(ReportJoinSerializer, emergency_services.report_join_case)

    @extend_schema(
        summary="不予立案", request=ReportDismissSerializer, responses={200: ReportDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._act(ReportDismissSerializer, emergency_services.report_dismiss)


def register(router) -> None:
    """Add this concern's viewsets to the app's router."""
    router.register("shelters", ShelterViewSet, basename="shelter")
    router.register("stays", StayViewSet, basename="shelterstay")
    router.register("emergency-actions", EmergencyActionViewSet, basename="emergencyaction")
    router.register("mandatory-reports", ReportViewSet, basename="mandatoryreport")
