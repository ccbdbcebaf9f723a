"""The demo's volunteers and councils: confirmed hours, a pending registration, a council
with done, open and overdue resolutions; a second load adds nothing."""

import io

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from jinguo.accounts.models import User
from jinguo.accounts.services import ensure_default_roles
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.volunteers import load_volunteers
from jinguo.volunteers.models import Participation, Team, Volunteer
from jinguo.volunteers.selectors import confirmed_hours, overdue_resolutions

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
            first = load_volunteers(stdout=io.StringIO())
            second = load_volunteers(stdout=io.StringIO())
            yield {"first": first, "second": second}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_demo_loads_once(demo):
    assert demo["first"]["teams"] == 2 and demo["first"]["resolutions"] == 3
    assert not any(demo["second"].values())
    assert Team.objects.count() == 2


def test_the_chair_sees_hours_pending_work_and_the_overdue_resolution(demo):
    chair = User.objects.get(username="chair")
    assert confirmed_hours(Participation.objects.restrict(chair, "view")) > 0
    assert Volunteer.objects.restrict(chair, "view").filter(status="pending").count() == 1
    assert overdue_resolutions(chair).count() == 1
    client = Client()
    client.force_login(chair)
    home = client.get("/").content.decode()
    assert 'data-testid="overdue-resolutions-panel"' in home
    assert 'data-testid="pending-volunteers-panel"' in home
    for name in ("team_list", "volunteer_list", "activity_list", "council_list", "resolution_list"):
        assert client.get(reverse(f"volunteers:{name}")).status_code == 200
