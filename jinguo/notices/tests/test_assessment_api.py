"""/api/notices/assessment/: years, indicators (set and scored by the setting unit), scores with
their evidence (entered by the assessed unit, adjusted by the setting unit with a reason), the
ranking of child units — scoped like the pages; bad input is a 400 or 404, never a 500."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.core.models import AuditEvent
from jinguo.notices.models import Assessment
from jinguo.notices.services import assessment as services

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def scored(tree, street_officer):
    """An entered indicator of 春晖街道 scored for its two communities."""
    indicator = services.indicator_create(
        user=street_officer,
        year=YEAR,
        name="宣传活动场次",
        weight="20",
        target="4",
        method="entered",
    )
    services.assessment_compute(user=street_officer, indicator=indicator)
    return indicator


def test_create_compute_enter_adjust_and_rank(tree, street_officer, community_chair, chair2):
    officer = api(street_officer)
    r = officer.post(
        reverse("assessment-indicator-list"),
        {"year": YEAR, "name": "法治宣传覆盖", "weight": 30, "target": 4, "method": "entered"},
        format="json",
    )
    assert r.status_code == 201, r.content
    indicator = r.json()["id"]
    r = officer.post(reverse("assessment-indicator-compute", args=[indicator]))
    assert r.status_code == 200 and r.json() == {"units": 2}
    mine = Assessment.objects.get(indicator=indicator, org=tree.community_a)
    theirs = Assessment.objects.get(indicator=indicator, org=tree.community_a2)
    # The assessed unit enters its figure with evidence.
    r = api(community_chair).post(
        reverse("assessment-score-enter", args=[mine.pk]),
        {"actual": 2, "evidence": "活动签到表 2 份"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["score"] == "15.00" and r.json()["evidence"] == "活动签到表 2 份"
    api(chair2).post(
        reverse("assessment-score-enter", args=[theirs.pk]),
        {"actual": 4, "evidence": "台账"},
        format="json",
    )
    # The setting unit adjusts with a reason (audited); the assessed unit cannot.
    r = api(community_chair).post(
        reverse("assessment-score-adjust", args=[mine.pk]),
        {"score": 30, "reason": "自评"},
        format="json",
    )
    assert r.status_code in (400, 404)
    r = officer.post(
        reverse("assessment-score-adjust", args=[mine.pk]),
        {"score": "29.5", "reason": "补交活动材料"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["final_score"] == "29.50"
    assert AuditEvent.objects.filter(action="assessment_adjust", object_id=str(mine.pk)).exists()
    # Ranking: 芳草 (29.5) before 杏林 (30 → full marks 30.00).
    r = officer.get(reverse("assessment-ranking"), {"year": YEAR})
    assert r.status_code == 200
    body = r.json()
    assert body["unit"] == tree.street_a.pk and body["full"] == "30.00"
    assert [row["org_name"] for row in body["rows"]] == ["杏林社区妇联", "芳草社区妇联"]
    assert [row["rank"] for row in body["rows"]] == [1, 2]
    assert body["rows"][1]["scores"][0]["score"] == "29.50"
    # Years and lists.
    assert YEAR in officer.get(reverse("assessment-years")).json()["years"]
    rows = officer.get(reverse("assessment-score-list"), {"year": YEAR}).json()["results"]
    assert {row["org_name"] for row in rows} == {"芳草社区妇联", "杏林社区妇联"}


def test_scoping(
    tree, scored, street_officer, community_chair, other_chair, other_district_officer
):
    mine = scored.assessments.get(org=tree.community_a)
    sibling = scored.assessments.get(org=tree.community_a2)
    chair = api(community_chair)
    # The community sees its own score, not its sibling's, nor the street's indicator.
    ids = {row["id"] for row in chair.get(reverse("assessment-score-list")).json()["results"]}
    assert ids == {mine.pk}
    assert chair.get(reverse("assessment-score-detail", args=[sibling.pk])).status_code == 404
    assert chair.get(reverse("assessment-indicator-detail", args=[scored.pk])).status_code == 404
    r = chair.post(
        reverse("assessment-score-enter", args=[sibling.pk]),
        {"actual": 1, "evidence": "x"},
        format="json",
    )
    assert r.status_code == 404
    # Another branch sees nothing and cannot act.
    for user in (other_chair, other_district_officer):
        client = api(user)
        assert client.get(reverse("assessment-score-list")).json()["results"] == []
        assert client.get(reverse("assessment-indicator-list")).json()["results"] == []
        assert client.get(reverse("assessment-score-detail", args=[mine.pk])).status_code == 404
        r = client.post(
            reverse("assessment-score-adjust", args=[mine.pk]),
            {"score": 1, "reason": "x"},
            format="json",
        )
        assert r.status_code == 404
        r = client.post(reverse("assessment-indicator-compute", args=[scored.pk]))
        assert r.status_code == 404
        assert YEAR not in client.get(reverse("assessment-years")).json()["years"]
    # The ranking of a unit outside her subtree is a 404; her own shows no foreign rows.
    r = api(other_district_officer).get(
        reverse("assessment-ranking"), {"unit": tree.street_a.pk, "year": YEAR}
    )
    assert r.status_code == 404
    r = api(other_district_officer).get(reverse("assessment-ranking"), {"year": YEAR})
    assert r.status_code == 200 and r.json()["indicators"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"year": "二〇二六", "name": "x", "weight": 1, "target": 1, "method": "entered"},
        {"year": 99999, "name": "x", "weight": 1, "target": 1, "method": "entered"},
        {"year": YEAR, "name": "", "weight": 1, "target": 1, "method": "entered"},
        {"year": YEAR, "name": "x", "weight": "1e400", "target": 1, "method": "entered"},
        {"year": YEAR, "name": "x", "weight": 1000, "target": 1, "method": "entered"},
        {"year": YEAR, "name": "x", "weight": 1, "target": -5, "method": "entered"},
        {"year": YEAR, "name": "x", "weight": 1, "target": 1, "method": "nope"},
        {"year": YEAR, "name": "x", "weight": 1, "target": 1, "method": "count"},
        {"year": YEAR, "name": "x", "weight": 1, "target": 1, "method": "count", "source": "x.y"},
        {"year": YEAR, "name": "x", "weight": 1, "target": 1, "method": "entered", "values": 5},
        [],
        "text",
    ],
)
def test_bad_indicators_are_400(street_officer, payload):
    r = api(street_officer).post(reverse("assessment-indicator-list"), payload, format="json")
    assert r.status_code == 400, r.content


@pytest.mark.parametrize(
    "url,payload",
    [
        ("enter", {"actual": "abc", "evidence": "x"}),
        ("enter", {"actual": 10**20, "evidence": "x"}),
        ("enter", {"actual": -1, "evidence": "x"}),
        ("enter", {"actual": 1, "evidence": ""}),
        ("enter", {"actual": 1}),
        ("adjust", {"score": "x", "reason": "r"}),
        ("adjust", {"score": 10**9, "reason": "r"}),
        ("adjust", {"score": 21, "reason": "r"}),
        ("adjust", {"score": 1, "reason": ""}),
        ("adjust", {"score": 1, "reason": "r" * 201}),
        ("adjust", []),
    ],
)
def test_bad_steps_are_400(tree, scored, street_officer, community_chair, url, payload):
    mine = scored.assessments.get(org=tree.community_a)
    user = community_chair if url == "enter" else street_officer
    r = api(user).post(reverse(f"assessment-score-{url}", args=[mine.pk]), payload, format="json")
    assert r.status_code == 400, r.content
    mine.refresh_from_db()
    assert mine.adjusted_score is None and mine.actual is None


@pytest.mark.parametrize("pk", [0, 10**20, 999999])
def test_unknown_ids_are_404(street_officer, pk):
    client = api(street_officer)
    assert client.get(f"/api/notices/assessment/scores/{pk}/").status_code == 404
    assert client.get(f"/api/notices/assessment/indicators/{pk}/").status_code == 404
    r = client.post(f"/api/notices/assessment/scores/{pk}/adjust/", {"score": 1, "reason": "x"})
    assert r.status_code == 404
    assert client.post(f"/api/notices/assessment/indicators/{pk}/compute/").status_code == 404


@pytest.mark.parametrize(
    "params,status",
    [
        ({"year": "abc"}, 400),
        ({"year": "99999999999999999999"}, 400),
        ({"year": "1999"}, 400),
        ({"unit": "abc"}, 404),
        ({"unit": str(10**20)}, 404),
        ({"unit": "-1"}, 404),
    ],
)
def test_bad_ranking_queries(street_officer, params, status):
    r = api(street_officer).get(reverse("assessment-ranking"), params)
    assert r.status_code == status


@pytest.mark.parametrize("params", [{"year": "x"}, {"year": "99999"}, {"q": "x" * 500}])
def test_bad_list_filters_are_no_error(street_officer, params):
    r = api(street_officer).get(reverse("assessment-score-list"), params)
    assert r.status_code in (200, 400)


def test_small_sensitive_actuals_are_hidden(tree, scored, community_chair):
    mine = scored.assessments.get(org=tree.community_a)
    Assessment.objects.filter(pk=mine.pk).update(actual=Decimal("2"), actual_risky=True)
    r = api(community_chair).get(reverse("assessment-score-detail", args=[mine.pk]))
    assert r.json()["actual"] == "<5"


def test_anonymous_is_refused(client):
    assert client.get(reverse("assessment-ranking")).status_code in (401, 403)
    assert client.get(reverse("assessment-score-list")).status_code in (401, 403)
