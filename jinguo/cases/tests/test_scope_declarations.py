"""What the cases models declare to restrict(): a referral's audience (its agency's members)
and an intake submission's owner (the account that sent it)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jinguo.cases.models import Agency, AgencyMember, IntakeSubmission, Referral
from jinguo.cases.services.agencies import agency_member_remove
from jinguo.cases.tests.factories import make_case
from jinguo.core.scoping import may, permitted_actions
from jinguo.core.sharing import share_grant
from jinguo.testing.factories import UserFactory, grant, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_aid(tree):
    return Agency.objects.create(org=tree.district_a, name="和平区法律援助中心", kind="legal_aid")


@pytest.fixture
def police(tree):
    return Agency.objects.create(org=tree.district_a, name="和平区公安分局", kind="police")


def member_of(agency, username):
    user = user_with_role(agency.org, "partner", username=username)
    AgencyMember.objects.create(agency=agency, user=user)
    return user


def refer(case, agency):
    return Referral.objects.create(
        case=case,
        agency=agency,
        request="请协助",
        consent_purpose=agency.consent_purpose,
        org=case.org,
        is_sensitive=case.is_sensitive,
        due_at=timezone.now() + timedelta(days=5),
    )


def visible(user, action="view") -> set[int]:
    return set(Referral.objects.restrict(user, action).values_list("pk", flat=True))


# --- the partner audience -------------------------------------------------------------------


def test_a_member_sees_only_her_agency_s_referrals(tree, legal_aid, police):
    case = make_case(tree.street_a)
    ours, theirs = refer(case, legal_aid), refer(case, police)
    lawyer = member_of(legal_aid, "lawyer")
    assert visible(lawyer) == {ours.pk}
    assert visible(lawyer, "respond") == {ours.pk}
    assert permitted_actions(lawyer, ours, ("view", "respond", "change")) == {"view", "respond"}
    assert not may(lawyer, "view", theirs)


def test_a_member_gets_nothing_by_subtree_whatever_her_roles(tree, legal_aid, police):
    case = make_case(tree.street_a)
    theirs = refer(case, police)
    lawyer = member_of(legal_aid, "lawyer")
    # Homed at the district that referred it, and holding the federation's permissions.
    grant(lawyer, "cases.view_referral", "cases.change_referral", "core.view_sensitive")
    assert lawyer.home_path == tree.district_a.path
    assert not may(lawyer, "view", theirs)
    assert visible(lawyer) == visible(lawyer, "change") == set()


def test_only_members_respond_whatever_a_role_or_a_share_says(tree, legal_aid, district_officer):
    referral = refer(make_case(tree.street_a), legal_aid)
    grant(district_officer, "cases.respond_referral")
    share_grant(
        obj=referral,
        user=district_officer,
        actions=("respond",),
        reason="代为答复",
        granted_by=district_officer,
    )
    assert may(district_officer, "view", referral)  # her subtree referred it
    assert not may(district_officer, "respond", referral)


def test_ending_a_membership_ends_the_access_of_the_same_user_object(
    tree, legal_aid, district_officer
):
    referral = refer(make_case(tree.street_a), legal_aid)
    lawyer = member_of(legal_aid, "lawyer")
    assert visible(lawyer) == {referral.pk}
    agency_member_remove(user=district_officer, member=lawyer.agency_membership)
    assert visible(lawyer) == set()


# --- the owner of an intake submission ------------------------------------------------------


def submit(user, reference):
    return IntakeSubmission.objects.create(
        submitted_by=user, client_reference=reference, payload="{}"
    )


def test_a_submission_is_seen_by_its_account_only_and_only_to_view(tree):
    platform = user_with_role(tree.city, "hotline_operator", username="platform-a")
    other = user_with_role(tree.city, "hotline_operator", username="platform-b")
    mine, theirs = submit(platform, "A-1"), submit(other, "B-1")
    assert set(IntakeSubmission.objects.restrict(platform)) == {mine}
    assert not IntakeSubmission.objects.restrict(platform, "change").exists()
    assert not may(platform, "view", theirs)


def test_a_submission_has_no_subtree_to_be_seen_in(tree):
    platform = user_with_role(tree.district_a, "hotline_operator", username="platform-a")
    submission = submit(platform, "A-1")
    leader = UserFactory(home_unit=tree.city)
    grant(leader, "cases.view_intakesubmission")
    assert not IntakeSubmission.objects.restrict(leader).filter(pk=submission.pk).exists()
