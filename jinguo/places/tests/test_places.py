"""Places as the federation's staff use them: the standard and its checks, the activity log,
the configuration of kinds, the home panel, and the address of a confidential place."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.core.registry import registry
from jinguo.places import selectors, services
from jinguo.places.models import Place, PlaceKind
from jinguo.places.tests.factories import SECRET_ADDRESS, kind, make_place, meet
from jinguo.protection.tests.factories_shelter import make_shelter
from jinguo.testing.factories import UserFactory, user_with_role
from jinguo.testing.responses import api_rows, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer", username="officer_places")


@pytest.fixture
def leader(tree):
    return user_with_role(tree.city, "leader", username="leader_places")


def test_shipped_kinds_carry_their_standards():
    home = kind("womens_home")
    assert [i.label for i in home.items.all()] == ["有人员", "有牌子", "有场所"]
    station = kind("rights_station")
    assert station.items.count() == 5  # 五个一
    assert kind("shelter").confidential
    assert PlaceKind.objects.count() == 10


def test_check_every_item_met_makes_the_place_meet_its_standard(tree, officer):
    place = make_place(tree.community_a)
    items = list(place.kind.items.all())
    today = timezone.localdate()
    services.place_check(
        user=officer,
        place=place,
        results={items[0].pk: True, items[1].pk: True, items[2].pk: False},
        checked_on=today,
        notes={items[2].pk: "借用居委会会议室"},
    )
    place.refresh_from_db()
    assert not place.meets_standard
    assert place.last_checked_on == today
    services.place_check(user=officer, place=place, results={items[2].pk: True}, checked_on=today)
    place.refresh_from_db()
    assert place.meets_standard
    event = (
        AuditEvent.objects.filter(action="place_check", object_id=place.pk).order_by("pk").last()
    )
    assert event.detail["items"] == {"有场所": True}


def test_a_check_in_the_future_is_refused_in_chinese(tree, officer):
    place = make_place(tree.community_a)
    item = place.kind.items.first()
    with pytest.raises(ValidationError) as exc:
        services.place_check(
            user=officer,
            place=place,
            results={item.pk: True},
            checked_on=timezone.localdate() + timedelta(days=1),
        )
    assert "不能晚于今天" in str(exc.value)


def test_check_page_keeps_what_was_typed_on_error(tree, officer, client):
    place = make_place(tree.community_a)
    item = place.kind.items.first()
    client.force_login(officer)
    url = reverse("places:place_check", args=[place.pk])
    r = client.post(
        url, {"checked_on": "2999-01-01", f"item_{item.pk}": "on", f"note_{item.pk}": "门牌已挂"}
    )
    assert r.status_code == 200
    assert "不能晚于今天" in r.content.decode()
    assert "门牌已挂" in r.content.decode()
    r = client.post(url, {"checked_on": timezone.localdate().isoformat(), f"item_{item.pk}": "on"})
    assert r.status_code == 302


def test_changing_a_kinds_standard_re_rates_its_places(tree, sysadmin):
    home = kind("womens_home")
    place = meet(make_place(tree.community_a))
    assert place.meets_standard
    services.kind_update(
        user=sysadmin,
        kind=home,
        name=home.name,
        items=["有人员", "有牌子", "有场所", "有姐妹谈心屋"],
    )
    place.refresh_from_db()
    assert not place.meets_standard  # the new item is not checked yet
    services.kind_update(user=sysadmin, kind=home, name=home.name, items=["有人员", "有牌子"])
    place.refresh_from_db()
    assert place.meets_standard
    assert home.items.filter(is_active=False).count() == 2


def test_kind_config_page_is_for_the_sysadmin(tree, sysadmin, officer, client):
    home = kind("womens_home")
    url = reverse("places:kind_update", args=[home.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 404
    client.force_login(sysadmin)
    assert client.get(reverse("places:kind_list")).status_code == 200
    r = client.post(url, {"name": home.name, "is_active": "on", "items": "  \n"})
    assert r.status_code == 200 and "请至少填写一个标准项" in r.content.decode()
    r = client.post(
        url, {"name": home.name, "is_active": "on", "items": "有人员\n有牌子\n有场所\n有活动"}
    )
    assert r.status_code == 302
    assert list(home.items.filter(is_active=True).values_list("label", flat=True))[-1] == "有活动"
    # The sysadmin configures kinds but reads no place.
    assert client.get(reverse("places:place_list")).status_code == 403


def test_activity_log(tree, officer, client):
    place = make_place(tree.community_a)
    client.force_login(officer)
    url = reverse("places:activity_add", args=[place.pk])
    r = client.post(url, {"kind": "talk", "held_on": "", "title": "姐妹谈心", "attendance": 12})
    assert r.status_code == 200 and "姐妹谈心" in r.content.decode()
    r = client.post(
        url,
        {
            "kind": "talk",
            "held_on": timezone.localdate().isoformat(),
            "title": "姐妹谈心会",
            "attendance": 12,
        },
    )
    assert r.status_code == 302
    assert place.activities.get().attendance == 12
    assert (
        "姐妹谈心会" in client.get(reverse("places:place_detail", args=[place.pk])).content.decode()
    )


def test_a_confidential_kind_is_never_public(tree, officer):
    with pytest.raises(ValidationError) as exc:
        services.place_create(
            user=officer,
            org=tree.community_a,
            kind=kind("shelter"),
            name="临时庇护点",
            address=SECRET_ADDRESS,
            is_public=True,
        )
    assert "不能对外公开" in str(exc.value)


def test_public_places_never_returns_a_confidential_kind(tree):
    home = make_place(tree.community_a, is_public=True, name="芳草妇女之家")
    make_place(tree.community_a, kind_code="shelter", is_public=True, address=SECRET_ADDRESS)
    make_place(tree.community_a, is_public=False, name="内部阵地")
    make_place(tree.community_b, is_public=True, name="桃李妇女之家")
    found = selectors.public_places(unit=tree.district_a)
    assert [p.name for p in found] == ["芳草妇女之家"]
    assert found[0].address == home.address and found[0].kind == "妇女之家/妇女微家"
    assert not hasattr(found[0], "staff") and not hasattr(found[0], "meets_standard")
    assert {p.name for p in selectors.public_places()} == {"芳草妇女之家", "桃李妇女之家"}
    assert selectors.public_places(kind="shelter") == []
    assert [
        p.name for p in selectors.public_places(kind=kind("womens_home"), unit=tree.street_b)
    ] == ["桃李妇女之家"]


class TestShelterAddress:
    """A shelter's address: its staff see it; the leader, a colleague and the API do not."""

    @pytest.fixture
    def shelter(self, tree):
        staff = user_with_role(tree.district_a, "rights_officer", username="shelter_staff")
        place = make_place(
            tree.district_a,
            kind_code="shelter",
            staff=[staff],
            address=SECRET_ADDRESS,
            phone="0512-99990000",
            name="和平区庇护点",
        )
        return place, staff

    def pages(self, client, user, place):
        client.force_login(user)
        detail = client.get(reverse("places:place_detail", args=[place.pk])).content.decode()
        listing = client.get(reverse("places:place_list")).content.decode()
        export = client.get(reverse("places:place_list") + "?export=xlsx")
        rows = xlsx_rows(export.content) if export.status_code == 200 else []
        return detail + listing + repr(rows)

    def test_staff_see_it(self, tree, client, shelter):
        place, staff = shelter
        assert SECRET_ADDRESS in self.pages(client, staff, place)
        assert AuditEvent.objects.filter(
            action="open", object_type="places.place", object_id=place.pk
        ).exists()

    def test_others_never_do(self, tree, client, shelter, leader, officer):
        place, _staff = shelter
        for user in (leader, officer):
            text = self.pages(client, user, place)
            assert "和平区庇护点" in text  # the place itself is listed
            assert SECRET_ADDRESS not in text and "0512-99990000" not in text
            from rest_framework.test import APIClient

            api = APIClient()
            api.force_authenticate(user)
            body = api.get(reverse("place-detail", args=[place.pk])).json()
            assert body["address_visible"] is False and SECRET_ADDRESS not in str(body)
            assert SECRET_ADDRESS not in str(api_rows(api.get(reverse("place-list"))))

    def test_the_address_is_encrypted_at_rest(self, shelter):
        from django.db import connection

        place, _staff = shelter
        with connection.cursor() as cursor:
            cursor.execute("SELECT address FROM places_place WHERE id = %s", [place.pk])
            (stored,) = cursor.fetchone()
        assert SECRET_ADDRESS not in stored

    def test_whoever_may_locate_the_linked_shelter_sees_it(self, tree, client, shelter, officer):
        place, _staff = shelter
        Place.objects.filter(pk=place.pk).update(
            shelter=make_shelter(tree.district_a, staff=[officer])
        )
        assert SECRET_ADDRESS in self.pages(client, officer, place)

    def test_editing_without_seeing_keeps_the_address(self, tree, client, shelter, officer):
        place, _staff = shelter
        client.force_login(officer)
        url = reverse("places:place_update", args=[place.pk])
        assert SECRET_ADDRESS not in client.get(url).content.decode()
        r = client.post(
            url, {"name": "和平区庇护点", "address": "", "phone": "", "is_active": "on"}
        )
        assert r.status_code == 302
        place.refresh_from_db()
        assert place.address == SECRET_ADDRESS and place.phone == "0512-99990000"


