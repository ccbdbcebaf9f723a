"""Cases API: scoping (404 outside), masking, workflow actions, referrals, categories."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.cases.choices import PartyRole, ReferralStatus, Status
from jinguo.cases.models import Agency, AgencyMember, Case, Referral
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

ID_NUMBER = "110105198503010028"
PHONE = "13800138000"
CALLER = "13912345678"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def rows(response) -> list[dict]:
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def case_url(case, action: str = "") -> str:
    return f"/api/cases/cases/{case.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def chair_b(tree):
    """The chair of 桃李社区妇联 (the other branch)."""
    return user_with_role(tree.community_b, "community_chair", username="chair_taoli")


@pytest.fixture
def victim(tree):
    return PersonFactory(
        org=tree.community_a, name="王秀英", phone=PHONE, id_type="resident", id_number=ID_NUMBER
    )


@pytest.fixture
def case_a(tree, victim):
    return make_case(
        tree.community_a,
        complainant=victim,
        caller_phone=CALLER,
        narrative="她说丈夫经常打她。",
        parties=[(victim, PartyRole.VICTIM)],
    )


# --- scoping ---------------------------------------------------------------------------------


def test_a_community_user_sees_only_her_branch(tree, community_chair, chair_b, case_a):
    case_b = make_case(tree.community_b, summary="桃李社区的诉求")
    mine = api_for(community_chair).get("/api/cases/cases/")
    assert mine.status_code == 200
    assert [r["id"] for r in rows(mine)] == [case_a.pk]
    theirs = api_for(chair_b).get("/api/cases/cases/")
    assert [r["id"] for r in rows(theirs)] == [case_b.pk]


def test_another_branch_gets_404_for_detail_and_actions(chair_b, case_a):
    client = api_for(chair_b)
    assert client.get(case_url(case_a)).status_code == 404
    r = client.post(case_url(case_a, "accept"), {}, format="json")
    assert r.status_code == 404
    r = client.post(case_url(case_a, "note"), {"note": "看看"}, format="json")
    assert r.status_code == 404
    case_a.refresh_from_db()
    assert case_a.status == Status.REGISTERED and case_a.version == 1


def test_sensitive_cases_need_view_sensitive(tree, community_chair, district_officer):
    dv = make_case(tree.community_a, category="family-violence")
    assert dv.is_sensitive
    # The community chair's role lacks view_sensitive: the case does not exist for her.
    assert api_for(community_chair).get(case_url(dv)).status_code == 404
    assert dv.pk not in [r["id"] for r in rows(api_for(community_chair).get("/api/cases/cases/"))]
    assert api_for(district_officer).get(case_url(dv)).status_code == 200


def test_list_uses_the_ui_filterset_and_ordering(tree, district_officer):
    soon = make_case(tree.street_a, status="in_progress", summary="甲")
    late = make_case(tree.street_a, status="in_progress", summary="乙")
    make_case(tree.street_a, status="closed", summary="丙")
    Case.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(days=1))
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() + timedelta(days=9))
    client = api_for(district_officer)
    r = client.get("/api/cases/cases/", {"status": "in_progress", "ordering": "-due_at"})
    assert [x["id"] for x in rows(r)] == [late.pk, soon.pk]
    r = client.get("/api/cases/cases/", {"status": "in_progress", "ordering": "due_at"})
    assert [x["id"] for x in rows(r)] == [soon.pk, late.pk]
    r = client.get("/api/cases/cases/", {"status": "nonsense"})
    assert r.status_code == 400


# --- masking -----------------------------------------------------------------------------


def test_api_list_row_matches_the_declared_fields(tree, district_officer, victim):
    """The list's hand-built row and DRF's walk over the declared (documented) fields give
    the same keys and values, for every shape a row takes."""
    from rest_framework import serializers as drf

    from jinguo.cases.api.serializers import CaseListSerializer

    first = make_case(tree.community_a, complainant=victim, caller_phone=PHONE)
    make_case(
        tree.street_a,
        category="family-violence",
        status="assigned",
        assigned_to=district_officer,
        due_at=timezone.now() + timedelta(days=3),
        due_state="soon",
        is_repeat=True,
        repeat_of=first,
        client_reference="REF-1",
        anonymous=True,
        involves_minor=True,
        urgency="urgent",
    )
    from jinguo.cases.models import Category

    make_case(tree.community_a, category=Category.objects.filter(parent__isnull=True).first())
    cases = Case.objects.select_related("category", "subcategory", "org", "assigned_to")
    assert cases.count() == 3
    assert {c.assigned_to_id is None for c in cases} == {True, False}
    assert {c.subcategory_id is None for c in cases} == {True, False}
    serializer = CaseListSerializer(context={})
    for case in cases:
        fast = serializer.to_representation(case)
        generic = drf.ModelSerializer.to_representation(serializer, case)
        assert fast == dict(generic)
        assert list(fast) == list(generic)
    api = APIClient()
    api.force_authenticate(district_officer)
    rows = api.get("/api/cases/cases/").json()["results"]
    assert {row["number"] for row in rows} == {c.number for c in cases}


def test_no_response_carries_a_plain_phone_or_id(district_officer, case_a, victim):
    client = api_for(district_officer)
    responses = [
        client.get("/api/cases/cases/"),
        client.get(case_url(case_a)),
        client.post(case_url(case_a, "accept"), {}, format="json"),
    ]
    for r in responses:
        assert r.status_code == 200
        text = r.content.decode()
        for secret in (PHONE, CALLER, ID_NUMBER, victim.name):
            assert secret not in text
    detail = responses[1].json()
    assert detail["masked_caller_phone"] == "139****5678"
    assert detail["complainant"] == {
        "id": victim.pk,
        "masked_name": "王**",
        "gender": victim.gender,
        "masked_phone": "138****8000",
        "masked_id_number": "110105********0028",
    }
    assert detail["parties"][0]["person"]["masked_name"] == "王**"


def test_the_narrative_is_in_the_detail_only_and_reading_it_is_logged(
    tree, district_officer, case_a
):
    client = api_for(district_officer)
    listed = rows(client.get("/api/cases/cases/"))[0]
    assert "narrative" not in listed and "events" not in listed
    r = client.get(case_url(case_a))
    assert r.json()["narrative"] == "她说丈夫经常打她。"
    # Logged by the rule of the case page (cases.selectors.case_open): a sensitive case's
    # opening, through either door.
    assert not AuditEvent.objects.filter(kind="access", object_id=str(case_a.pk)).exists()
    violence = make_case(tree.community_a, category="family-violence", narrative="他打了她。")
    assert client.get(case_url(violence)).json()["narrative"] == "他打了她。"
    assert AuditEvent.objects.filter(
        kind="access", action="open", object_id=str(violence.pk), user_id=district_officer.pk
    ).exists()


# --- workflow actions ----------------------------------------------------------------------


def test_a_case_through_its_life_by_api(tree, district_officer, case_a):
    client = api_for(district_officer)
    worker = user_with_role(tree.community_a, "community_chair", username="w1", real_name="周办")

    r = client.post(case_url(case_a, "accept"), {"version": 1, "note": "受理"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "accepted" and r.json()["version"] == 2
    assert r.json()["status_display"] == "已受理" and r.json()["channel_display"] == "12338热线"
    r = client.post(case_url(case_a, "assign"), {"worker": worker.pk}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["assigned_to"] == worker.pk

    as_worker = api_for(worker)
    r = as_worker.post(case_url(case_a, "start"), {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = as_worker.post(case_url(case_a, "note"), {"note": "已电话联系当事人"}, format="json")
    assert r.status_code == 200
    r = as_worker.post(
        case_url(case_a, "resolve"),
        {"outcome": "mediated", "outcome_note": "双方达成协议"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    r = client.post(
        case_url(case_a, "follow-up"),
        {"satisfaction": "satisfied", "result": "closed", "note": "回访满意"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "closed"
    assert {"accepted", "assigned", "started", "note", "resolved"} <= {
        e["kind"] for e in body["events"]
    }


def test_a_forbidden_transition_is_a_chinese_400(district_officer, case_a):
    client = api_for(district_officer)
    r = client.post(case_url(case_a, "start"), {}, format="json")
    assert r.status_code == 400
    message = str(r.json())
    assert "待受理" in message or "不能" in message
    case_a.refresh_from_db()
    assert case_a.status == Status.REGISTERED


def test_missing_reason_is_a_chinese_400(district_officer, case_a):
    r = api_for(district_officer).post(case_url(case_a, "decline"), {}, format="json")
    assert r.status_code == 400
    assert r.json()["reason"] == ["该字段是必填项。"]


def test_a_stale_version_is_a_409(district_officer, case_a):
    client = api_for(district_officer)
    assert client.post(case_url(case_a, "accept"), {"version": 1}, format="json").status_code == 200
    r = client.post(case_url(case_a, "decline"), {"version": 1, "reason": "重复"}, format="json")
    assert r.status_code == 409
    assert "已被其他人修改" in r.json()["detail"]
    assert r.json()["version"] == 2
    # Actions whose service takes no version are checked before the call.
    r = client.post(case_url(case_a, "note"), {"version": 1, "note": "补充"}, format="json")
    assert r.status_code == 409
    case_a.refresh_from_db()
    assert case_a.status == Status.ACCEPTED


def test_pass_down_escalate_and_transfer(tree, district_officer):
    case = make_case(tree.district_a, status="accepted")
    client = api_for(district_officer)
    r = client.post(
        case_url(case, "pass-down"), {"unit": tree.street_a.pk, "note": "请街道办理"}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert r.json()["org"] == tree.street_a.pk
    r = client.post(case_url(case, "escalate"), {"note": "需区妇联协调"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["org"] == tree.district_a.pk
    r = client.post(
        case_url(case, "pass-down"), {"unit": tree.street_b.pk, "note": "x"}, format="json"
    )
    assert r.status_code == 400 and "unit" in r.json()
    r = client.post(case_url(case, "transfer"), {"unit": tree.district_b.pk}, format="json")
    assert r.status_code == 400 and r.json()["note"] == ["该字段是必填项。"]
    r = client.post(
        case_url(case, "transfer"),
        {"unit": tree.district_b.pk, "note": "属新华区管辖"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    case.refresh_from_db()
    assert case.org == tree.district_b


def test_assigning_a_worker_of_another_branch_is_refused(district_officer, other_district_officer):
    case = make_case(district_officer.home_unit, status="accepted")
    r = api_for(district_officer).post(
        case_url(case, "assign"), {"worker": other_district_officer.pk}, format="json"
    )
    assert r.status_code == 400 and "worker" in r.json()


def test_detail_lists_the_callers_allowed_actions(district_officer, case_a):
    actions = api_for(district_officer).get(case_url(case_a)).json()["allowed_actions"]
    assert "accept" in actions and "resolve" not in actions


# --- referrals -----------------------------------------------------------------------------


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
        request="请提供法律援助",
        consent_purpose=agency.consent_purpose,
        org=case.org,
        is_sensitive=case.is_sensitive,
        due_at=timezone.now() + timedelta(days=5),
    )


def test_an_agency_user_sees_only_her_agencys_referrals(tree, legal_aid, police, case_a):
    mine = refer(case_a, legal_aid)
    theirs = refer(make_case(tree.community_a), police)
    lawyer = member_of(legal_aid, "lawyer")
    client = api_for(lawyer)
    r = client.get("/api/cases/referrals/")
    assert r.status_code == 200
    assert [x["id"] for x in rows(r)] == [mine.pk]
    assert client.get(f"/api/cases/referrals/{theirs.pk}/").status_code == 404
    # The case itself is not hers: only the referral is.
    assert client.get(case_url(case_a)).status_code == 404
    assert rows(client.get("/api/cases/cases/")) == []
    detail = client.get(f"/api/cases/referrals/{mine.pk}/").json()
    assert detail["request"] == "请提供法律援助"
    assert PHONE not in str(detail) and ID_NUMBER not in str(detail)


def test_an_agency_user_answers_by_api(legal_aid, police, case_a):
    referral = refer(case_a, legal_aid)
    lawyer = member_of(legal_aid, "lawyer")
    client = api_for(lawyer)
    url = f"/api/cases/referrals/{referral.pk}/"
    r = client.post(url + "report/", {"report": "已指派律师"}, format="json")
    assert r.status_code == 400  # must accept first
    r = client.post(url + "accept/", {"note": "接收"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == ReferralStatus.ACCEPTED
    r = client.post(url + "report/", {}, format="json")
    assert r.status_code == 400 and r.json()["report"] == ["该字段是必填项。"]
    r = client.post(url + "report/", {"report": "已指派律师代理离婚诉讼"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == ReferralStatus.REPORTED
    # Another agency's user, and a federation officer, cannot answer for this agency.
    cop = member_of(police, "cop")
    assert api_for(cop).post(url + "close/", {}, format="json").status_code == 404


def test_federation_users_cannot_respond_for_an_agency(district_officer, legal_aid, case_a):
    referral = refer(case_a, legal_aid)
    client = api_for(district_officer)
    assert client.get(f"/api/cases/referrals/{referral.pk}/").status_code == 200
    r = client.post(f"/api/cases/referrals/{referral.pk}/accept/", {}, format="json")
    assert r.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


# --- categories and schema -----------------------------------------------------------------


def test_category_tree_for_client_platforms(tree):
    grid = user_with_role(tree.grid_a, "grid_worker", username="grid1")
    r = api_for(grid).get("/api/cases/categories/")
    assert r.status_code == 200
    family = next(c for c in r.json() if c["code"] == "family")
    assert family["name"] == "婚姻家庭权益"
    violence = next(c for c in family["children"] if c["code"] == "family-violence")
    assert violence["is_violence"] is True


def test_categories_need_a_cases_role(nobody):
    assert api_for(nobody).get("/api/cases/categories/").status_code == 403


def test_schema_documents_the_cases_endpoints(client, district_officer):
    client.force_login(district_officer)
    r = client.get("/api/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for path in (
        "/api/cases/cases/",
        "/api/cases/cases/{id}/accept/",
        "/api/cases/cases/{id}/follow-up/",
        "/api/cases/referrals/{id}/report/",
        "/api/cases/categories/",
    ):
        assert path in text
