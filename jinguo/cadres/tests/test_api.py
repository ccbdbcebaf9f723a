"""/api/cadres/ elections, trainings, training records and who is due for retraining: scoped
(a community sees its own, another community nothing, the district its subtree), schema
documented, and bad input answered 400/404, never 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.cadres.models import Attendance, Candidate, RetrainingRule
from jinguo.testing.factories import user_with_role

from .factories import make_election, make_position, make_training, position_type

pytestmark = pytest.mark.django_db


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def records(tree):
    """In community A: an election with a candidate, a training she attended, a rights cadre
    trained three years ago (due); the same in community B."""
    out = {}
    for key, unit in (("a", tree.community_a), ("b", tree.community_b)):
        election = make_election(unit)
        cadre = make_position(unit, "rights_cadre")
        Candidate.objects.create(
            election=election, person=cadre.person, position_type=position_type("chair"), votes=9
        )
        training = make_training(unit, ends_on=timezone.localdate() - timedelta(days=3 * 365))
        Attendance.objects.create(training=training, org=unit, person=cadre.person)
        out[key] = {"election": election, "cadre": cadre, "training": training}
    return out


def _ids(response):
    assert response.status_code == 200, response.content
    return {row.get("id", row.get("position")) for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("cadres-election-list", "election"),
        ("cadres-training-list", "training"),
    ],
)
def test_lists_are_scoped(tree, records, name, key):
    a, b = records["a"][key], records["b"][key]
    chair = api_for(user_with_role(tree.community_a, "community_chair"))
    assert _ids(chair.get(reverse(name))) == {a.pk}
    other = api_for(user_with_role(tree.community_a2, "community_chair"))
    assert _ids(other.get(reverse(name))) == set()
    district = api_for(user_with_role(tree.district_a, "leader"))
    assert _ids(district.get(reverse(name))) == {a.pk}
    city = api_for(user_with_role(tree.city, "leader"))
    assert _ids(city.get(reverse(name))) == {a.pk, b.pk}
    detail = name.replace("-list", "-detail")
    assert chair.get(reverse(detail, args=[b.pk])).status_code == 404
    assert other.get(reverse(detail, args=[a.pk])).status_code == 404


def test_an_election_detail_lists_its_candidates(tree, records):
    election = records["a"]["election"]
    chair = api_for(user_with_role(tree.community_a, "community_chair"))
    body = chair.get(reverse("cadres-election-detail", args=[election.pk])).json()
    assert body["status"] == "recorded" and body["method"] == "competitive"
    [candidate] = body["candidates"]
    assert candidate["position_type"] == "chair" and candidate["votes"] == 9


def test_a_training_detail_lists_its_attendees(tree, records):
    training = records["a"]["training"]
    chair = api_for(user_with_role(tree.community_a, "community_chair"))
    body = chair.get(reverse("cadres-training-detail", args=[training.pk])).json()
    assert body["attendee_count"] == 1
    assert body["attendances"][0]["person"] == records["a"]["cadre"].person_id


def test_a_persons_training_record(tree, records):
    person = records["a"]["cadre"].person
    officer = api_for(user_with_role(tree.district_a, "rights_officer"))
    rows = officer.get(reverse("cadres-training-record-list"), {"person": person.pk}).json()
    assert [r["training"] for r in rows["results"]] == [records["a"]["training"].pk]
    # Her record is not seen from another community, nor the other district's person's.
    other = api_for(user_with_role(tree.community_a2, "community_chair"))
    assert (
        other.get(reverse("cadres-training-record-list"), {"person": person.pk}).json()["results"]
        == []
    )
    stranger = records["b"]["cadre"].person
    assert (
        officer.get(reverse("cadres-training-record-list"), {"person": stranger.pk}).json()[
            "results"
        ]
        == []
    )


def test_who_is_due_follows_the_rules_and_the_scope(tree, records):
    url = reverse("cadres-retraining-due-list")
    chair = api_for(user_with_role(tree.community_a, "community_chair"))
    rows = chair.get(url).json()["results"]
    assert [r["position"] for r in rows] == [records["a"]["cadre"].pk]
    assert rows[0]["last_trained_on"] == records["a"]["training"].ends_on.isoformat()
    other = api_for(user_with_role(tree.community_a2, "community_chair"))
    assert other.get(url).json()["results"] == []
    city = api_for(user_with_role(tree.city, "leader"))
    assert len(city.get(url).json()["results"]) == 2
    assert _ids(city.get(url, {"unit": tree.district_a.pk})) == {records["a"]["cadre"].pk}
    rule = RetrainingRule.objects.get(position_type__code="rights_cadre")
    assert len(city.get(url, {"rule": rule.pk}).json()["results"]) == 2
    # Switched off, the rule lists nobody.
    RetrainingRule.objects.filter(pk=rule.pk).update(is_active=False)
    assert city.get(url).json()["results"] == []


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("cadres-election-list", {"unit": "abc"}),
        ("cadres-election-list", {"unit": "99999999999999999999999"}),
        ("cadres-election-list", {"status": "nope"}),
        ("cadres-election-list", {"page": "0"}),
        ("cadres-training-list", {"kind": "nope"}),
        ("cadres-training-list", {"unit": "-1"}),
        ("cadres-training-list", {"page": "abc"}),
        ("cadres-training-record-list", {"person": "abc"}),
        ("cadres-training-record-list", {"person": "99999999999999999999999"}),
        ("cadres-training-record-list", {"completed": "maybe"}),
        ("cadres-training-record-list", {"training": "1.5"}),
        ("cadres-retraining-due-list", {"unit": "abc"}),
        ("cadres-retraining-due-list", {"unit": "99999999999999999999999"}),
        ("cadres-retraining-due-list", {"unit": "0"}),
        ("cadres-retraining-due-list", {"rule": "x"}),
        ("cadres-retraining-due-list", {"page": "-3"}),
    ],
)
def test_bad_query_parameters_are_400(tree, name, params):
    leader = api_for(user_with_role(tree.city, "leader"))
    response = leader.get(reverse(name), params)
    assert response.status_code == 400, (params, response.status_code)


def test_a_unit_out_of_scope_or_an_unknown_rule_matches_nothing_in_the_due_list(tree):
    chair = api_for(user_with_role(tree.community_a, "community_chair"))
    url = reverse("cadres-retraining-due-list")
    for params in ({"unit": tree.community_b.pk}, {"rule": 999999}):
        response = chair.get(url, params)
        assert response.status_code == 200 and response.json()["results"] == [], params


@pytest.mark.parametrize(
    "name",
    ["cadres-election-detail", "cadres-training-detail", "cadres-training-record-detail"],
)
@pytest.mark.parametrize("pk", ["99999999", "0", "abc", "9" * 30])
def test_unknown_ids_are_404(tree, name, pk):
    leader = api_for(user_with_role(tree.city, "leader"))
    response = leader.get(f"{reverse(name, args=[1]).rsplit('/1/', 1)[0]}/{pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "cadres-election-list",
        "cadres-training-list",
        "cadres-training-record-list",
        "cadres-retraining-due-list",
    ],
)
def test_writes_are_refused(tree, name):
    leader = api_for(user_with_role(tree.city, "rights_officer"))
    response = leader.post(reverse(name), {"topic": "x"}, format="json")
    assert response.status_code in (403, 405)


def test_the_due_list_needs_the_training_permission(tree):
    grid = api_for(user_with_role(tree.community_a, "grid_worker"))
    assert grid.get(reverse("cadres-retraining-due-list")).status_code == 403
    assert APIClient().get(reverse("cadres-retraining-due-list")).status_code in (401, 403)


def test_the_schema_documents_the_new_endpoints():
    schema = APIClient().get("/api/schema/?format=json").json()
    for path in (
        "/api/cadres/elections/",
        "/api/cadres/elections/{id}/",
        "/api/cadres/trainings/",
        "/api/cadres/training-records/",
        "/api/cadres/retraining-due/",
    ):
        assert path in schema["paths"], path
    params = schema["paths"]["/api/cadres/elections/"]["get"]["parameters"]
    unit = next(p for p in params if p["name"] == "unit")
    assert "integer" in str(unit["schema"])
