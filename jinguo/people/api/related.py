"""REST API for households, tags, visits, consents and contact assignments.

Scoped like the UI (restrict(), which also grants the records of persons or households shared
with the caller), writes through the same services, filtered by the same filtersets. Addresses appear only masked; a visit's situation and needs (a survivor's
narrative) only in the detail response, never in a list, and each such reading is logged.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jinguo.core.api import ScopedModelViewSet
from jinguo.orgs.api.serializers import ScopedUnitField

from .. import choices
from ..filtersets.consents import ConsentFilterSet
from ..filtersets.contacts import ContactAssignmentFilterSet
from ..filtersets.households import HouseholdFilterSet
from ..filtersets.tags import PersonTagFilterSet
from ..filtersets.visits import VisitFilterSet
from ..models import (
    Consent,
    ContactAssignment,
    FocusTagType,
    Household,
    HouseholdMember,
    PersonTag,
    Visit,
)
from ..selectors.common import assignable_workers
from ..selectors.households import household_open, visible_households
from ..selectors.persons import visible_persons
from ..selectors.visits import visit_open
from ..services import consents, contacts, households, tags, visits

# --- scoped relation fields ---------------------------------------------------------------


class _ScopedField(serializers.PrimaryKeyRelatedField):
    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        request = self.context.get("request")
        return self.scoped(request.user if request else None) if request else None


@extend_schema_field(OpenApiTypes.INT)
class PersonField(_ScopedField):
    default_error_messages = {"does_not_exist": _("该人员不存在或不在您的管辖范围内。")}

    def scoped(self, user):
        return visible_persons(user)


@extend_schema_field(OpenApiTypes.INT)
class HouseholdField(_ScopedField):
    default_error_messages = {"does_not_exist": _("该家庭不存在或不在您的管辖范围内。")}

    def scoped(self, user):
        return visible_households(user)


@extend_schema_field(OpenApiTypes.INT)
class WorkerField(_ScopedField):
    default_error_messages = {"does_not_exist": _("该用户不存在、已停用或不在您的管辖范围内。")}

    def scoped(self, user):
        return assignable_workers(user)


@extend_schema_field(OpenApiTypes.INT)
class TagTypeField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": _("该关注类型不存在或已停用。")}

    def get_queryset(self):
        return FocusTagType.objects.filter(is_active=True)


# --- read serializers ---------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    relationship_display = serializers.CharField(source="get_relationship_display")

    class Meta:
        model = HouseholdMember
        fields = ["id", "person", "relationship", "relationship_display", "joined_on"]


class HouseholdSerializer(serializers.ModelSerializer):
    masked_address = serializers.CharField(read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "name",
            "head",
            "masked_address",
            "notes",
            "org",
            "org_name",
            "is_sensitive",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members"]
        read_only_fields = fields


class PersonTagSerializer(serializers.ModelSerializer):
    tag_type_name = serializers.CharField(source="tag_type.name", read_only=True)
    responsible_name = serializers.CharField(
        source="responsible.real_name", read_only=True, default=None
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


class VisitSerializer(serializers.ModelSerializer):
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


class ConsentSerializer(serializers.ModelSerializer):
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


class ContactAssignmentSerializer(serializers.ModelSerializer):
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


# --- write serializers ----------------------------------------------------------------------


class HouseholdCreateSerializer(serializers.Serializer):
    org = ScopedUnitField(action="view", label=_("所属单位"))
    name = serializers.CharField(max_length=60, label=_("户名"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class HouseholdUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class MemberAddSerializer(serializers.Serializer):
    person = PersonField()
    relationship = serializers.ChoiceField(choices=choices.Relationship.choices)
    joined_on = serializers.DateField(required=False, default=None)


class TagCreateSerializer(serializers.Serializer):
    person = PersonField()
    tag_type = TagTypeField()
    since = serializers.DateField(required=False, default=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    responsible = WorkerField(required=False, allow_null=True, default=None)
    review_days = serializers.IntegerField(required=False, allow_null=True, default=None)


class TagUpdateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    responsible = WorkerField(required=False, allow_null=True)
    review_days = serializers.IntegerField(required=False)


class TagReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(required=False, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TagEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, default=None)
    reason = serializers.CharField(max_length=200)


class VisitWriteSerializer(serializers.Serializer):
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


class ConsentCreateSerializer(serializers.Serializer):
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


class ConsentWithdrawSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField(required=False, default=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContactCreateSerializer(serializers.Serializer):
    worker = WorkerField()
    person = PersonField(required=False, allow_null=True, default=None)
    household = HouseholdField(required=False, allow_null=True, default=None)
    since = serializers.DateField(required=False, default=None)
    visit_every_days = serializers.IntegerField(required=False, default=30)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContactUpdateSerializer(serializers.Serializer):
    visit_every_days = serializers.IntegerField(required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ContactEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, default=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- viewsets -------------------------------------------------------------------------------


class RelatedViewSet(ScopedModelViewSet):
    """Scoped through restrict(); writes call a service, read back scoped."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    detail_serializer_class = None
    # Custom POST actions that change a record: the service checks permission and scope.
    change_actions: tuple[str, ...] = ()

    def scope_action(self) -> str:
        if self.action in self.change_actions:
            return "change"
        return super().scope_action()

    def get_permissions(self):
        if self.action in self.change_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def call(self, service, **kwargs):
        return service(user=self.request.user, **kwargs)

    def read(self, obj, code=status.HTTP_200_OK):
        cls = self.detail_serializer_class or self.serializer_class
        obj = self.model.objects.get(pk=obj.pk)
        return Response(cls(obj, context=self.get_serializer_context()).data, status=code)

    def validated(self, serializer_class, **kwargs):
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema_view(
    list=extend_schema(summary="家庭列表"),
    retrieve=extend_schema(summary="家庭详情（含成员）"),
    create=extend_schema(
        summary="新建家庭", request=HouseholdCreateSerializer, responses={201: HouseholdSerializer}
    ),
    partial_update=extend_schema(
        summary="修改家庭", request=HouseholdUpdateSerializer, responses={200: HouseholdSerializer}
    ),
)
class HouseholdViewSet(RelatedViewSet):
    model = Household
    serializer_class = HouseholdSerializer
    detail_serializer_class = HouseholdDetailSerializer
    filterset_class = HouseholdFilterSet
    change_actions = ("members",)

    def get_queryset(self):
        qs = Household.objects.restrict(self.request.user, self.scope_action())
        return qs.select_related("org").order_by("name", "id")

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        return household_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )

    def create(self, request, *args, **kwargs):
        data = self.validated(HouseholdCreateSerializer)
        return self.read(self.call(households.household_create, **data), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        household = self.get_object()
        data = self.validated(HouseholdUpdateSerializer, partial=True)
        values = {"name": household.name, "notes": household.notes, **data}
        values.setdefault("address", None)
        return self.read(self.call(households.household_update, household=household, **values))

    @extend_schema(summary="添加家庭成员", request=MemberAddSerializer)
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        household = self.get_object()
        data = self.validated(MemberAddSerializer)
        self.call(households.household_member_add, household=household, **data)
        return self.read(household, status.HTTP_201_CREATED)


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
    router.register("households", HouseholdViewSet, basename="household")
    router.register("tags", PersonTagViewSet, basename="persontag")
    router.register("visits", VisitViewSet, basename="visit")
    router.register("consents", ConsentViewSet, basename="consent")
    router.register("contacts", ContactAssignmentViewSet, basename="contactassignment")
