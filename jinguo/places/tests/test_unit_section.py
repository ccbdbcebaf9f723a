"""服务阵地 on a unit's page (the orgs page's ``page_sections`` slot): the unit's own places
with their standard, the coverage of the level below, scoped like the place list, and never
a shelter's address."""

import pytest
from django.urls import reverse

from jinguo.places.tests.factories import SECRET_ADDRESS, make_place, meet
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer", username="officer_unitpage")


@pytest.fixture
def places(tree):
    home = meet(make_place(tree.community_a, name="芳草妇女之家"))
    failing = make_place(tree.community_a, kind_code="rights_station", name="芳草维权站")
    other = meet(make_place(tree.community_b, name="桃李妇女之家"))
    return home, failing, other


def page(client, user, unit):
    client.force_login(user)
    return client.get(reverse("orgs:orgunit_detail", args=[unit.pk]))


def test_the_unit_page_lists_its_places_with_their_standard(client, tree, officer, places):
    response = page(client, officer, tree.community_a)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="unit-places"' in html
    assert "芳草妇女之家" in html and "芳草维权站" in html
    assert "达标" in html and "未达标" in html
    assert places[0].get_absolute_url() in html
    # A community is the bottom of coverage: no summary, only its places.
    assert 'data-testid="unit-places-coverage"' not in html
    assert "桃李妇女之家" not in html


def test_a_township_page_sums_up_its_communities(client, tree, officer, places):
    html = page(client, officer, tree.street_a).content.decode()
    # 春晖街道 owns no place itself; of its 2 communities, 芳草 has a standard 妇女之家.
    assert "本单位自身没有登记服务阵地" in html
    assert 'data-testid="unit-places-coverage"' in html
    assert "1/2 · 50%" in html
    assert f"unit={tree.street_a.pk}&amp;level=community" in html


def test_a_district_page_sums_up_townships(client, tree, officer, places):
    html = page(client, officer, tree.district_a).content.decode()
    assert "level=township" in html
    assert "本单位及下级共 2 处" in html


def test_a_unit_without_any_place_shows_no_section(client, tree, officer):
    html = page(client, officer, tree.community_a2).content.decode()
    assert 'data-testid="unit-places"' not in html


def test_another_districts_places_never_show(client, tree, places, other_district_officer):
    # Her own district's page shows its own place …
    html = page(client, other_district_officer, tree.district_b).content.decode()
    assert "本单位及下级共 1 处" in html
    # … and the other district's page is not hers to open.
    assert page(client, other_district_officer, tree.district_a).status_code == 404


def test_a_wider_unit_counts_only_what_she_may_see(tree, officer, places):
    """The city is above her scope: only her district's places are counted, and no coverage
    of units she cannot see is summed up."""
    from jinguo.places.selectors import unit_places

    found = unit_places(officer, tree.city)
    assert found["places_in_subtree"] == 2
    assert found["places_coverage"] is None


def test_without_the_place_permission_there_is_no_section(client, tree, places, sysadmin):
    # The system administrator manages units and users and reads no place.
    assert not sysadmin.has_perm("places.view_place")
    response = page(client, sysadmin, tree.community_a)
    assert response.status_code == 200
    assert 'data-testid="unit-places"' not in response.content.decode()


def test_a_shelters_address_is_never_on_the_unit_page(client, tree, officer):
    staff = user_with_role(tree.district_a, "rights_officer", username="shelter_staff_unit")
    make_place(
        tree.district_a,
        kind_code="shelter",
        staff=[staff],
        address=SECRET_ADDRESS,
        phone="0512-99990000",
        name="和平区庇护点",
    )
    leader = user_with_role(tree.city, "leader", username="leader_unitpage")
    for user in (officer, staff, leader):
        html = page(client, user, tree.district_a).content.decode()
        assert "和平区庇护点" in html  # listed as the place list lists it
        assert SECRET_ADDRESS not in html and "0512-99990000" not in html
