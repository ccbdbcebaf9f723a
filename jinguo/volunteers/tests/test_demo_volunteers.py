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


def test_the_demo_pages_render_for_the_chair(demo):
    from jinguo.volunteers.models import Activity, Council, Meeting

    chair = User.objects.get(username="chair")
    client = Client()
    client.force_login(chair)
    team = Team.objects.get(leader=chair)
    volunteer = Volunteer.objects.filter(team=team, status="approved").first()
    paths = [
        team.get_absolute_url(),
        volunteer.get_absolute_url(),
        reverse("volunteers:volunteer_certificate", args=[volunteer.pk]),
        *(a.get_absolute_url() for a in Activity.objects.filter(team=team)),
        Council.objects.get().get_absolute_url(),
        *(m.get_absolute_url() for m in Meeting.objects.all()),
        reverse("volunteers:pairing_list"),
        reverse("volunteers:hours_summary"),
        reverse("volunteers:resolution_list") + "?overdue=true",
        reverse("volunteers:volunteer_list") + "?status=pending",
        reverse("volunteers:team_list") + "?export=xlsx",
    ]
    for name in (
        "team_create",
        "volunteer_create",
        "activity_create",
        "pairing_create",
        "council_create",
    ):
        paths.append(reverse(f"volunteers:{name}"))
    paths.append(reverse("volunteers:meeting_create", args=[Council.objects.get().pk]))
    for path in paths:
        assert client.get(path).status_code == 200, path
    pending = Volunteer.objects.get(status="pending")
    assert client.get(pending.get_absolute_url()).context["decide_form"] is not None


def test_the_statistics_pages_of_the_sources_render(demo):
    leader = User.objects.filter(roles__code="leader").first() or User.objects.get(username="chair")
    client = Client()
    client.force_login(leader)
    assert client.get(reverse("stats:dashboard")).status_code == 200
    for key in ("volunteers.service", "volunteers.active", "volunteers.resolution"):
        assert client.get(reverse("stats:source", args=[key])).status_code == 200, key
