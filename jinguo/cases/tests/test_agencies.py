"""Partner agencies: kept by a unit in the user's subtree, with their own limited accounts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jinguo.accounts.models import User
from jinguo.cases.models import Agency, AgencyMember, Referral
from jinguo.cases.services import agencies as svc
from jinguo.cases.services.referrals import agencies_for, referral_accept
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_aid(tree, district_officer):
    return svc.agency_create(
        user=district_officer,
        org=tree.district_a,
        name="和平区法律援助中心",
        kind="legal_aid",
        contact_phone="12348",
    )


def test_officer_creates_an_agency_in_her_district(legal_aid, tree, district_officer):
    assert legal_aid.org == tree.district_a
    assert legal_aid.org_path == tree.district_a.path
    assert legal_aid.consent_purpose == "share_legal_aid"
    assert AuditEvent.objects.filter(
        object_type="cases.agency", object_id=str(legal_aid.pk), action="create"
    ).exists()
    assert legal_aid in agencies_for(district_officer)


def test_agency_create_checks_unit_name_and_kind(tree, district_officer, legal_aid):
    with pytest.raises(ValidationError) as exc:
        svc.agency_create(user=district_officer, org=tree.district_b, name="  ", kind="nope")
    errors = exc.value.message_dict
    assert errors["org"] == ["只能选择您管辖范围内的单位。"]
    assert errors["name"] == ["请填写机构名称。"]
    assert errors["kind"] == ["请选择机构类型。"]
    with pytest.raises(ValidationError, match="同名"):
        svc.agency_create(
            user=district_officer, org=tree.district_a, name="和平区法律援助中心", kind="court"
        )


def test_agency_create_needs_the_permission(tree, community_chair):
    with pytest.raises(PermissionDenied):
        svc.agency_create(user=community_chair, org=tree.community_a, name="x", kind="other")


def test_update_and_deactivate(legal_aid, district_officer):
    agency = svc.agency_update(
        user=district_officer, agency=legal_aid, contact_name="周律师", services="法律咨询、代理"
    )
    assert agency.contact_name == "周律师"
    svc.agency_update(user=district_officer, agency=legal_aid, is_active=False)
    assert legal_aid not in agencies_for(district_officer)
    assert AuditEvent.objects.filter(object_id=str(legal_aid.pk), action="update").count() == 2


def test_other_district_cannot_update(legal_aid, other_district_officer, tree):
    with pytest.raises(ValidationError, match="不存在"):
        svc.agency_update(user=other_district_officer, agency=legal_aid, name="改名")
    legal_aid.refresh_from_db()
    assert legal_aid.name == "和平区法律援助中心"


def test_update_cannot_move_the_agency_out_of_scope(legal_aid, district_officer, tree):
    with pytest.raises(ValidationError) as exc:
        svc.agency_update(user=district_officer, agency=legal_aid, org=tree.district_b)
    assert "org" in exc.value.message_dict


# --- agency accounts ------------------------------------------------------------------------


def test_sysadmin_opens_an_agency_account(legal_aid, sysadmin, tree):
    account = svc.agency_user_create(
        user=sysadmin,
        agency=legal_aid,
        username="fayuan01",
        real_name="周律",
        password=TEST_PASSWORD,
    )
    account = User.objects.get(pk=account.pk)
    assert account.home_unit == tree.district_a
    assert account.must_change_password
    assert [r.code for r in account.roles.all()] == ["partner"]
    assert account.agency_membership.agency == legal_aid
    assert account.has_perm("cases.respond_referral")
    assert not account.has_perm("cases.view_case")


def test_agency_account_follows_the_password_policy(legal_aid, sysadmin):
    with pytest.raises(ValidationError) as exc:
        svc.agency_user_create(
            user=sysadmin, agency=legal_aid, username="weak", real_name="弱", password="123"
        )
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(username="weak").exists()
    assert not AgencyMember.objects.exists()


def test_only_user_managers_open_agency_accounts(legal_aid, district_officer):
    with pytest.raises(PermissionDenied):
        svc.agency_user_create(
            user=district_officer,
            agency=legal_aid,
            username="x1",
            real_name="某",
            password=TEST_PASSWORD,
        )


def test_removing_a_member_ends_her_access(legal_aid, sysadmin, district_officer, tree):
    account = svc.agency_user_create(
        user=sysadmin,
        agency=legal_aid,
        username="fayuan02",
        real_name="吴律",
        password=TEST_PASSWORD,
    )
    case = make_case(tree.street_a, status="in_progress")
    referral = Referral.objects.create(
        case=case,
        agency=legal_aid,
        request="咨询",
        consent_purpose=legal_aid.consent_purpose,
        org=case.org,
    )
    assert list(Referral.objects.restrict(account, "view")) == [referral]
    svc.agency_member_remove(user=district_officer, member=account.agency_membership)
    account = User.objects.get(pk=account.pk)
    assert account.is_active, "the account stays; only the membership ends"
    assert not Referral.objects.restrict(account, "view").exists()
    with pytest.raises(ValidationError, match="不存在"):
        referral_accept(user=account, referral=referral)


def test_other_district_cannot_remove_members(legal_aid, sysadmin, other_district_officer):
    account = svc.agency_user_create(
        user=sysadmin,
        agency=legal_aid,
        username="fayuan03",
        real_name="郑律",
        password=TEST_PASSWORD,
    )
    with pytest.raises(ValidationError, match="不存在"):
        svc.agency_member_remove(user=other_district_officer, member=account.agency_membership)
    assert AgencyMember.objects.filter(user=account).exists()


def test_agency_names_are_unique_per_unit_only(tree, district_officer, other_district_officer):
    svc.agency_create(user=district_officer, org=tree.district_a, name="妇幼保健院", kind="health")
    other = svc.agency_create(
        user=other_district_officer, org=tree.district_b, name="妇幼保健院", kind="health"
    )
    assert Agency.objects.filter(name="妇幼保健院").count() == 2
    assert other.org == tree.district_b
