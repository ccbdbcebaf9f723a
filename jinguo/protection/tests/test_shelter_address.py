"""The shelter's address above all: shown to the shelter's staff and to those a stay there is
shared with (for "locate"), masked for everyone else at every door — page, list, API, export,
audit trail, the person's page."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.core.models import AuditEvent
from jinguo.core.sharing import share_grant
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import Shelter, ShelterStay
from jinguo.protection.selectors.shelter import locatable_shelter_ids
from jinguo.protection.services import shelter as services
from jinguo.protection.tests.factories_shelter import ADDRESS, PHONE, make_shelter, make_stay
from jinguo.testing.factories import UserFactory, grant, user_with_role
from jinguo.testing.responses import xlsx_rows

HIDDEN = "地址仅对庇护所工作人员可见"
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    """The staff member of a shelter of 和平区, its officer and leader (not staff), and a
    worker who accompanies the woman staying there."""
    staff = user_with_role(tree.district_a, "rights_officer", real_name="庇护所社工")
    officer = user_with_role(tree.district_a, "rights_officer", real_name="区维权干部")
    leader = user_with_role(tree.district_a, "leader", real_name="区妇联主席")
    companion = user_with_role(tree.community_a, "community_chair", real_name="社区主任")
    shelter = make_shelter(tree.district_a, staff=[staff])
    person = PersonFactory(org=tree.community_a)
    stay = make_stay(shelter, person)
    return type("P", (), locals())


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_staff_see_the_address_and_phone_on_the_shelter_page(client, people):
    html = page(
        client, people.staff, reverse("protection:shelter_detail", args=[people.shelter.pk])
    )
    assert ADDRESS in html and PHONE in html
    assert HIDDEN not in html


@pytest.mark.parametrize("who", ["officer", "leader"])
def test_a_unit_officer_or_leader_sees_the_shelter_but_not_where_it_is(client, people, who):
    html = page(
        client, getattr(people, who), reverse("protection:shelter_detail", args=[people.shelter.pk])
    )
    assert people.shelter.name in html
    assert ADDRESS not in html and PHONE not in html
    assert HIDDEN in html


def test_the_list_and_its_export_mask_the_address_for_the_officer(client, people):
    html = page(client, people.officer, reverse("protection:shelter_list"))
    assert people.shelter.name in html and ADDRESS not in html and HIDDEN in html
    r = client.get(reverse("protection:shelter_list") + "?export=xlsx")
    rows = xlsx_rows(r.content)
    assert rows and rows[0]["地址"] == HIDDEN
    assert ADDRESS not in r.content.decode("latin-1")


def test_the_staff_export_holds_the_address(client, people):
    client.force_login(people.staff)
    rows = xlsx_rows(client.get(reverse("protection:shelter_list") + "?export=xlsx").content)
    assert rows[0]["地址"] == ADDRESS


def test_the_api_masks_the_address_unless_she_may_locate(people):
    api = APIClient()
    url = reverse("shelter-detail", args=[people.shelter.pk])
    api.force_authenticate(people.officer)
    data = api.get(url).json()
    assert (
        data["address"] == HIDDEN and data["phone"] == HIDDEN and data["address_visible"] is False
    )
    listed = api.get(reverse("shelter-list")).json()["results"]
    assert [row["address"] for row in listed] == [HIDDEN]
    api.force_authenticate(people.staff)
    data = api.get(url).json()
    assert data["address"] == ADDRESS and data["phone"] == PHONE


def test_the_stay_api_and_page_mask_the_shelter_address(client, people):
    api = APIClient()
    api.force_authenticate(people.officer)
    data = api.get(reverse("shelterstay-detail", args=[people.stay.pk])).json()
    assert data["shelter_address"] == HIDDEN
    html = page(
        client, people.officer, reverse("protection:shelterstay_detail", args=[people.stay.pk])
    )
    assert ADDRESS not in html and HIDDEN in html


def test_the_person_page_masks_the_address_for_the_officer(client, people):
    html = page(client, people.officer, people.person.get_absolute_url())
    assert people.shelter.name in html
    assert ADDRESS not in html and HIDDEN in html
    html = page(client, people.staff, people.person.get_absolute_url())
    assert ADDRESS in html


def test_a_stay_shared_for_locate_shows_the_address_while_she_stays(client, people):
    assert people.shelter.pk not in locatable_shelter_ids(people.companion)
    services.stay_share_location(
        user=people.staff, stay=people.stay, grantee=people.companion, reason="陪同入住的社区主任"
    )
    companion = type(people.companion).objects.get(pk=people.companion.pk)
    assert people.shelter.pk in locatable_shelter_ids(companion)
    html = page(client, companion, reverse("protection:shelterstay_detail", args=[people.stay.pk]))
    assert ADDRESS in html
    # Once she has left, the share no longer locates the shelter.
    ShelterStay.objects.filter(pk=people.stay.pk).update(left_at=people.stay.admitted_at)
    companion = type(people.companion).objects.get(pk=people.companion.pk)
    assert people.shelter.pk not in locatable_shelter_ids(companion)


def test_a_plain_view_share_of_the_stay_or_of_the_person_does_not_locate(people):
    viewer = UserFactory(home_unit=people.tree.community_b)
    share_grant(
        obj=people.stay, user=viewer, actions=("view",), reason="协办", granted_by=people.staff
    )
    share_grant(
        obj=people.person, user=viewer, actions=("view",), reason="协办", granted_by=people.staff
    )
    assert ShelterStay.objects.restrict(viewer, "view").filter(pk=people.stay.pk).exists()
    assert locatable_shelter_ids(viewer) == set()


def test_a_share_of_the_shelter_itself_never_locates_it(people):
    """locate is reserved to the shelter's staff: no role, share or subtree grants it."""
    viewer = UserFactory(home_unit=people.tree.district_a)
    grant(viewer, "protection.view_shelter", "protection.locate_shelter", "core.view_sensitive")
    share_grant(
        obj=people.shelter,
        user=viewer,
        actions=("locate", "view"),
        reason="x",
        granted_by=people.staff,
    )
    assert not Shelter.objects.restrict(viewer, "locate").exists()
    assert locatable_shelter_ids(viewer) == set()


