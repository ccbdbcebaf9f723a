"""Find help nearby: public places of the area she browses to, never a shelter, a page at a
time, without JavaScript."""

import pytest

from jinguo.places.tests.factories import make_place

pytestmark = pytest.mark.django_db

SHELTER_ADDRESS = "春晖路 9 号院（保密）"


@pytest.fixture
def places(tree):
    home = make_place(tree.community_a, name="芳草社区妇女之家", is_public=True)
    station = make_place(
        tree.street_a, kind_code="rights_station", name="春晖街道维权站", is_public=True
    )
    hidden = make_place(tree.community_a, name="未公开的调解室", is_public=False)
    shelter = make_place(
        tree.district_a,
        kind_code="shelter",
        name="和平区庇护站",
        address=SHELTER_ADDRESS,
        is_public=False,
    )
    elsewhere = make_place(tree.community_b, name="桃李社区妇女之家", is_public=True)
    return home, station, hidden, shelter, elsewhere


def test_her_communitys_womens_home_is_shown_and_the_shelter_never(client, tree, places):
    home, station, hidden, shelter, elsewhere = places
    text = client.get("/portal/nearby/", {"in": tree.district_a.pk}).content.decode()
    assert home.name in text and station.name in text and home.address in text
    assert hidden.name not in text and shelter.name not in text and SHELTER_ADDRESS not in text
    assert elsewhere.name not in text
    assert "拨打 12338" in text  # how a shelter is reached
    text = client.get("/portal/nearby/", {"in": tree.community_a.pk}).content.decode()
    assert home.name in text and station.name not in text


def test_by_kind_and_a_page_at_a_time(client, tree, places):
    for n in range(25):
        make_place(tree.community_a, name=f"妇女微家{n:02d}", is_public=True)
    first = client.get(
        "/portal/nearby/", {"in": tree.district_a.pk, "kind": "womens_home"}
    ).content.decode()
    assert "春晖街道维权站" not in first and "第 1 / 2 页" in first
    second = client.get(
        "/portal/nearby/", {"in": tree.district_a.pk, "kind": "womens_home", "page": "2"}
    ).content.decode()
    assert "第 2 / 2 页" in second
    # An unknown kind or page shows all kinds, the nearest page: never an error.
    odd = client.get("/portal/nearby/", {"in": tree.district_a.pk, "kind": "x", "page": "99"})
    assert odd.status_code == 200


def test_browse_and_search_find_the_area_first(client, tree, places):
    start = client.get("/portal/nearby/").content.decode()
    assert tree.city.name in start and 'data-testid="nearby-places"' not in start
    found = client.get("/portal/nearby/", {"q": "芳草"}).content.decode()
    assert f"?in={tree.community_a.pk}" in found
    assert client.get("/portal/nearby/", {"in": "abc"}).status_code == 404
