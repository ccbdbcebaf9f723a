"""Read serializers of the cases API.

Identities appear only masked (张**, 138****8000): the API never returns a plaintext phone, ID
number or name of a complainant or party. Revealing is a UI action with a typed reason. The
narrative and the timeline notes appear only in a single case's detail.
"""

import functools

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jinguo.core.masking import mask_id_number, mask_name, mask_phone
from jinguo.core.serializers import ModelSerializer, Serializer

from .. import choices
from ..models import Case, CaseEvent, CaseParty, Category, Referral


@functools.cache
def _labels(choice_class, language: str) -> dict[str, str]:
    return {value: str(label) for value, label in choice_class.choices}


class LabelField(serializers.CharField):
    """The label of a choice value in the request's language. Django's get_FOO_display
    translates every label of the list on each call; a queue of 50 rows felt it."""

    def __init__(self, choice_class, source: str, **kwargs):
        self.choice_class = choice_class
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value):
        return _labels(self.choice_class, get_language() or "").get(value, value or "")


# --- read serializers ---------------------------------------------------------------------


class CaseListSerializer(ModelSerializer):
    """A row of a queue: what the case is about, where it stands, never who it is about."""

    channel_display = LabelField(choices.Channel, "channel")
    status_display = LabelField(choices.Status, "status")
    urgency_display = LabelField(choices.Urgency, "urgency")
    due_state_display = LabelField(choices.DueState, "due_state")
    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    subcategory_code = serializers.CharField(
        source="subcategory.code", read_only=True, default=None, allow_null=True
    )
    subcategory_name = serializers.CharField(
        source="subcategory.name", read_only=True, default=None, allow_null=True
    )
    org_name = serializers.CharField(source="org.name", read_only=True)
    assigned_to_name = serializers.CharField(
        source="assigned_to.real_name", read_only=True, default=None, allow_null=True
    )
    masked_caller_phone = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "channel",
            "channel_display",
            "received_at",
            "summary",
            "category",
            "category_code",
            "category_name",
            "subcategory",
            "subcategory_code",
            "subcategory_name",
            "gbv_type",
            "urgency",
            "urgency_display",
            "is_sensitive",
            "involves_minor",
            "anonymous",
            "complainant",
            "masked_caller_phone",
            "status",
            "status_display",
            "org",
            "org_name",
            "assigned_to",
            "assigned_to_name",
            "due_at",
            "due_state",
            "due_state_display",
            "is_repeat",
            "repeat_of",
            "client_reference",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, case):
        """The row built by hand, with the same keys and values as the fields declared above
        (which the schema documents; ``test_api_list_row_matches_the_declared_fields`` holds
        the two together): DRF's generic walk over 32 fields cost a queue page of 50 rows
        about as much as the database did."""
        lang = get_language() or ""
        stamp = self.fields["received_at"].to_representation
        category, sub, org = case.category, case.subcategory, case.org
        worker = case.assigned_to if case.assigned_to_id else None
        return {
            "id": case.pk,
            "number": case.number,
            "channel": case.channel,
            "channel_display": _labels(choices.Channel, lang).get(case.channel, case.channel or ""),
            "received_at": stamp(case.received_at),
            "summary": case.summary,
            "category": case.category_id,
            "category_code": category.code,
            "category_name": category.name,
            "subcategory": case.subcategory_id,
            "subcategory_code": sub.code if sub is not None else None,
            "subcategory_name": sub.name if sub is not None else None,
            "gbv_type": case.gbv_type,
            "urgency": case.urgency,
            "urgency_display": _labels(choices.Urgency, lang).get(case.urgency, case.urgency or ""),
            "is_sensitive": bool(case.is_sensitive),
            "involves_minor": bool(case.involves_minor),
            "anonymous": bool(case.anonymous),
            "complainant": case.complainant_id,
            "masked_caller_phone": str(case.masked_caller_phone),
            "status": case.status,
            "status_display": _labels(choices.Status, lang).get(case.status, case.status or ""),
            "org": case.org_id,
            "org_name": org.name,
            "assigned_to": case.assigned_to_id,
            "assigned_to_name": str(worker.real_name) if worker is not None else None,
            "due_at": stamp(case.due_at) if case.due_at else None,
            "due_state": case.due_state,
            "due_state_display": _labels(choices.DueState, lang).get(
                case.due_state, case.due_state or ""
            ),
            "is_repeat": bool(case.is_repeat),
            "repeat_of": case.repeat_of_id,
            "client_reference": case.client_reference,
            "version": int(case.version),
            "created_at": stamp(case.created_at),
            "updated_at": stamp(case.updated_at),
        }


