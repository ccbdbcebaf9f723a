"""Leaders confirming one volunteer's hours at the same moment: the yearly summary adds
every confirmation, including the racing first ones of the year (PostgreSQL only: SQLite
serialises writers and its in-memory test database is not shared between threads)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from jinguo.testing.factories import user_with_role
from jinguo.volunteers.models import ServiceYear
from jinguo.volunteers.services import teams

from .factories import make_activity, make_participation, make_team, make_volunteer

CONFIRMERS = 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_all_count(tree):
    chair = user_with_role(tree.community_a, "community_chair")
    team = make_team(tree.community_a)
    volunteer = make_volunteer(tree.community_a, team=team)
    signed = [
        make_participation(
            tree.community_a,
            activity=make_activity(tree.community_a, team=team),
            volunteer=volunteer,
            attended=True,
            hours=Decimal("1.5"),
        )
        for _ in range(CONFIRMERS)
    ]
    barrier = threading.Barrier(CONFIRMERS)
    errors = []

    def confirm(participation):
        try:
            barrier.wait(timeout=30)
            teams.hours_confirm(user=chair, participation=participation)
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(p,)) for p in signed]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    row = ServiceYear.objects.get(volunteer=volunteer)
    assert (row.times, row.hours) == (CONFIRMERS, Decimal("1.5") * CONFIRMERS)
