"""Mediation pages: the scoped list, the session form, the session page and the printable
mediation agreement with masked names."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Agency, AgencyMember, Mediation
from jinguo.cases.services.mediation import mediation_create
from jinguo.cases.tests.factories import make_case
from jinguo.core.masking import party_lines
from jinguo.core.models import AuditEvent
from jinguo.testing.factories import grant, user_with_role

pytestmark = pytest.mark.django_db

PARTIES = "申请人：张丽\n被申请人：王强"


@pytest.fixture
def case(tree, community_chair):
    return make_case(tree.community_a, status="in_progress", assigned_to=community_chair)


@pytest.fixture
def mediation(case, community_chair):
    return mediation_create(
        user=community_chair,
        case=case,
        held_at=timezone.now(),
        mode="federation",
        parties=PARTIES,
        mediators="李芳、赵调解",
        outcome="agreed",
        statements="双方就抚养费有争议",
        agreement="王强每月支付抚养费1500元\n双方互不干涉对方生活",
    )


def test_party_lines_mask_names_but_keep_labels():
    assert party_lines(PARTIES, reveal=False) == ["申请人：张**", "被申请人：王**"]
    assert party_lines("张丽、王强", reveal=False) == ["张**、王**"]
    assert party_lines(PARTIES, reveal=True) == ["申请人：张丽", "被申请人：王强"]


def test_chair_records_a_mediation_from_the_case(login, case, community_chair):
    client = login(community_chair)
    url = reverse("cases:mediation_create", args=[case.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "mode": "federation",
            "place": "芳草社区妇女之家",
            "parties": PARTIES,
            "mediators": "李芳",
            "outcome": "continue",
        },
    )
    mediation = Mediation.objects.get()
    assert r.status_code == 302 and r.url == reverse("cases:mediation_detail", args=[mediation.pk])
    assert mediation.place == "芳草社区妇女之家"


def test_agreed_without_terms_keeps_the_form(login, case, community_chair):
    r = login(community_chair).post(
        reverse("cases:mediation_create", args=[case.pk]),
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "mode": "federation",
            "parties": PARTIES,
            "mediators": "李芳",
            "outcome": "agreed",
            "statements": "双方陈述了各自的意见",
        },
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "请填写协议内容" in page and "双方陈述了各自的意见" in page
    assert not Mediation.objects.exists()


def test_edit_changes_the_outcome(login, mediation, community_chair):
    client = login(community_chair)
    url = reverse("cases:mediation_update", args=[mediation.pk])
    assert "双方就抚养费有争议" in client.get(url).content.decode()
    r = client.post(
        url,
        {
            "held_at": timezone.localtime(mediation.held_at).strftime("%Y-%m-%dT%H:%M"),
            "mode": "administrative",
            "parties": PARTIES,
            "mediators": "李芳",
            "outcome": "failed",
        },
    )
    assert r.status_code == 302
    mediation.refresh_from_db()
    assert mediation.outcome == "failed" and mediation.mode == "administrative"


def test_list_and_detail_are_scoped(login, tree, mediation, community_chair):
    client = login(community_chair)
    page = client.get(reverse("cases:mediation_list")).content.decode()
    assert mediation.case.number in page
    chair_b = user_with_role(tree.community_b, "community_chair", username="chair_b")
    other = login(chair_b)
    assert mediation.case.number not in other.get(reverse("cases:mediation_list")).content.decode()
    assert other.get(reverse("cases:mediation_detail", args=[mediation.pk])).status_code == 404
    assert other.get(reverse("cases:mediation_agreement", args=[mediation.pk])).status_code == 404
    assert other.get(reverse("cases:mediation_update", args=[mediation.pk])).status_code == 404
    url = reverse("cases:mediation_create", args=[mediation.case_id])
    assert other.get(url).status_code == 404


def test_agency_user_cannot_see_mediations(login, tree, mediation):
    agency = Agency.objects.create(org=tree.district_a, name="和平区法律援助中心", kind="legal_aid")
    lawyer = user_with_role(agency.org, "partner", username="lawyer")
    AgencyMember.objects.create(agency=agency, user=lawyer)
    client = login(lawyer)
    assert client.get(reverse("cases:mediation_detail", args=[mediation.pk])).status_code == 404
    assert client.get(reverse("cases:mediation_agreement", args=[mediation.pk])).status_code == 404
    assert client.get(reverse("cases:mediation_list")).status_code == 403


def test_agreement_masks_parties_without_reveal_permission(login, tree, mediation):
    leader = user_with_role(tree.district_a, "leader", username="leader_heping")
    client = login(leader)
    page = client.get(reverse("cases:mediation_agreement", args=[mediation.pk])).content.decode()
    assert "调解协议书" in page and "申请人：张**" in page and "张丽" not in page
    assert "王强每月支付抚养费1500元" in page and "芳草社区妇联" in page
    assert "当事人（签字）" in page and "调解员（签名）：李芳" in page
    assert "@page" in page and "navbar" not in page


def test_agreement_shows_names_to_whoever_may_reveal_and_logs_it(login, mediation, community_chair):
    page = login(community_chair).get(reverse("cases:mediation_agreement", args=[mediation.pk]))
    assert "申请人：张丽" in page.content.decode()
    event = AuditEvent.objects.get(object_type="cases.mediation", action="open")
    assert event.detail["names_shown"] is True


def test_no_agreement_no_print(login, case, community_chair):
    m = mediation_create(
        user=community_chair,
        case=case,
        held_at=timezone.now(),
        mode="federation",
        parties=PARTIES,
        mediators="李芳",
        outcome="failed",
    )
    client = login(community_chair)
    assert client.get(reverse("cases:mediation_agreement", args=[m.pk])).status_code == 404
    page = client.get(reverse("cases:mediation_detail", args=[m.pk])).content.decode()
    assert 'data-testid="agreement-link"' not in page


def test_viewer_without_change_permission_sees_no_edit_button(login, tree, mediation):
    viewer = user_with_role(tree.street_a, "grid_worker", username="viewer")
    grant(viewer, "cases.view_mediation", "cases.view_case")
    page = login(viewer).get(reverse("cases:mediation_detail", args=[mediation.pk]))
    assert page.status_code == 200
    assert reverse("cases:mediation_update", args=[mediation.pk]) not in page.content.decode()
    assert "申请人：张**" in page.content.decode()