class MaskedPersonSerializer(Serializer):
    id = serializers.IntegerField()
    masked_name = serializers.SerializerMethodField()
    gender = serializers.CharField()
    masked_phone = serializers.SerializerMethodField()
    masked_id_number = serializers.SerializerMethodField()

    def get_masked_name(self, obj) -> str:
        return mask_name(obj.name)

    def get_masked_phone(self, obj) -> str:
        return mask_phone(obj.phone)

    def get_masked_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)


class PartySerializer(ModelSerializer):
    role_display = LabelField(choices.PartyRole, "role")
    person = MaskedPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseParty
        fields = ["id", "role", "role_display", "person", "description", "added_at"]
        read_only_fields = fields


class EventSerializer(ModelSerializer):
    kind_display = LabelField(choices.EventKind, "kind")
    actor_name = serializers.CharField(
        source="actor.real_name", read_only=True, default=None, allow_null=True
    )
    actor_unit_name = serializers.CharField(
        source="actor_unit.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "at",
            "actor",
            "actor_name",
            "actor_unit_name",
            "from_status",
            "to_status",
            "note",
            "data",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseListSerializer):
    """One case, as its page shows it; identities stay masked."""

    complainant = MaskedPersonSerializer(read_only=True, allow_null=True)
    parties = PartySerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    gbv_type_display = LabelField(choices.GbvType, "gbv_type")
    outcome_display = LabelField(choices.Outcome, "outcome")
    satisfaction_display = LabelField(choices.Satisfaction, "satisfaction")
    allowed_actions = serializers.SerializerMethodField()

    def to_representation(self, case):
        # One case, every declared field the generic way (the list's shortcut knows only its
        # own fields).
        return super(CaseListSerializer, self).to_representation(case)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "gbv_type_display",
            "narrative",
            "decline_reason",
            "outcome",
            "outcome_display",
            "outcome_note",
            "satisfaction",
            "satisfaction_display",
            "accepted_at",
            "resolved_at",
            "closed_at",
            "decide_due_at",
            "finish_due_at",
            "follow_up_due_at",
            "extension_days",
            "parties",
            "events",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, obj) -> list[str]:
        from ..services.workflow import allowed_actions

        request = self.context.get("request")
        if request is None:
            return []
        return sorted(allowed_actions(request.user, obj))


class CategorySerializer(ModelSerializer):
    children = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "is_violence", "sensitive", "sort", "children"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(), help_text="启用的子类别")
    )
    def get_children(self, obj):
        children = getattr(obj, "active_children", None)
        if children is None:
            children = obj.children.filter(is_active=True)
        return [
            {
                "id": c.pk,
                "code": c.code,
                "name": c.name,
                "parent": obj.pk,
                "is_violence": c.is_violence,
                "sensitive": c.sensitive,
                "sort": c.sort,
            }
            for c in children
        ]


class ReferralSerializer(ModelSerializer):
    status_display = LabelField(choices.ReferralStatus, "status")
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    agency_kind = serializers.CharField(source="agency.kind", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_summary = serializers.CharField(source="case.summary", read_only=True)
    case_category_name = serializers.CharField(source="case.category.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    sent_by_name = serializers.CharField(
        source="sent_by.real_name", read_only=True, default=None, allow_null=True
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "case_number",
            "case_summary",
            "case_category_name",
            "agency",
            "agency_name",
            "agency_kind",
            "status",
            "status_display",
            "share_identity",
            "org",
            "org_name",
            "sent_at",
            "sent_by",
            "sent_by_name",
            "due_at",
            "is_overdue",
            "responded_at",
            "reported_at",
            "closed_at",
            "urge_count",
            "is_sensitive",
        ]
        read_only_fields = fields


class ReferralDetailSerializer(ReferralSerializer):
    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "request", "response_note", "report"]
        read_only_fields = fields
