"""The demo's places: every kind, some failing their standard or unchecked for a year, gaps
in coverage, the shelter's address for its staff only, and a second load that adds nothing."""

import pytest

from jinguo.accounts.models import User
from jinguo.accounts.services import ensure_default_roles
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.places import load_places
from jinguo.orgs.models import OrgUnit
from jinguo.places import selectors
from jinguo.places.choices import CoverageLevel
from jinguo.places.models import Place, PlaceKind

pytestmark = pytest.mark.django_db


def test_demo_places():
    ensure_default_roles()
    command = DemoCommand()
    command.load_units()
    command.load_users()
    for username, unit_code in (("weiquan3", "990103"),):
        from jinguo.testing.factories import user_with_role

        user_with_role(OrgUnit.objects.get(code=unit_code), "rights_officer", username=username)
    assert load_places()["places"] > 50
    assert set(Place.objects.values_list("kind__code", flat=True)) == set(
        PlaceKind.objects.values_list("code", flat=True)
    )
    assert Place.objects.filter(meets_standard=False).exists()
    leader = User.objects.get(username="leader")
    counts = selectors.attention_counts(leader)
    assert counts["failing"] and counts["unchecked"]
    city = OrgUnit.objects.get(code="9901")
    result = selectors.coverage(leader, city, CoverageLevel.COMMUNITY)
    home = PlaceKind.objects.get(code="womens_home")
    assert 0 < result.total.cells[home.pk].covered < result.total.cells[home.pk].total
    shelter = Place.objects.get(kind__code="shelter")
    assert not shelter.is_public
    assert selectors.may_locate(User.objects.get(username="weiquan"), shelter)
    assert not selectors.may_locate(leader, shelter)
    assert not any(p.kind_code == "shelter" for p in selectors.public_places())
    assert load_places()["places"] == 0
