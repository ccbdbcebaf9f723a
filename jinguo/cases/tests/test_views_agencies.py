"""Agency pages: the list with its filters, the agency page, create and edit, and accounts
for agency users (system administrator only)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases.models import Agency, AgencyMember, Referral
from jinguo.cases.tests.factories import make_case
from jinguo.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_aid(tree):
    return Agency.objects.create(
        org=tree.district_a,
        name="和平区法律援助中心",
        kind="legal_aid",
        contact_name="周律师",
        contact_phone="022-12345678",
        services="法律咨询、代理诉讼",
    )


@pytest.fixture
def shelter_b(tree):
    return Agency.objects.create(org=tree.district_b, name="新华区庇护站", kind="shelter")


def test_list_filters_by_kind_and_stays_in_scope(
    login, tree, district_officer, legal_aid, shelter_b
):
    police = Agency.objects.create(org=tree.street_a, name="春晖派出所", kind="police")
    client = login(district_officer)
    page = client.get(reverse("cases:agency_list")).content.decode()
    assert "和平区法律援助中心" in page and "春晖派出所" in page and "新华区庇护站" not in page
    page = client.get(reverse("cases:agency_list"), {"kind": "police"}).content.decode()
    assert police.name in page and legal_aid.name not in page


def test_detail_shows_contact_and_referral_counts(login, tree, district_officer, legal_aid):
    case = make_case(tree.street_a)
    common = {"case": case, "agency": legal_aid, "request": "请协助", "org": case.org}
    Referral.objects.create(**common, due_at=timezone.now() - timedelta(days=1))
    Referral.objects.create(**common, status="closed")
    page = login(district_officer).get(legal_aid.get_absolute_url()).content.decode()
    assert "周律师" in page and "法律咨询、代理诉讼" in page
    assert 'data-testid="open-count">1<' in page and 'data-testid="overdue-count">1<' in page


def test_agency_of_another_district_is_404(login, district_officer, shelter_b):
    client = login(district_officer)
    assert client.get(shelter_b.get_absolute_url()).status_code == 404
    assert client.get(reverse("cases:agency_update", args=[shelter_b.pk])).status_code == 404


def test_officer_creates_and_edits_an_agency(login, tree, district_officer):
    client = login(district_officer)
    r = client.post(
        reverse("cases:agency_create"),
        {"org": tree.district_a.pk, "name": "和平区妇幼保健院", "kind": "health"},
    )
    agency = Agency.objects.get(name="和平区妇幼保健院")
    assert r.status_code == 302 and r.url == agency.get_absolute_url()
    r = client.post(
        reverse("cases:agency_update", args=[agency.pk]),
        {"name": "和平区妇幼保健院", "kind": "health", "contact_phone": "022-88886666"},
    )
    assert r.status_code == 302
    agency.refresh_from_db()
    assert agency.contact_phone == "022-88886666"


def test_create_with_an_empty_name_keeps_the_form(login, tree, district_officer):
    r = login(district_officer).post(
        reverse("cases:agency_create"),
        {"org": tree.district_a.pk, "name": "", "kind": "health", "contact_name": "刘主任"},
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "刘主任" in page and "必填" in page
    assert not Agency.objects.exists()


def test_community_chair_cannot_create_agencies(login, community_chair):
    assert login(community_chair).get(reverse("cases:agency_create")).status_code == 404


def test_sysadmin_adds_an_agency_user(login, sysadmin, legal_aid):
    client = login(sysadmin)
    page = client.get(legal_aid.get_absolute_url()).content.decode()
    assert 'data-testid="add-agency-user"' in page
    r = client.post(
        reverse("cases:agency_user_create", args=[legal_aid.pk]),
        {
            "username": "legalaid_zhou",
            "real_name": "周敏",
            "phone": "13900001111",
            "password": TEST_PASSWORD,
        },
    )
    assert r.status_code == 302 and r.url == legal_aid.get_absolute_url()
    user = User.objects.get(username="legalaid_zhou")
    assert AgencyMember.objects.get(user=user).agency == legal_aid
    assert user.has_perm("cases.respond_referral") and not user.has_perm("cases.view_case")
    page = client.get(legal_aid.get_absolute_url()).content.decode()
    assert "周敏" in page


def test_rights_officer_cannot_open_agency_accounts(login, district_officer, legal_aid):
    client = login(district_officer)
    page = client.get(legal_aid.get_absolute_url()).content.decode()
    assert 'data-testid="add-agency-user"' not in page
    url = reverse("cases:agency_user_create", args=[legal_aid.pk])
    assert client.get(url).status_code == 404
