"""On the pages as in the API: a volunteer's name is shown in full only to who may open her
person record (a sensitive record, or a person outside the viewer's scope, is masked)."""

import pytest
from django.urls import reverse

from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import UserFactory, grant

from .factories import make_activity, make_participation, make_volunteer

pytestmark = pytest.mark.django_db

NAME = "王秀兰"


@pytest.fixture
def volunteer(tree):
    person = PersonFactory(org=tree.community_a, name=NAME, is_sensitive=True)
    return make_volunteer(tree.community_a, person=person)


def _pages(volunteer):
    activity = make_activity(volunteer.org, team=volunteer.team)
    make_participation(volunteer.org, activity=activity, volunteer=volunteer)
    return [
        reverse("volunteers:volunteer_list"),
        reverse("volunteers:volunteer_detail", args=[volunteer.pk]),
        reverse("volunteers:team_detail", args=[volunteer.team.pk]),
        reverse("volunteers:activity_detail", args=[activity.pk]),
    ]


def test_a_sensitive_persons_name_is_masked_without_view_sensitive(login, tree, volunteer):
    perms = (
        "volunteers.view_volunteer",
        "volunteers.view_team",
        "volunteers.view_activity",
        "volunteers.view_participation",
        "people.view_person",
    )
    plain = UserFactory(home_unit=tree.district_a)
    grant(plain, *perms)
    cleared = UserFactory(home_unit=tree.district_a)
    grant(cleared, *perms, "core.view_sensitive")
    pages = _pages(volunteer)
    for url in pages:
        page = login(plain).get(url)
        assert page.status_code == 200, url
        assert NAME not in page.content.decode(), url
        assert "王" in page.content.decode(), url
    for url in pages:
        assert NAME in login(cleared).get(url).content.decode(), url
