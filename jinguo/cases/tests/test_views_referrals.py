"""Referral pages: the federation's list and the agency's inbox, the referral page both sides
act on, the consent-gated referral form, and the printable urge notice."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.choices import PartyRole, ReferralStatus
from jinguo.cases.models import Agency, AgencyMember, Referral
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.people.services.consents import consent_record
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

S = ReferralStatus


@pytest.fixture
def legal_aid(tree):
    return Agency.objects.create(org=tree.district_a, name="和平区法律援助中心", kind="legal_aid")


@pytest.fixture
def police(tree):
    return Agency.objects.create(org=tree.district_a, name="和平区公安分局", kind="police")


def member_of(agency, username):
    user = user_with_role(agency.org, "partner", username=username, real_name="机构用户")
    AgencyMember.objects.create(agency=agency, user=user)
    return user


@pytest.fixture
def lawyer(legal_aid):
    return member_of(legal_aid, "lawyer")


@pytest.fixture
def officer_b(tree):
    return user_with_role(tree.street_b, "rights_officer", username="officer_mingde")


@pytest.fixture
def victim(tree):
    return PersonFactory(
        org=tree.street_a, name="王秀英", phone="13812348000", id_number="", birth_date=None
    )


@pytest.fixture
def dv_case(tree, victim, district_officer):
    return make_case(
        tree.street_a,
        category="family-violence",
        status="in_progress",
        assigned_to=district_officer,
        summary="丈夫酒后殴打",
        narrative="王秀英称丈夫多次殴打，住在幸福路 8 号",
        parties=[(victim, PartyRole.VICTIM)],
    )


def make_referral(case, agency, status=S.SENT, share_identity=True, **kw):
    kw.setdefault("due_at", timezone.now() + timedelta(days=5))
    return Referral.objects.create(
        case=case,
        agency=agency,
        request="请为当事人提供法律援助，协助申请人身安全保护令",
        status=status,
        consent_purpose=agency.consent_purpose,
        share_identity=share_identity,
        org=case.org,
        is_sensitive=case.is_sensitive,
        **kw,
    )


def overdue(referral):
    referral.due_at = timezone.now() - timedelta(days=3)
    referral.sent_at = timezone.now() - timedelta(days=10)
    referral.save(update_fields=["due_at", "sent_at"])
    return referral


# --- list and inbox -------------------------------------------------------------------------


def test_federation_list_shows_referrals_in_scope_with_overdue_in_red(
    login, tree, district_officer, officer_b, legal_aid, dv_case
):
    late = overdue(make_referral(dv_case, legal_aid))
    other = make_referral(make_case(tree.street_b), legal_aid)
    page = login(district_officer).get(reverse("cases:referral_list")).content.decode()
    assert dv_case.number in page and other.case.number not in page
    assert "text-danger" in page and "已超期" in page
    assert reverse("cases:referral_detail", args=[late.pk]) in page


def test_federation_list_filters_by_overdue_and_kind(
    login, tree, district_officer, legal_aid, police, dv_case
):
    overdue(make_referral(dv_case, legal_aid))
    on_time = make_referral(make_case(tree.street_a), police)
    client = login(district_officer)
    page = client.get(reverse("cases:referral_list"), {"overdue": "on"}).content.decode()
    assert dv_case.number in page and on_time.case.number not in page
    page = client.get(reverse("cases:referral_list"), {"agency_kind": "police"}).content.decode()
    assert on_time.case.number in page and dv_case.number not in page


def test_agency_inbox_lists_only_her_agencys_referrals(login, tree, lawyer, legal_aid, police):
    mine = make_referral(make_case(tree.street_a, summary="离婚财产"), legal_aid)
    theirs = make_referral(make_case(tree.street_a), police)
    r = login(lawyer).get(reverse("cases:referral_list"))
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-testid="agency-inbox"' in page and "和平区法律援助中心" in page
    assert mine.case.number in page and theirs.case.number not in page


def test_the_agency_user_has_the_inbox_in_her_menu_and_nothing_of_the_cases(login, lawyer):
    page = login(lawyer).get(reverse("core:home")).content.decode()
    assert reverse("cases:referral_list") in page
    assert f'href="{reverse("cases:case_list")}"' not in page
    assert f'href="{reverse("cases:mediation_list")}"' not in page


def test_user_without_referral_permission_gets_no_list(login, nobody):
    assert login(nobody).get(reverse("cases:referral_list")).status_code == 403


# --- the referral page ----------------------------------------------------------------------


def test_agency_user_sees_identity_only_when_shared(login, lawyer, legal_aid, dv_case):
    client = login(lawyer)
    shared = make_referral(dv_case, legal_aid)
    page = client.get(reverse("cases:referral_detail", args=[shared.pk])).content.decode()
    assert "王秀英" in page and "13812348000" in page and "幸福路" in page
    assert AuditEvent.objects.filter(
        action="open", object_type="cases.referral", object_id=str(shared.pk)
    ).exists()

    shared.status = S.CLOSED
    shared.save(update_fields=["status"])
    withheld = make_referral(dv_case, legal_aid, share_identity=False)
    page = client.get(reverse("cases:referral_detail", args=[withheld.pk])).content.decode()
    assert "当事人身份未提供" in page
    assert "王秀英" not in page and "13812348000" not in page and "幸福路" not in page
    assert "丈夫酒后殴打" in page and "家庭暴力" in page


def test_federation_user_sees_people_masked_and_her_buttons(
    login, district_officer, legal_aid, dv_case
):
    referral = overdue(make_referral(dv_case, legal_aid))
    page = login(district_officer).get(referral.get_absolute_url()).content.decode()
    assert "王**" in page and "138****8000" in page and "13812348000" not in page
    assert 'data-testid="action-withdraw"' in page and 'data-testid="action-urge"' in page
    assert 'data-testid="action-accept"' not in page
    assert reverse("cases:referral_urge_notice", args=[referral.pk]) in page


def test_agency_user_accepts_reports_twice_and_closes(login, lawyer, legal_aid, dv_case):
    referral = make_referral(dv_case, legal_aid)
    client = login(lawyer)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert 'data-testid="action-accept"' in page and 'data-testid="action-decline"' in page
    assert 'data-testid="action-withdraw"' not in page and 'data-testid="action-urge"' not in page

    act = lambda action, **data: client.post(  # noqa: E731
        reverse("cases:referral_action", args=[referral.pk, action]), data
    )
    assert act("accept", text="已指派律师跟进").status_code == 302
    assert act("report", text="已受理法律援助申请").status_code == 302
    assert act("report", text="已向法院递交保护令申请").status_code == 302
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "已受理法律援助申请" in page and "已向法院递交保护令申请" in page
    assert act("close", text="").status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.CLOSED


def test_decline_without_reason_keeps_the_page_and_says_why(login, lawyer, legal_aid, dv_case):
    referral = make_referral(dv_case, legal_aid)
    r = login(lawyer).post(
        reverse("cases:referral_action", args=[referral.pk, "decline"]), {"text": "  "}
    )
    assert r.status_code == 400
    assert "请填写退回理由" in r.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_agency_user_cannot_act_for_the_federation(login, lawyer, legal_aid, dv_case):
    referral = overdue(make_referral(dv_case, legal_aid))
    r = login(lawyer).post(reverse("cases:referral_action", args=[referral.pk, "urge"]))
    assert r.status_code == 302
    referral.refresh_from_db()
    assert referral.urge_count == 0


def test_federation_urges_an_overdue_referral(login, district_officer, legal_aid, dv_case):
    referral = overdue(make_referral(dv_case, legal_aid))
    r = login(district_officer).post(reverse("cases:referral_action", args=[referral.pk, "urge"]))
    assert r.status_code == 302
    referral.refresh_from_db()
    assert referral.urge_count == 1


def test_agency_user_gets_404_for_the_case_other_agencies_and_mediations(
    login, tree, lawyer, legal_aid, police, dv_case
):
    make_referral(dv_case, legal_aid)
    foreign = make_referral(make_case(tree.street_a), police)
    client = login(lawyer)
    assert client.get(reverse("cases:case_detail", args=[dv_case.pk])).status_code == 404
    assert client.get(reverse("cases:referral_detail", args=[foreign.pk])).status_code == 404
    assert (
        client.post(reverse("cases:referral_action", args=[foreign.pk, "accept"])).status_code
        == 404
    )
    assert client.get(reverse("cases:referral_create", args=[dv_case.pk])).status_code == 404


def test_community_user_elsewhere_gets_404(login, tree, legal_aid, dv_case):
    chair_b = user_with_role(tree.community_b, "community_chair", username="chair_b")
    referral = make_referral(dv_case, legal_aid)
    client = login(chair_b)
    assert client.get(referral.get_absolute_url()).status_code == 404
    assert client.get(reverse("cases:referral_create", args=[dv_case.pk])).status_code == 404


# --- the referral form ----------------------------------------------------------------------


def test_referral_form_groups_agencies_by_kind(login, district_officer, legal_aid, police, dv_case):
    page = login(district_officer).get(reverse("cases:referral_create", args=[dv_case.pk]))
    html = page.content.decode()
    assert '<optgroup label="司法行政/法律援助">' in html and '<optgroup label="公安机关">' in html


def test_consent_refusal_keeps_what_was_typed_and_links_to_consents(
    login, district_officer, legal_aid, victim, dv_case
):
    client = login(district_officer)
    url = reverse("cases:referral_create", args=[dv_case.pk])
    typed = "请协助申请人身安全保护令并代理诉讼"
    r = client.post(url, {"agency": legal_aid.pk, "request": typed, "share_identity": "on"})
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-testid="consent-refused"' in page and "单独同意" in page
    assert typed in page
    assert reverse("people:person_detail", args=[victim.pk]) + "#consents" in page
    assert not Referral.objects.exists()


def test_referral_with_consent_is_sent(login, district_officer, legal_aid, victim, dv_case):
    consent_record(
        user=district_officer,
        person=victim,
        purpose="share_legal_aid",
        method="written",
        given_on=timezone.localdate(),
    )
    r = login(district_officer).post(
        reverse("cases:referral_create", args=[dv_case.pk]),
        {"agency": legal_aid.pk, "request": "请提供法律援助", "share_identity": "on"},
    )
    referral = Referral.objects.get()
    assert r.status_code == 302 and r.url == referral.get_absolute_url()
    assert referral.share_identity and referral.agency == legal_aid


def test_referral_without_identity_needs_no_consent(login, district_officer, legal_aid, dv_case):
    r = login(district_officer).post(
        reverse("cases:referral_create", args=[dv_case.pk]),
        {"agency": legal_aid.pk, "request": "请提供法律咨询"},
    )
    assert r.status_code == 302
    assert Referral.objects.get().share_identity is False


# --- the urge notice ------------------------------------------------------------------------


def test_urge_notice_renders_only_when_overdue(login, district_officer, legal_aid, dv_case):
    referral = make_referral(dv_case, legal_aid, share_identity=False)
    client = login(district_officer)
    url = reverse("cases:referral_urge_notice", args=[referral.pk])
    assert client.get(url).status_code == 404
    overdue(referral)
    r = client.get(url)
    assert r.status_code == 200
    page = r.content.decode()
    assert "督促处理意见" in page and "和平区法律援助中心" in page
    assert "已超期 3 日" in page and "春晖街道妇联" in page
    assert "王秀英" not in page and "base.html" not in page and "navbar" not in page
    assert "@page" in page and "A4" in page


def test_agency_user_cannot_print_the_urge_notice(login, lawyer, legal_aid, dv_case):
    referral = overdue(make_referral(dv_case, legal_aid))
    url = reverse("cases:referral_urge_notice", args=[referral.pk])
    assert login(lawyer).get(url).status_code == 404