def test_only_the_staff_may_share_the_address(people):
    with pytest.raises(Exception) as exc:
        services.stay_share_location(
            user=people.officer, stay=people.stay, grantee=people.companion, reason="想看地址"
        )
    assert "工作人员" in str(exc.value)
    assert locatable_shelter_ids(people.companion) == set()


def test_staff_lose_the_address_when_removed_from_the_staff(people):
    services.shelter_update(
        user=people.officer,
        shelter=people.shelter,
        name=people.shelter.name,
        rooms=4,
        beds=10,
        staff=[],
    )
    staff = type(people.staff).objects.get(pk=people.staff.pk)
    assert locatable_shelter_ids(staff) == set()


def test_the_audit_trail_never_shows_the_address(client, people, tree):
    shelter = services.shelter_create(
        user=people.officer,
        org=tree.district_a,
        name="新建庇护点",
        address="新华路1号秘密处",
        phone="13800001111",
        beds=6,
        staff=[people.staff],
    )
    event = AuditEvent.objects.filter(
        object_type="protection.shelter", object_id=str(shelter.pk)
    ).get()
    assert "新华路1号秘密处" not in str(event.before) + str(event.after) + str(event.detail)
    auditor = user_with_role(tree.city, "auditor")
    client.force_login(auditor)
    html = client.get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert "新华路1号秘密处" not in html and "13800001111" not in html


def test_opening_a_shelter_with_its_address_is_logged_and_without_is_not(client, people):
    opened = AuditEvent.objects.filter(action="open", object_type="protection.shelter")
    page(client, people.officer, reverse("protection:shelter_detail", args=[people.shelter.pk]))
    assert not opened.exists()
    page(client, people.staff, reverse("protection:shelter_detail", args=[people.shelter.pk]))
    assert opened.get().detail["address_shown"] is True


def test_an_officer_edits_the_shelter_without_reading_or_losing_the_address(client, people):
    client.force_login(people.officer)
    url = reverse("protection:shelter_update", args=[people.shelter.pk])
    html = client.get(url).content.decode()
    assert ADDRESS not in html and PHONE not in html
    r = client.post(
        url,
        {
            "name": "改名庇护所",
            "rooms": 4,
            "beds": 12,
            "is_active": "on",
            "staff": [people.staff.pk],
        },
    )
    assert r.status_code == 302
    people.shelter.refresh_from_db()
    assert (people.shelter.name, people.shelter.beds) == ("改名庇护所", 12)
    assert people.shelter.address == ADDRESS and people.shelter.phone == PHONE


def test_no_shipped_role_grants_the_address_and_only_officers_see_reporters():
    from jinguo.core import registry

    grants = registry.registry.role_grants
    assert not any("protection.locate_shelter" in perms for perms in grants.values())
    holders = {role for role, perms in grants.items() if "protection.view_reporter" in perms}
    assert holders == {"rights_officer"}


def test_the_staff_see_who_the_address_is_shared_with_and_revoke_it(client, people):
    services.stay_share_location(
        user=people.staff, stay=people.stay, grantee=people.companion, reason="陪同入住的社区主任"
    )
    url = reverse("protection:shelterstay_detail", args=[people.stay.pk])
    html = page(client, people.staff, url)
    assert "社区主任" in html and "陪同入住的社区主任" in html
    [share] = services.location_shares(people.stay)
    revoke = reverse("protection:shelterstay_share_revoke", args=[people.stay.pk, share.pk])
    # Without a reason nothing is revoked, and she is told why.
    response = client.post(revoke, {"reason": " "}, follow=True)
    assert "请填写撤销原因" in response.content.decode()
    assert services.location_shares(people.stay).count() == 1
    response = client.post(revoke, {"reason": "陪同结束"}, follow=True)
    assert "已撤销" in response.content.decode()
    assert not services.location_shares(people.stay).exists()
    companion = type(people.companion).objects.get(pk=people.companion.pk)
    assert people.shelter.pk not in locatable_shelter_ids(companion)
    event = AuditEvent.objects.filter(action="unshare", object_id=str(people.stay.pk)).get()
    assert event.user == people.staff and "陪同结束" in str(event.detail)
    assert ADDRESS not in str(event.before) + str(event.detail)


def test_only_those_who_may_locate_see_the_shares_or_revoke_them(client, people):
    services.stay_share_location(
        user=people.staff, stay=people.stay, grantee=people.companion, reason="陪同"
    )
    [share] = services.location_shares(people.stay)
    url = reverse("protection:shelterstay_detail", args=[people.stay.pk])
    html = page(client, people.officer, url)
    assert 'data-testid="location-shares"' not in html
    revoke = reverse("protection:shelterstay_share_revoke", args=[people.stay.pk, share.pk])
    assert client.post(revoke, {"reason": "x"}).status_code == 404
    assert services.location_shares(people.stay).count() == 1
