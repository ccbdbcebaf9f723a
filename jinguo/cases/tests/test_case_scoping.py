"""Who sees and touches which case: subtree, sensitivity, shares, and partner agencies."""

import pytest
from django.core.exceptions import ValidationError

from jinguo.cases import choices
from jinguo.cases.choices import Status
from jinguo.cases.models import Agency, AgencyMember, Case, Referral
from jinguo.cases.selectors import QUEUES, cases_by_phone, queue_cases, visible_cases
from jinguo.cases.services.common import locked_case
from jinguo.cases.services.intake import case_create
from jinguo.cases.services.workflow import case_accept, case_assign, case_transfer
from jinguo.cases.tests.factories import category, make_case
from jinguo.testing.factories import UserFactory, grant, user_with_role

ACTIONS = ("view", "change", "dispatch", "close", "approve")


@pytest.fixture
def chair_b(tree):
    """The chair of 桃李社区妇联 (the other branch)."""
    return user_with_role(tree.community_b, "community_chair", username="chair_taoli")


def test_a_community_never_sees_another_communitys_case(tree, community_chair, chair_b):
    theirs = make_case(tree.community_b, caller_phone="13700001111")
    from jinguo.people.services.derived import phone_index

    Case.objects.filter(pk=theirs.pk).update(caller_phone_index=phone_index("13700001111"))
    for name in QUEUES:
        assert theirs not in queue_cases(community_chair, name)
    assert not cases_by_phone(community_chair, "13700001111").exists()
    for action in ACTIONS:
        assert not Case.objects.restrict(community_chair, action).filter(pk=theirs.pk).exists()
    with pytest.raises(ValidationError):
        locked_case(community_chair, theirs, "view")
    assert theirs in queue_cases(chair_b, "all")


def test_a_sibling_community_of_the_same_street_is_out_of_scope(tree, community_chair):
    sibling = make_case(tree.community_a2)
    assert not visible_cases(community_chair).filter(pk=sibling.pk).exists()


def test_sensitive_cases_need_view_sensitive(tree, community_chair, district_officer):
    dv = make_case(tree.community_a, category="family-violence")
    plain = make_case(tree.community_a)
    # The chair's role has no view_sensitive: the DV case is hidden from every list and action.
    assert set(visible_cases(community_chair)) == {plain}
    with pytest.raises(ValidationError):
        case_accept(user=community_chair, case=dv)
    assert dv in visible_cases(district_officer)
    grant(community_chair, "core.view_sensitive")
    assert dv in visible_cases(community_chair)


def test_the_creator_keeps_seeing_her_report_after_it_moves(tree, district_officer):
    grid = user_with_role(tree.grid_a, "grid_worker", username="grid_share")
    case = case_create(
        user=grid,
        channel="grid",
        summary="邻里反映家暴",
        category=category("family-violence"),
        gbv_type="physical",
    )
    # Sensitive, and she has no view_sensitive: the creator share shows it to her.
    assert case.is_sensitive and case in visible_cases(grid)
    case_transfer(user=district_officer, case=case, unit=tree.district_b, note="户籍在新华区")
    assert case in visible_cases(grid)
    # View only: she cannot change it.
    assert not visible_cases(grid, "change").filter(pk=case.pk).exists()


def test_the_assignee_share_shows_a_sensitive_case(tree, district_officer, community_chair):
    case = make_case(tree.community_a, category="family-violence", status=Status.ACCEPTED)
    assert case not in visible_cases(community_chair)
    case_assign(user=district_officer, case=case, worker=community_chair)
    assert case in visible_cases(community_chair)
    assert case in visible_cases(community_chair, "change")
    assert case in queue_cases(community_chair, "mine")


def test_the_unit_a_case_left_keeps_a_view_share(tree, district_officer, other_district_officer):
    case = make_case(tree.district_a, status=Status.ACCEPTED)
    case_transfer(user=district_officer, case=case, unit=tree.district_b, note="转新华区")
    colleague = user_with_role(tree.district_a, "rights_officer", username="heping2")
    assert case in visible_cases(colleague)
    assert not visible_cases(colleague, "dispatch").filter(pk=case.pk).exists()
    # The other district now owns it fully.
    assert case in visible_cases(other_district_officer, "dispatch")
    # A community of the district it left does not inherit the unit share.
    chair = user_with_role(tree.community_a, "community_chair", username="c_left")
    assert case not in visible_cases(chair)


@pytest.fixture
def legal_aid(tree):
    return Agency.objects.create(
        org=tree.district_a, name="和平区法律援助中心", kind=choices.AgencyKind.LEGAL_AID
    )


@pytest.fixture
def police(tree):
    return Agency.objects.create(
        org=tree.district_a, name="和平区公安分局", kind=choices.AgencyKind.POLICE
    )


def member(tree, agency, username):
    user = user_with_role(tree.district_a, "partner", username=username)
    AgencyMember.objects.create(agency=agency, user=user)
    return user


def refer(case, agency, user):
    return Referral.objects.create(
        org=case.org,
        case=case,
        agency=agency,
        request="请协助",
        consent_purpose=agency.consent_purpose,
        sent_by=user,
    )


def test_an_agency_user_sees_only_her_agencys_referrals(tree, district_officer, legal_aid, police):
    case = make_case(tree.district_a, category="family-violence")
    ours = refer(case, legal_aid, district_officer)
    theirs = refer(case, police, district_officer)
    lawyer = member(tree, legal_aid, "lawyer")
    assert set(Referral.objects.restrict(lawyer, "view")) == {ours}
    assert set(Referral.objects.restrict(lawyer, "respond")) == {ours}
    assert theirs not in Referral.objects.restrict(lawyer, "view")
    # Nothing by subtree: not the case, not the referral's change action.
    assert not Referral.objects.restrict(lawyer, "change").exists()
    assert not visible_cases(lawyer).exists()
    # Even holding case permissions through a role, membership wins.
    grant(lawyer, "cases.view_referral", "cases.view_case")
    assert set(Referral.objects.restrict(lawyer, "view")) == {ours}


def test_a_non_member_cannot_respond_even_with_the_permission(tree, district_officer, legal_aid):
    case = make_case(tree.district_a)
    referral = refer(case, legal_aid, district_officer)
    outsider = UserFactory(home_unit=tree.district_a)
    grant(outsider, "cases.respond_referral", "cases.view_referral")
    assert not Referral.objects.restrict(outsider, "respond").exists()
    assert referral in Referral.objects.restrict(outsider, "view")
    # The referring officer sees it in her subtree but cannot answer for the agency.
    assert referral in Referral.objects.restrict(district_officer, "view")
    assert not Referral.objects.restrict(district_officer, "respond").exists()


def test_an_inactive_user_sees_nothing(tree, district_officer):
    make_case(tree.district_a)
    district_officer.is_active = False
    assert not visible_cases(district_officer).exists()


def test_agency_and_admin_accounts_of_the_unit_a_case_left_do_not_inherit_its_share(
    tree, district_officer, legal_aid
):
    case = make_case(tree.district_a, category="family-violence", status=Status.ACCEPTED)
    case_transfer(user=district_officer, case=case, unit=tree.district_b, note="转新华区")
    agency_user = member(tree, legal_aid, "la_left")
    admin = user_with_role(tree.district_a, "sysadmin", username="admin_left")
    assert not Case.objects.restrict(agency_user, "view").filter(pk=case.pk).exists()
    assert not Case.objects.restrict(admin, "view").filter(pk=case.pk).exists()
