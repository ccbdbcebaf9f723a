"""Reads of persons that more than one view needs: the scoped and list querysets, opening one
person, duplicate candidates, merge events, and the records around a person on her page."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from jinguo.core import audit
from jinguo.core.models import AuditEvent
from jinguo.core.pinyin import name_pinyin

from ..choices import ConsentPurpose, Relationship
from ..models import (
    Consent,
    ContactAssignment,
    Household,
    HouseholdMember,
    Person,
    PersonTag,
    Visit,
)
from ..services.derived import phone_index
from .common import can, visible
from .consents import consent_allows
from .households import visible_households
from .visits import VISITS_ON_PERSON_PAGE

DUPLICATES_SHOWN = 10


def visible_persons(user, action: str = "view") -> QuerySet:
    if user is None:
        return Person.objects.all()
    return Person.objects.restrict(user, action).filter(merged_into__isnull=True)


def person_list_queryset(user, action: str = "view"):
    """Scoped persons with what a list row shows (unit, active tags) fetched up front."""
    active_tags = PersonTag.objects.filter(ended_on__isnull=True).select_related("tag_type")
    return (
        Person.objects.restrict(user, action)
        .select_related("org")
        .prefetch_related(Prefetch("tags", queryset=active_tags, to_attr="active_tags"))
    )


def person_open(user, pk, *, queryset=None, channel: str | None = None) -> Person:
    """The person ``user`` opens (404 outside her scope). Opening a sensitive record (violence,
    a minor) is logged here, so the page and the API log it alike.

    ``queryset``: the door's own scoped queryset (what it loads, the API's filters); by default
    restrict(user, "view").
    """
    if queryset is None:
        queryset = Person.objects.restrict(user, "view")
    person = get_object_or_404(queryset, pk=pk)
    if person.is_sensitive:
        audit.record_open(user, person, channel=channel)
    return person


@dataclass
class DuplicateCandidates:
    visible: list = field(default_factory=list)
    hidden_count: int = 0

    def __bool__(self) -> bool:
        return bool(self.visible) or self.hidden_count > 0


def _candidate_filter(name: str, birth_date: date | None, phones: list[str]) -> Q | None:
    condition = Q(pk__in=[])
    pinyin = name_pinyin(name or "")
    if pinyin and birth_date:
        condition |= Q(name_pinyin=pinyin, birth_date=birth_date)
    indexes = [phone_index(p) for p in phones if p]
    if indexes:
        condition |= Q(phone_index__in=indexes) | Q(phone2_index__in=indexes)
    return condition


def likely_duplicates(
    user,
    *,
    name: str,
    birth_date: date | None = None,
    phone: str = "",
    phone2: str = "",
    exclude_pk: int | None = None,
) -> DuplicateCandidates:
    """Active records with the same name pinyin and birth date, or the same phone number.

    Those in the user's scope are listed; the others are only counted, so that she knows to ask
    the owning unit without learning who they are.
    """
    condition = _candidate_filter(name, birth_date, [phone, phone2])
    base = Person.objects.filter(condition, is_active=True, merged_into__isnull=True)
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    total = base.count()
    if not total:
        return DuplicateCandidates()
    visible_qs = base.filter(pk__in=Person.objects.restrict(user, "view").values("pk"))
    visible = list(visible_qs.select_related("org").order_by("pk")[:DUPLICATES_SHOWN])
    visible_count = visible_qs.count() if len(visible) == DUPLICATES_SHOWN else len(visible)
    return DuplicateCandidates(visible=visible, hidden_count=total - visible_count)


def merge_events(person: Person):
    """Merge events recorded on this surviving record, with whether each was undone."""
    events = list(
        AuditEvent.objects.filter(
            object_type="people.person", object_id=str(person.pk), action="merge"
        ).order_by("-id")
    )
    undone = set(
        AuditEvent.objects.filter(
            object_type="people.person", object_id=str(person.pk), action="unmerge"
        ).values_list("detail__merge_event", flat=True)
    )
    for event in events:
        event.undone = event.pk in undone
    return events


# --- the person page --------------------------------------------------------------------


def person_related_context(user, person: Person) -> dict:
    """Everything the "related records" cards of a person's page need, scoped for ``user``."""
    tags = (
        visible(PersonTag, user)
        .filter(person=person)
        .select_related("tag_type", "responsible")
        .order_by("ended_on", "next_review_on", "id")
    )
    visits = (
        visible(Visit, user)
        .filter(person=person)
        .select_related("worker")
        .order_by("-visited_on", "-id")[:VISITS_ON_PERSON_PAGE]
    )
    consents = visible(Consent, user).filter(person=person).select_related("recorded_by")
    contacts = (
        visible(ContactAssignment, user)
        .filter(person=person, ended_on__isnull=True)
        .select_related("worker", "worker__home_unit")
    )
    households = (
        visible_households(user)
        .filter(members__person=person)
        .select_related("head")
        .distinct()
        .order_by("name", "id")
    )
    relationships = dict(
        HouseholdMember.objects.filter(person=person, household__in=households).values_list(
            "household_id", "relationship"
        )
    )
    labels = dict(Relationship.choices)
    household_rows = [
        {
            "household": h,
            "relationship": relationships.get(h.pk, ""),
            "relationship_label": labels.get(relationships.get(h.pk, ""), ""),
        }
        for h in households
    ]
    tags = list(tags)
    return {
        "related_person": person,
        "tags": tags,
        "active_tags": [t for t in tags if t.ended_on is None],
        "ended_tags": [t for t in tags if t.ended_on is not None],
        "visits": list(visits),
        "consents": list(consents),
        "contacts": list(contacts),
        "households": household_rows,
        "processing_consent": consent_allows(person, ConsentPurpose.PROCESSING),
        "related_can": {
            "add_tag": can(user, "add", PersonTag),
            "change_tag": can(user, "change", PersonTag),
            "add_visit": can(user, "add", Visit),
            "add_consent": can(user, "add", Consent),
            "change_consent": can(user, "change", Consent),
            "add_contact": can(user, "add", ContactAssignment),
            "change_contact": can(user, "change", ContactAssignment),
            "change_household": can(user, "change", Household),
        },
    }
