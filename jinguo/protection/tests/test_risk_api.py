"""/api/protection/: instruments, assessments and safety plans, scoped and logged as pages."""

import pytest
from rest_framework.test import APIClient

from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import RiskAssessment
from jinguo.testing.factories import user_with_role

from .factories_risk import STRANGULATION, answers, default_instrument, make_assessment, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(user_with_role(tree.district_a, "rights_officer"))
    return client


def test_instruments_are_read_with_items_and_bands(api):
    rows = api.get("/api/protection/instruments/").json()
    rows = rows.get("results", rows)
    assert any(r["code"] == "dash-zh" and r["is_default"] for r in rows)
    detail = api.get(f"/api/protection/instruments/{default_instrument().pk}/").json()
    assert len(detail["items"]) == 24 and len(detail["bands"]) == 3
    assert detail["locally_validated"] is False


def test_instruments_are_not_writable(api):
    assert api.post("/api/protection/instruments/", {}, format="json").status_code == 405


def test_creating_an_assessment_scores_it(tree, api):
    person = PersonFactory(org=tree.community_a)
    r = api.post(
        "/api/protection/assessments/",
        {"person": person.pk, "answers": answers({STRANGULATION})},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["level"] == "high" and body["score"] == "1.00"
    assert body["answers"][str(STRANGULATION)] == "yes"


def test_a_lowering_judgement_is_a_400_in_chinese(tree, api):
    person = PersonFactory(org=tree.community_a)
    r = api.post(
        "/api/protection/assessments/",
        {
            "person": person.pk,
            "answers": answers({STRANGULATION}),
            "judged_level": "medium",
            "judgement_reason": "x",
        },
        format="json",
    )
    assert r.status_code == 400
    assert "专业判断只能提高风险等级" in r.content.decode()
    assert not RiskAssessment.objects.exists()


def test_the_list_holds_no_answers_and_masks_the_name(tree, api):
    make_assessment(PersonFactory(org=tree.community_a, name="李桂英"))
    rows = api.get("/api/protection/assessments/").json()
    rows = rows.get("results", rows)
    assert rows[0]["person_name"] == "李**"
    assert "answers" not in rows[0] and "judgement_reason" not in rows[0]


def test_the_list_filters_by_level(tree, api):
    make_assessment(unit=tree.community_a, yes={STRANGULATION})
    make_assessment(unit=tree.community_a)
    rows = api.get("/api/protection/assessments/", {"level": "high"}).json()
    rows = rows.get("results", rows)
    assert [r["level"] for r in rows] == ["high"]


def test_reading_an_assessment_is_logged(tree, api):
    assessment = make_assessment(unit=tree.community_a)
    assert api.get(f"/api/protection/assessments/{assessment.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="open", object_type="protection.riskassessment")
    assert event.detail["channel"] == "api"


def test_a_safety_plan_update_needs_the_version_read(tree, api):
    plan = make_plan(unit=tree.community_a)
    url = f"/api/protection/safety-plans/{plan.pk}/"
    assert api.patch(url, {"safe_place": "x"}, format="json").status_code == 428
    r = api.patch(url, {"version": 1, "safe_place": "社区妇女之家"}, format="json")
    assert r.status_code == 200 and r.json()["safe_place"] == "社区妇女之家"
    assert api.patch(url, {"version": 1, "safe_place": "又改"}, format="json").status_code == 409


def test_a_safety_plan_is_reviewed_through_the_api(tree, api):
    person = PersonFactory(org=tree.community_a)
    plan = make_plan(person)
    url = f"/api/protection/safety-plans/{plan.pk}/review/"
    assert api.post(url, {}, format="json").status_code == 400  # no assessment yet
    make_assessment(person)
    listed = api.get("/api/protection/safety-plans/").json()
    listed = listed.get("results", listed)
    assert listed[0]["needs_review"] is True and "code_word" not in listed[0]
    r = api.post(url, {}, format="json")
    assert r.status_code == 200 and r.json()["needs_review"] is False


def test_a_leader_reads_but_does_not_assess(tree):
    client = APIClient()
    client.force_authenticate(user_with_role(tree.district_a, "leader"))
    make_assessment(unit=tree.community_a)
    rows = client.get("/api/protection/assessments/").json()
    assert len(rows.get("results", rows)) == 1
    r = client.post(
        "/api/protection/assessments/",
        {"person": PersonFactory(org=tree.community_a).pk, "answers": answers()},
        format="json",
    )
    assert r.status_code == 403
