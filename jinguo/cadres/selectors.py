"""Reads of the cadres app: the roster and its figures, overdue contact points, who has no
pairing, who is due for retraining. Everything through restrict()."""

from collections import Counter
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jinguo.people.choices import Education, Gender

from .choices import AgeBand
from .models import Attendance, ContactPoint, Pairing, Position, RetrainingRule


def current(on: date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def roster_queryset(user):
    return Position.objects.restrict(user, "view").select_related("person", "position_type", "org")


def age_band(birth_date: date | None, on: date) -> str:
    if birth_date is None:
        return AgeBand.UNKNOWN
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 35:
        return AgeBand.UNDER_35
    if age < 45:
        return AgeBand.FROM_35
    if age < 55:
        return AgeBand.FROM_45
    return AgeBand.FROM_55


def roster_summary(positions, on: date | None = None) -> dict:
    """Counts of a roster (a queryset already restricted and filtered): by position, sex,
    age band, education, and the share of executive members who are also grid workers."""
    on = on or timezone.localdate()
    rows = list(
        positions.values_list(
            "person_id",
            "position_type__name",
            "position_type__is_executive",
            "person__gender",
            "person__birth_date",
            "person__education",
        )
    )
    by_position = Counter(r[1] for r in rows)
    persons = {r[0]: r for r in rows}
    gender_labels = dict(Gender.choices)
    education_labels = dict(Education.choices)
    by_sex = Counter(str(gender_labels.get(r[3], r[3])) for r in persons.values())
    by_age = Counter(str(AgeBand(age_band(r[4], on)).label) for r in persons.values())
    by_education = Counter(
        str(education_labels.get(r[5], r[5] or education_labels["unknown"]))
        for r in persons.values()
    )
    executives = {r[0] for r in rows if r[2]}
    grid_workers = set(
        Position.objects.filter(
            current(on), person_id__in=executives, position_type__is_grid_worker=True
        ).values_list("person_id", flat=True)
    )
    women = sum(1 for r in persons.values() if r[3] == Gender.FEMALE)
    return {
        "positions": len(rows),
        "persons": len(persons),
        "by_position": sorted(by_position.items(), key=lambda kv: -kv[1]),
        "by_sex": sorted(by_sex.items()),
        "female_share": round(100 * women / len(persons), 1) if persons else None,
        "by_age": sorted(by_age.items()),
        "by_education": sorted(by_education.items(), key=lambda kv: -kv[1]),
        "executives": len(executives),
        "executives_grid": len(grid_workers),
        "grid_share": round(100 * len(grid_workers) / len(executives), 1) if executives else None,
    }


def person_positions(user, person):
    return list(roster_queryset(user).filter(person=person).order_by("-started_on")[:20])


# --- contact points --------------------------------------------------------------------------


def overdue_points(user, *, mine_only=False):
    today = timezone.localdate()
    qs = ContactPoint.objects.restrict(user, "view").filter(
        ended_on__isnull=True, next_due_on__lt=today
    )
    if mine_only:
        qs = qs.filter(cadre_user=user)
    return qs.select_related("place", "cadre_user", "cadre_person").order_by("next_due_on", "id")


# --- pairings --------------------------------------------------------------------------------


def cadres_without_pairing(user, year: int | None = None):
    """Current executive members in the user's scope with no pairing this year."""
    year = year or timezone.localdate().year
    paired = Pairing.objects.filter(cadre_id=OuterRef("person_id"), year=year)
    return (
        roster_queryset(user)
        .filter(current(), position_type__is_executive=True)
        .filter(~Exists(paired))
    )


# --- retraining ------------------------------------------------------------------------------


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


def due_for_retraining(user, on: date | None = None) -> list[dict]:
    """For each active rule, the current holders of its position in the user's scope with no
    completed training of its kind within the period: [{position, rule, since}]."""
    on = on or timezone.localdate()
    rows = []
    for rule in RetrainingRule.objects.filter(is_active=True).select_related("position_type"):
        since = _months_before(on, rule.every_months)
        trained = Attendance.objects.filter(
            person_id=OuterRef("person_id"),
            completed=True,
            training__kind=rule.kind,
            training__ends_on__gte=since,
        )
        for position in (
            roster_queryset(user)
            .filter(current(on), position_type=rule.position_type)
            .filter(~Exists(trained))
        ):
            rows.append({"position": position, "rule": rule, "since": since})
    return rows
