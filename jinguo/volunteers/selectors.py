"""Reading volunteers and councils, always through restrict()."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from jinguo.core.masking import mask_name
from jinguo.core.scoping import subtree_granted
from jinguo.people.models import Person

from .choices import ResolutionStatus
from .models import CarePairing, Participation, Resolution, ServiceYear

CONFIRMED = Q(confirmed_at__isnull=False, attended=True)


# --- names: in full only where she may open the person's record ------------------------------


def with_person_visible(queryset, user, person_field: str):
    """Annotate ``person_visible``: whether ``user`` may open the person behind the row. A
    name she may not see (a sensitive record, another unit's person) is masked, on the pages
    as in the API."""
    visible = Person.objects.restrict(user, "view").filter(pk=OuterRef(person_field))
    return queryset.annotate(person_visible=Exists(visible))


def shown_name(obj, person) -> str:
    return person.name if getattr(obj, "person_visible", False) else mask_name(person.name)


def with_shown_names(rows, user, person_of) -> list:
    """``rows`` as a list, each with ``shown_name``: the name of ``person_of(row)`` in full
    where ``user`` may open that person, masked elsewhere (one query for the page)."""
    rows = list(rows)
    ids = {person_of(r).pk for r in rows}
    visible = set(
        Person.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True)
    )
    for row in rows:
        person = person_of(row)
        row.shown_name = person.name if person.pk in visible else mask_name(person.name)
    return rows


def visible_pairings(user):
    """Care pairings in her scope whose child she may see (a sensitive child stays hidden)."""
    children = Person.objects.restrict(user, "view").values("pk")
    return CarePairing.objects.restrict(user, "view").filter(child__in=children)


def confirmed_hours(participations) -> Decimal:
    return participations.filter(CONFIRMED).aggregate(total=Sum("hours"))["total"] or Decimal(0)


def volunteer_participations(user, volunteer):
    return (
        Participation.objects.restrict(user, "view")
        .filter(volunteer=volunteer)
        .select_related("activity")
        .order_by("-held_on", "-id")
    )


def overdue_resolutions(user):
    return (
        Resolution.objects.restrict(user, "view")
        .filter(status=ResolutionStatus.OPEN, due_on__lt=timezone.localdate())
        .select_related("meeting__council")
        .order_by("due_on", "id")
    )


def pending_for(user):
    """Registrations waiting for review that ``user`` may decide: teams she leads, or teams
    she may change."""
    from .choices import RegistrationStatus
    from .models import Team, Volunteer

    teams = Team.objects.restrict(user, "change").values("pk")
    led = Team.objects.restrict(user, "view").filter(leader=user).values("pk")
    return Volunteer.objects.restrict(user, "view").filter(
        Q(team__in=teams) | Q(team__in=led), status=RegistrationStatus.PENDING
    )


def hours_by_team(user, year: int) -> list[dict]:
    """Confirmed hours of one year by team (with its unit) over her subtree: hours, the
    volunteers who served and how many services, read from the yearly summary.

    Summed by team id alone, then the teams' names read for the rows found: grouping by the
    joined names would sort every volunteer-year by text (10× slower on a city's year)."""
    from django.db.models import Count

    from .models import Team

    if not subtree_granted(Participation, user, "view"):
        return []
    sums = list(
        ServiceYear.objects.filter(year=year, org_path__subtree=user.home_path, times__gt=0)
        .values("team_id")
        .annotate(hours=Sum("hours"), volunteers=Count("id"), times=Sum("times"))
        .order_by()
    )
    names = {
        t["pk"]: t
        for t in Team.objects.filter(pk__in=[r["team_id"] for r in sums]).values(
            "pk", "name", "org__name", "org_path"
        )
    }
    rows = [
        {
            **r,
            "team__name": names[r["team_id"]]["name"],
            "team__org__name": names[r["team_id"]]["org__name"],
            "org_path": names[r["team_id"]]["org_path"],
        }
        for r in sums
    ]
    return sorted(rows, key=lambda r: (r["org_path"], r["team__name"], r["team_id"]))


def active_volunteers(user, year: int) -> int:
    """How many volunteers of her subtree had confirmed service in the year."""
    if not subtree_granted(Participation, user, "view"):
        return 0
    return ServiceYear.objects.filter(
        year=year, org_path__subtree=user.home_path, times__gt=0
    ).count()


def hours_by_unit(user, team_rows: list[dict]) -> list[dict]:
    """The team rows of ``hours_by_team`` rolled up to her own unit's teams and to each unit
    directly below hers (with all of its subtree): teams, volunteers who served, services,
    hours. A volunteer belongs to one team, so the counts add up without double counting."""
    from jinguo.orgs.models import OrgUnit

    home = user.home_path
    if not home:
        return []
    totals: dict[str, dict] = {}
    for row in team_rows:
        rest = row["org_path"][len(home) :]
        path = home + rest.split("/", 1)[0] + "/" if rest else home
        t = totals.setdefault(
            path, {"path": path, "teams": 0, "volunteers": 0, "times": 0, "hours": Decimal(0)}
        )
        t["teams"] += 1
        t["volunteers"] += row["volunteers"]
        t["times"] += row["times"]
        t["hours"] += row["hours"]
    names = dict(OrgUnit.objects.filter(path__in=list(totals)).values_list("path", "name"))
    for path, t in totals.items():
        t["name"] = names.get(path, "")
        t["own"] = path == home  # the teams of her own unit, not of a unit below
    return sorted(totals.values(), key=lambda t: (not t["own"], t["path"]))