def test_home_panel_counts_click_through(tree, officer, client):
    meet(make_place(tree.community_a, name="达标之家"))
    make_place(tree.community_a, name="未达标之家")
    stale = meet(make_place(tree.community_a2, name="久未核查之家"))
    Place.objects.filter(pk=stale.pk).update(
        last_checked_on=timezone.localdate() - timedelta(days=400)
    )
    make_place(tree.community_b, name="别区之家")  # out of her scope
    panel = registry.home_panels["places.attention"].context(officer)
    assert panel["places_failing"] == 1  # 未达标之家; 别区之家 is not hers
    assert panel["places_unchecked"] == 2  # never checked, and checked 400 days ago
    client.force_login(officer)
    r = client.get(panel["places_failing_url"])
    names = {row.name for row in r.context["table"].data}
    assert names == {"未达标之家"}
    r = client.get(panel["places_unchecked_url"])
    assert {row.name for row in r.context["table"].data} == {"未达标之家", "久未核查之家"}


def test_services_check_scope(tree, other_district_officer):
    place = make_place(tree.community_a)
    with pytest.raises(PermissionDenied):
        services.place_check(
            user=other_district_officer,
            place=place,
            results={},
            checked_on=timezone.localdate(),
        )
    with pytest.raises(ValidationError):
        services.place_create(
            user=other_district_officer, org=tree.community_a, kind=kind(), name="越界阵地"
        )


