"""Reads of the records around a person: households, tags, visits, consents, contacts.

Everything is scoped by restrict(). A record hanging off a person or a household declares it
(``scope_parent``), so a contact assignment, which shares the person with the worker, lets her
see the visits, tags and consents on that person without one share row per record, and ending
the assignment takes all of it away again.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.core import audit
from jinguo.core.scoping import permission_name

from .choices import ConsentPurpose, Relationship
from .models import (
    Consent,
    ContactAssignment,
    Household,
    HouseholdMember,
    Person,
    PersonTag,
    Visit,
)

REVIEW_WINDOW_DAYS = 14
VISITS_ON_PERSON_PAGE = 20


def _active_user(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def visible(model, user, action: str = "view") -> QuerySet:
    """``model.objects.restrict(user, action)``; ``user=None`` is the system actor (management
    commands, demo data): everything."""
    if user is None:
        return model.objects.all()
    return model.objects.restrict(user, action)


def can(user, action: str, model) -> bool:
    return _active_user(user) and user.has_perm(permission_name(model, action))


def require_permission(user, action: str, model) -> None:
    """Services call this first; ``user=None`` is the system actor (commands, demo data)."""
    if user is not None and not can(user, action, model):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def within_home_subtree(qs: QuerySet, user) -> QuerySet:
    """Narrow an already restricted queryset to the user's own unit's subtree: a tab of a page
    ("my unit's", leaving out what is shared with her from elsewhere), never a scope check."""
    return qs.filter(org_path__subtree=user.home_path) if user.home_path else qs.none()


def visible_persons(user, action: str = "view") -> QuerySet:
    if user is None:
        return Person.objects.all()
    return Person.objects.restrict(user, action).filter(merged_into__isnull=True)


def visible_households(user, action: str = "view") -> QuerySet:
    return visible(Household, user, action)


# --- opening one record (the page and the API log alike) ----------------------------------


def household_open(user, pk, *, queryset=None, channel: str | None = None) -> Household:
    """The household ``user`` opens (404 outside her scope); a sensitive one is logged.
    ``queryset``: the door's own scoped queryset; by default restrict(user, "view")."""
    if queryset is None:
        queryset = Household.objects.restrict(user, "view")
    household = get_object_or_404(queryset, pk=pk)
    if household.is_sensitive:
        audit.record_open(user, household, channel=channel)
    return household


def visit_open(user, pk, *, queryset=None, channel: str | None = None) -> Visit:
    """The visit ``user`` opens (404 outside her scope). Its situation and needs are a
    survivor's narrative: every reading is logged."""
    if queryset is None:
        queryset = Visit.objects.restrict(user, "view")
    visit = get_object_or_404(queryset, pk=pk)
    audit.record_open(user, visit, channel=channel)
    return visit


def assignable_workers(user) -> QuerySet:
    """Workers a user may name as responsible or contact: active users she can see, and herself."""
    if user is None:
        return User.objects.filter(is_active=True)
    return (User.objects.restrict(user, "view") | User.objects.filter(pk=user.pk)).filter(
        is_active=True
    )


# --- consent ------------------------------------------------------------------------------


def consent_allows(person: Person, purpose: str, *, on: date | None = None) -> bool:
    """Whether a valid consent covers ``purpose`` for ``person`` on ``on`` (default today).

    Sharing with any partner needs an explicit consent given on or before that day and not
    withdrawn. Processing is presumed lawful without a consent record only for an adult
    whose record is not sensitive and who has not withdrawn a processing consent: the
    federation then processes under its statutory duties (PIPL art. 13(3)). Sensitive
    information (violence, health, minors — PIPL arts. 28–31) always needs a recorded
    consent, given by a guardian for a child under 14.
    """
    on = on or timezone.localdate()
    consents = Consent.objects.filter(person=person, purpose=purpose, given_on__lte=on)
    if consents.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)).exists():
        return True
    if purpose != ConsentPurpose.PROCESSING:
        return False
    if person.is_sensitive or person.is_minor:
        return False
    return not consents.filter(withdrawn_on__lte=on).exists()


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


# --- reviews ------------------------------------------------------------------------------


def review_queryset(user, *, within_days: int = REVIEW_WINDOW_DAYS, today: date | None = None):
    """Active tags the user can see whose review is overdue or due within ``within_days``."""
    today = today or timezone.localdate()
    return (
        visible(PersonTag, user)
        .filter(ended_on__isnull=True, next_review_on__lte=today + timedelta(days=within_days))
        .select_related("person", "tag_type", "responsible", "org")
        .order_by("next_review_on", "id")
    )


def review_counts(user, *, today: date | None = None) -> dict:
    """Counts for the review page's tabs: mine and my unit's subtree, overdue and due soon."""
    today = today or timezone.localdate()
    base = review_queryset(user, today=today)
    mine = base.filter(responsible=user)
    unit = within_home_subtree(base, user)
    return {
        "mine_overdue": mine.filter(next_review_on__lt=today).count(),
        "mine_due": mine.filter(next_review_on__gte=today).count(),
        "unit_overdue": unit.filter(next_review_on__lt=today).count(),
        "unit_due": unit.filter(next_review_on__gte=today).count(),
    }


# --- contacts -----------------------------------------------------------------------------


@dataclass
class ContactRow:
    assignment: ContactAssignment
    last_visit: date | None
    next_due: date
    today: date

    @property
    def days_since(self) -> int | None:
        return (self.today - self.last_visit).days if self.last_visit else None

    @property
    def is_overdue(self) -> bool:
        return self.next_due < self.today

    @property
    def days_overdue(self) -> int:
        return max(0, (self.today - self.next_due).days)

    @property
    def target(self):
        return self.assignment.person or self.assignment.household


def _with_last_visit(qs: QuerySet) -> QuerySet:
    # A person assignment counts visits on the person, a household one visits on the household.
    person_last = (
        Visit.objects.filter(person_id=OuterRef("person_id"))
        .values("person_id")
        .annotate(last=Max("visited_on"))
        .values("last")
    )
    household_last = (
        Visit.objects.filter(household_id=OuterRef("household_id"))
        .values("household_id")
        .annotate(last=Max("visited_on"))
        .values("last")
    )
    return qs.annotate(
        last_person_visit=Subquery(person_last), last_household_visit=Subquery(household_last)
    )


def contact_rows(qs: QuerySet, *, today: date | None = None) -> list[ContactRow]:
    """Active assignments with last visit and next due date, overdue first (most overdue top)."""
    today = today or timezone.localdate()
    qs = _with_last_visit(
        qs.filter(ended_on__isnull=True).select_related(
            "person", "household", "worker", "worker__home_unit", "org"
        )
    )
    rows = []
    for a in qs:
        last = a.last_person_visit if a.person_id else a.last_household_visit
        start = last or a.since
        rows.append(
            ContactRow(
                assignment=a,
                last_visit=last,
                next_due=start + timedelta(days=a.visit_every_days),
                today=today,
            )
        )
    rows.sort(key=lambda r: (not r.is_overdue, r.next_due, r.assignment.pk))
    return rows


def my_contact_rows(user, *, today: date | None = None) -> list[ContactRow]:
    return contact_rows(visible(ContactAssignment, user).filter(worker=user), today=today)


def unit_contact_rows(user, *, today: date | None = None) -> list[ContactRow]:
    qs = within_home_subtree(ContactAssignment.objects.restrict(user, "view"), user)
    return contact_rows(qs, today=today)
