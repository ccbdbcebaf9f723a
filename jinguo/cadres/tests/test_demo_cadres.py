"""The demo's 队伍建设 records: rosters after a recent election with the previous term in the
history, contact points with some visits overdue, pairings, trainings with some cadres due;
a second load adds nothing."""

import io

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.services import ensure_default_roles
from jinguo.cadres import selectors
from jinguo.cadres.models import ContactPoint, Election, Pairing, Position
from jinguo.demo.cadres import load_cadres
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.people_data import load_people

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            command = DemoCommand(stdout=io.StringIO())
            ensure_default_roles()
            command.load_units()
            command.load_users()
            load_people(stdout=io.StringIO())
            first = load_cadres(stdout=io.StringIO())
            second = load_cadres(stdout=io.StringIO())
            yield {"first": first, "second": second}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_loading_twice_creates_the_data_once(demo):
    assert demo["first"]["positions"] == Position.objects.count() > 100
    assert set(demo["second"].values()) == {0}


def test_rosters_after_a_recent_election_with_history(demo):
    today = timezone.localdate()
    assert Election.objects.filter(term_starts_on__gt=today.replace(year=today.year - 1)).exists()
    assert Position.objects.filter(ended_on__lt=today).exists()
    chair = User.objects.get(username="chair")
    assert Position.objects.filter(user=chair, ended_on__isnull=True).exists()


def test_overdue_contact_points_on_the_chairs_home_page(demo):
    chair = User.objects.get(username="chair")
    assert selectors.overdue_points(chair, mine_only=True).exists()
    assert ContactPoint.objects.filter(next_due_on__gte=timezone.localdate()).exists()
    client = Client()
    client.force_login(chair)
    assert 'data-testid="contact-points-panel"' in client.get("/").content.decode()


def test_pairings_and_cadres_without_one(demo):
    officer = User.objects.get(username="weiquan")
    assert Pairing.objects.exists()
    assert selectors.cadres_without_pairing(officer).exists()


def test_some_rights_cadres_are_due_for_retraining(demo):
    officer = User.objects.get(username="weiquan")
    rows = selectors.due_for_retraining(officer)
    assert rows
    trained = Position.objects.filter(position_type__code="rights_cadre").count()
    assert len([r for r in rows if r["rule"].kind == "rights"]) < trained
    client = Client()
    client.force_login(officer)
    r = client.get(reverse("cadres:position_list"))
    assert r.status_code == 200 and reverse("cadres:roster_summary") in r.content.decode()
    r = client.get(reverse("cadres:roster_summary"))
    assert r.status_code == 200 and "执委兼任网格员" in r.content.decode()
