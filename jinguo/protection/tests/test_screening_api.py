"""The screening API: issue, fill, submit, totals; parties masked as on the pages."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.testing.factories import grant, user_with_role

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_campaign_round_trip(tree, community_chair):
    leader = user_with_role(tree.district_a, "leader")
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    r = api(leader).post(
        "/api/protection/screening-campaigns/",
        {"title": "专项排查", "kind": "special", "scope": ["violence"], "due_on": due},
        format="json",
    )
    assert r.status_code == 201, r.content
    campaign_id = r.json()["id"]
    chair = api(community_chair)
    reports = chair.get("/api/protection/screening-reports/").json()["results"]
    assert [row["org"] for row in reports] == [tree.community_a.pk]
    report_id = reports[0]["id"]
    r = chair.post(
        "/api/protection/dispute-entries/",
        {
            "report": report_id,
            "kind": "violence",
            "risk": "high",
            "parties": "申请人：张丽；被申请人：王强",
            "description": "邻居反映",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    # The chair may reveal personal data (her role): she reads what she wrote.
    assert r.json()["parties"] == ["申请人：张丽", "被申请人：王强"]
    masked = api(leader).get(f"/api/protection/dispute-entries/{r.json()['id']}/").json()
    assert masked["parties"] == ["申请人：张**", "被申请人：王**"]
    r = chair.post(f"/api/protection/screening-reports/{report_id}/submit/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = chair.post(f"/api/protection/screening-reports/{report_id}/submit/", {}, format="json")
    assert r.status_code == 400
    totals = api(leader).get(f"/api/protection/screening-campaigns/{campaign_id}/totals/").json()
    assert totals["totals"]["total"] == 1 and totals["progress"]["submitted"] == 1
    # The chair does not see the campaign's issuer side.
    r = chair.get(f"/api/protection/screening-campaigns/{campaign_id}/totals/")
    assert r.status_code == 404


def test_nothing_found_needs_a_note_on_the_api_too(tree, community_chair):
    from .factories_screening import make_campaign, make_report

    report = make_report(tree.community_a, campaign=make_campaign(tree.district_a))
    chair = api(community_chair)
    r = chair.post(f"/api/protection/screening-reports/{report.pk}/submit/", {}, format="json")
    assert r.status_code == 400 and "note" in r.json()


def test_reveal_permission_shows_parties_in_full(tree):
    from .factories_screening import make_entry

    officer = user_with_role(tree.district_a, "leader")
    entry = make_entry(tree.community_a, parties="张丽与王强")
    r = api(officer).get(f"/api/protection/dispute-entries/{entry.pk}/")
    assert "张丽" not in str(r.json()["parties"])
    grant(officer, "core.reveal_pii")
    r = api(officer).get(f"/api/protection/dispute-entries/{entry.pk}/")
    assert "张丽" in str(r.json()["parties"])
