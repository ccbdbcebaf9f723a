"""Reads of the cadres app: the roster and its figures, overdue contact points, who has no
pairing, who is due for retraining. Everything through restrict()."""

from collections import Counter
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.functional import cached_property

from jinguo.core.pinyin import looks_like_pinyin, normalise_query
from jinguo.people.choices import Education, Gender
from jinguo.people.models import Person

from .choices import AgeBand
from .models import Attendance, ContactPoint, Pairing, Position, PositionType, RetrainingRule


def current(on: date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


ROSTER_COUNT_CAP = 10_000


class AtLeast(int):
    """A count that stopped at its cap: works as the number, reads as "10000+"."""

    def __str__(self):
        return f"{int(self)}+"


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (one LIMITed statement), so the first page of a province's
    roster does not wait for a count of a million rows; pages past the cap are not offered
    (narrow the filters instead), and the exact total is among the roster's figures."""

    cap = ROSTER_COUNT_CAP

    @cached_property
    def count(self):
        rows = self.object_list
        # django-tables2 hands over its rows, which hold its data, which holds the queryset.
        for _ in range(2):
            if not isinstance(rows, QuerySet) and hasattr(rows, "data"):
                rows = rows.data
        if not isinstance(rows, QuerySet) or rows.query.is_sliced:
            return Paginator.count.func(self)
        found = rows.order_by()[: self.cap + 1].count()
        return AtLeast(self.cap) if found > self.cap else found


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


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _age_band_expression(on: date):
    return CaseWhen(
        When(birth_date__isnull=True, then=Value(AgeBand.UNKNOWN)),
        When(birth_date__gt=_years_before(on, 35), then=Value(AgeBand.UNDER_35)),
        When(birth_date__gt=_years_before(on, 45), then=Value(AgeBand.FROM_35)),
        When(birth_date__gt=_years_before(on, 55), then=Value(AgeBand.FROM_45)),
        default=Value(AgeBand.FROM_55),
        output_field=CharField(),
    )


def _counts(qs, field, labels=None) -> list[tuple[str, int]]:
    rows = qs.values(field).annotate(n=Count("pk")).order_by()
    labels = labels or {}
    out = [(str(labels.get(r[field], r[field] or "—")), r["n"]) for r in rows]
    return sorted(out, key=lambda kv: (-kv[1], kv[0]))


def _folded(counter: Counter, labels: dict) -> list[tuple[str, int]]:
    out = [(str(labels.get(key, key or "—")), n) for key, n in counter.items()]
    return sorted(out, key=lambda kv: (-kv[1], kv[0]))


def roster_summary(positions, on: date | None = None) -> dict:
    """Counts of a roster (a queryset already restricted and filtered): by position, sex,
    age band, education, and the share of executive members who are also grid workers.
    Counted in the database (a province's roster has a million rows)."""
    on = on or timezone.localdate()
    positions = positions.order_by()
    persons = Person.objects.filter(pk__in=positions.values("person_id"))
    # Grouped by the type's id (the index holds it; no join), named here; the total is theirs.
    per_type = dict(positions.values_list("position_type_id").annotate(n=Count("pk")).order_by())
    names = dict(PositionType.objects.filter(pk__in=per_type).values_list("pk", "name"))
    by_position = sorted(
        ((names.get(pk, "—"), n) for pk, n in per_type.items()), key=lambda kv: (-kv[1], kv[0])
    )
    total = sum(per_type.values())
    # Sex, age band and education in one pass over the persons, folded here.
    groups = (
        persons.annotate(band=_age_band_expression(on))
        .values("gender", "band", "education")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sexes, bands, educations = Counter(), Counter(), Counter()
    for row in groups:
        sexes[row["gender"]] += row["n"]
        bands[row["band"]] += row["n"]
        educations[row["education"]] += row["n"]
    person_count = sum(sexes.values())
    by_sex = _folded(sexes, dict(Gender.choices))
    women = sum(n for name, n in by_sex if name == str(Gender.FEMALE.label))
    by_age = _folded(bands, dict(AgeBand.choices))
    by_education = _folded(educations, dict(Education.choices))
    executives = positions.filter(position_type__is_executive=True).values("person_id")
    executive_count = Person.objects.filter(pk__in=executives).count()
    grid_count = (
        Person.objects.filter(pk__in=executives)
        .filter(
            pk__in=Position.objects.filter(current(on), position_type__is_grid_worker=True).values(
                "person_id"
            )
        )
        .count()
    )
    return {
        "positions": total,
        "persons": person_count,
        "by_position": by_position,
        "by_sex": by_sex,
        "female_share": round(100 * women / person_count, 1) if person_count else None,
        "by_age": sorted(by_age),
        "by_education": by_education,
        "executives": executive_count,
        "executives_grid": grid_count,
        "grid_share": round(100 * grid_count / executive_count, 1) if executive_count else None,
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


def due_for_retraining(user, on: date | None = None, *, unit=None, rule=None) -> list[dict]:
    """For each active rule, the current holders of its position in the user's scope with no
    completed training of its kind within the period: [{position, rule, since}], each
    position carrying ``last_trained_on`` (her latest such training, or None). ``unit``
    narrows to a subtree, ``rule`` to one rule."""
    on = on or timezone.localdate()
    rows = []
    rules = RetrainingRule.objects.filter(is_active=True).select_related("position_type")
    if rule is not None:
        rules = rules.filter(pk=rule.pk)
    for rule_row in rules:
        since = _months_before(on, rule_row.every_months)
        of_kind = Attendance.objects.filter(
            person_id=OuterRef("person_id"), completed=True, training__kind=rule_row.kind
        )
        holders = roster_queryset(user).filter(current(on), position_type=rule_row.position_type)
        if unit is not None:
            holders = holders.filter(org_path__subtree=unit.path)
        holders = (
            holders.filter(~Exists(of_kind.filter(training__ends_on__gte=since)))
            .annotate(
                last_trained_on=Subquery(
                    of_kind.order_by("-training__ends_on").values("training__ends_on")[:1]
                )
            )
            .order_by("org_path", "person__name_pinyin", "id")
        )
        for position in holders:
            rows.append({"position": position, "rule": rule_row, "since": since})
    return rows


# --- pickers ---------------------------------------------------------------------------------

PICKER_LIMIT = 20


def person_search(queryset, query: str, *, limit: int = PICKER_LIMIT) -> list:
    """Persons of ``queryset`` (already scoped) matching a typed name, or pinyin (full or
    initials) typed in Latin letters; names starting with what was typed come first."""
    query = (query or "").strip()[:50]
    if not query:
        return []
    if looks_like_pinyin(query):
        key = normalise_query(query)
        matched = queryset.filter(Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key))
    else:
        matched = queryset.filter(name__contains=query)
    rows = list(matched.select_related("org").order_by("name_pinyin", "id")[:limit])
    rows.sort(key=lambda p: not p.name.startswith(query))
    return rows


def household_search(queryset, query: str, *, limit: int = PICKER_LIMIT) -> list:
    query = (query or "").strip()[:50]
    if not query:
        return []
    rows = list(
        queryset.filter(name__contains=query).select_related("org").order_by("name", "id")[:limit]
    )
    rows.sort(key=lambda h: not h.name.startswith(query))
    return rows
