"""Reading volunteers and councils, always through restrict()."""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from jinguo.people.models import Person

from .choices import ResolutionStatus
from .models import CarePairing, Participation, Resolution

CONFIRMED = Q(confirmed_at__isnull=False, attended=True)


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


def hours_by_team(user, year: int):
    """Confirmed hours of one year by team (with its unit), in her scope."""
    from django.db.models import Count

    return (
        Participation.objects.restrict(user, "view")
        .filter(CONFIRMED, held_on__year=year)
        .values("activity__team_id", "activity__team__name", "org__name", "org_path")
        .annotate(
            hours=Sum("hours"),
            volunteers=Count("volunteer", distinct=True),
            times=Count("id"),
        )
        .order_by("org_path", "activity__team__name")
    )


def active_volunteers(user, year: int):
    """Approved volunteers with confirmed service in the year."""
    from .models import Volunteer

    served = Participation.objects.filter(CONFIRMED, held_on__year=year).values("volunteer_id")
    return Volunteer.objects.restrict(user, "view").filter(status="approved", pk__in=served)
