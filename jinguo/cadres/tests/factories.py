"""Cadres records for tests: ``make_position(unit, "executive")`` and friends."""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from jinguo.cadres.models import (
    ContactPoint,
    ContactVisit,
    Election,
    Pairing,
    Position,
    PositionType,
    Training,
)
from jinguo.people.tests.factories import PersonFactory

_n = itertools.count(1)


def position_type(code: str) -> PositionType:
    return PositionType.objects.get(code=code)


def make_position(unit, code="executive", *, person=None, started_on=None, **fields):
    return Position.objects.create(
        org=unit,
        person=person or PersonFactory(org=unit, gender="F", birth_date=date(1980, 5, 1)),
        position_type=position_type(code),
        started_on=started_on or date(2022, 1, 1),
        **fields,
    )


def make_election(unit, **fields):
    today = timezone.localdate()
    values = {"held_on": today, "method": "competitive", "term_starts_on": today}
    return Election.objects.create(org=unit, **{**values, **fields})


def make_point(unit, *, place=None, cadre_user=None, due_in_days=10, **fields):
    return ContactPoint.objects.create(
        org=unit,
        place=place or unit,
        cadre_user=cadre_user,
        cadre_person=None if cadre_user else PersonFactory(org=unit),
        next_due_on=timezone.localdate() + timedelta(days=due_in_days),
        since=timezone.localdate() - timedelta(days=60),
        **fields,
    )


def make_visit(unit, **fields):
    point = make_point(unit)
    return ContactVisit.objects.create(
        org=unit, point=point, findings=f"了解情况{next(_n)}", **fields
    )


def make_pairing(unit, **fields):
    return Pairing.objects.create(
        org=unit,
        cadre=PersonFactory(org=unit),
        woman=PersonFactory(org=unit, gender="F"),
        year=timezone.localdate().year,
        **fields,
    )


def make_training(unit, kind="rights", ends_on=None, **fields):
    ends_on = ends_on or timezone.localdate() - timedelta(days=30)
    return Training.objects.create(
        org=unit,
        topic=f"维权培训{next(_n)}",
        kind=kind,
        starts_on=ends_on,
        ends_on=ends_on,
        hours=4,
        **fields,
    )
