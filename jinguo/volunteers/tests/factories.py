"""Volunteers and councils records for tests: ``make_team(unit)`` and friends."""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from jinguo.people.tests.factories import PersonFactory
from jinguo.volunteers.models import (
    Activity,
    CarePairing,
    Council,
    Meeting,
    Participation,
    Resolution,
    Team,
    Volunteer,
)

_n = itertools.count(1)


def make_team(unit, **fields):
    return Team.objects.create(org=unit, name=fields.pop("name", f"志愿服务队{next(_n)}"), **fields)


def make_volunteer(unit, *, team=None, person=None, status="approved", **fields):
    team = team or make_team(unit)
    person = person or PersonFactory(org=unit, gender="F", name=f"志愿者{next(_n)}")
    return Volunteer.objects.create(
        org=team.org, team=team, person=person, consent=True, status=status, **fields
    )


def make_activity(unit, *, team=None, **fields):
    team = team or make_team(unit)
    values = {"held_on": timezone.localdate(), "title": f"敬老院探访{next(_n)}", "capacity": 10}
    return Activity.objects.create(org=team.org, team=team, **{**values, **fields})


def make_participation(unit, *, activity=None, volunteer=None, **fields):
    activity = activity or make_activity(unit)
    volunteer = volunteer or make_volunteer(unit, team=activity.team)
    return Participation.objects.create(
        org=activity.org, activity=activity, volunteer=volunteer, held_on=activity.held_on,
        **fields,
    )  # fmt: skip


def make_pairing(unit, *, volunteer=None, child=None):
    volunteer = volunteer or make_volunteer(unit)
    child = child or PersonFactory(org=unit, name=f"儿童{next(_n)}", birth_date=date(2016, 5, 1))
    return CarePairing.objects.create(org=volunteer.org, volunteer=volunteer, child=child)


def make_council(unit):
    return Council.objects.get_or_create(org=unit, defaults={"name": f"{unit.name}妇女议事会"})[0]


def make_meeting(unit, **fields):
    council = make_council(unit)
    values = {"held_on": timezone.localdate(), "topics": "小区停车难"}
    return Meeting.objects.create(org=council.org, council=council, **{**values, **fields})


def make_resolution(unit, *, meeting=None, due_in_days=30, **fields):
    meeting = meeting or make_meeting(unit)
    values = {
        "text": f"协调物业划定停车位{next(_n)}",
        "responsible": "社区居委会",
        "due_on": timezone.localdate() + timedelta(days=due_in_days),
    }
    return Resolution.objects.create(org=meeting.org, meeting=meeting, **{**values, **fields})
