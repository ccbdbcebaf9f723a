"""Reads of contact assignments: each with its last visit and next due date."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from ..models import ContactAssignment, Visit
from .common import visible, within_home_subtree


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
