"""Reads of persons that more than one view needs: the list queryset, opening one person,
duplicate candidates."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from jinguo.core import audit
from jinguo.core.models import AuditEvent
from jinguo.core.pinyin import name_pinyin

from .models import Person, PersonTag
from .services.derived import phone_index

DUPLICATES_SHOWN = 10


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