def test_kinds_api(tree, officer):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer)
    rows = api_rows(api.get(reverse("placekind-list")))
    home = next(r for r in rows if r["code"] == "womens_home")
    assert [i["label"] for i in home["items"]] == ["有人员", "有牌子", "有场所"]
    assert api.get(reverse("placekind-list")).status_code == 200
    anonymous = APIClient()
    assert anonymous.get(reverse("placekind-list")).status_code in (401, 403)
    assert UserFactory  # a user without roles still reads the kinds (configuration, not records)


def test_statistics_source_counts_places_by_kind_and_standard(tree, leader, client):
    meet(make_place(tree.community_a, name="达标之家"))
    make_place(tree.community_a2, name="未达标之家")
    from jinguo.stats import maintenance, sources

    src = sources.source("places.place")
    assert not maintenance.check(src)  # the triggers kept the summary equal to the records
    client.force_login(leader)
    r = client.get(reverse("stats:source", args=["places.place"]))
    assert r.status_code == 200
    text = r.content.decode()
    assert "阵地类型" in text and "是否达标" in text


def test_list_queries_do_not_grow_with_the_rows(
    tree, officer, client, django_assert_max_num_queries
):
    for n in range(3):
        make_place(tree.community_a, name=f"少量{n}")
    make_place(tree.district_a, kind_code="shelter", address=SECRET_ADDRESS)
    client.force_login(officer)
    url = reverse("places:place_list")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(20):
        make_place(tree.community_a2, name=f"大量{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/places/99999999999999999999999/",
        "/places/99999999999999999999999/edit/",
        "/places/99999999999999999999999/check/",
        "/places/photos/99999999999999999999999/",
        "/places/coverage/gaps/?kind=abc",
        "/places/coverage/gaps/?kind=99999999999999999999999",
        "/places/coverage/?unit=abc&level=zzz",
        "/places/?kind=abc&unit=-1&meets_standard=maybe",
        "/places/kinds/99999999999999999999999/edit/",
    ],
)
def test_odd_input_is_never_a_server_error(tree, officer, client, path):
    client.force_login(officer)
    assert client.get(path).status_code in (200, 404)
