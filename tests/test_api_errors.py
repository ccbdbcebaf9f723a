"""Errors answered alike across the API: 400 by field, 409 for a stale version, one 404.

The exception handler (core.api_errors) gives every endpoint the same answers; these tests
go through real endpoints of several apps to prove the viewsets leave it to the handler.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.cases.tests.factories import make_case
from jinguo.people.models import Person
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "找不到该记录。"}


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def case_url(case, action: str = "") -> str:
    return f"/api/cases/cases/{case.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def chair_b(tree):
    """The chair of 桃李社区妇联, the other branch."""
    return user_with_role(tree.community_b, "community_chair", username="chair_taoli")


# --- 400 -----------------------------------------------------------------------------------


def test_a_service_refusal_is_a_400_by_field(community_chair, tree):
    r = api_for(community_chair).post(
        reverse("person-list"),
        {"name": "王芳", "org": tree.community_a.pk, "phone": "123", "confirm_duplicates": True},
        format="json",
    )
    assert r.status_code == 400
    assert list(r.json()) == ["phone"] and "电话号码格式不正确" in r.json()["phone"][0]


def test_a_refusal_about_no_field_is_under_non_field_errors(district_officer, tree):
    case = make_case(tree.street_a, status="closed")
    r = api_for(district_officer).post(case_url(case, "accept"), {}, format="json")
    assert r.status_code == 400
    assert list(r.json()) == ["non_field_errors"]
    assert "不能受理" in r.json()["non_field_errors"][0]


def test_service_messages_keyed_all_are_non_field_errors_too(district_officer):
    # The intake queue refuses a body that is no JSON object with {"__all__": …}.
    r = api_for(district_officer).post("/api/cases/intake/", ["not", "an", "object"], format="json")
    assert r.status_code == 400
    assert "__all__" not in r.json() and "JSON" in r.json()["non_field_errors"][0]


# --- 409 -----------------------------------------------------------------------------------


def test_a_stale_person_version_is_a_409(community_chair, tree):
    person = PersonFactory(org=tree.community_a, name="张丽")
    client = api_for(community_chair)
    url = reverse("person-detail", args=[person.pk])
    assert client.patch(url, {"notes": "先改的", "version": 1}, format="json").status_code == 200
    r = client.patch(url, {"notes": "在旧版本上改的", "version": 1}, format="json")
    assert r.status_code == 409
    assert "其他人已修改" in r.json()["detail"] and r.json()["version"] == 2
    assert Person.objects.get(pk=person.pk).notes == "先改的"


def test_a_stale_case_version_is_a_409_for_every_action(district_officer, tree):
    case = make_case(tree.street_a)
    client = api_for(district_officer)
    assert client.post(case_url(case, "accept"), {"version": 1}, format="json").status_code == 200
    for action, body in [
        ("decline", {"reason": "不属于妇联职责"}),
        ("note", {"note": "补充"}),  # a service that took no version before
    ]:
        r = client.post(case_url(case, action), {"version": 1, **body}, format="json")
        assert r.status_code == 409, action
        assert "已被其他人修改" in r.json()["detail"] and r.json()["version"] == 2
    r = client.post(case_url(case, "note"), {"version": 2, "note": "补充"}, format="json")
    assert r.status_code == 200


# --- 404 -----------------------------------------------------------------------------------


def test_out_of_scope_and_missing_records_get_one_404(community_chair, chair_b, tree):
    person = PersonFactory(org=tree.community_a, name="张丽")
    case = make_case(tree.community_a)
    client = api_for(chair_b)
    answers = [
        client.get(reverse("person-detail", args=[person.pk])),
        client.patch(reverse("person-detail", args=[person.pk]), {"notes": "x"}, format="json"),
        client.get(reverse("person-detail", args=[999999])),
        client.get(case_url(case)),
        client.post(case_url(case, "accept"), {}, format="json"),
        client.post("/api/cases/cases/999999/accept/", {}, format="json"),
        client.get("/api/cases/intake/NO-SUCH-REF/"),
    ]
    assert [(r.status_code, r.json()) for r in answers] == [(404, NOT_FOUND)] * len(answers)


def test_a_service_that_finds_the_record_out_of_reach_answers_the_same_404(tree):
    """A leader may see the case, but only a worker may start it: the service's scoped
    look-up finds nothing, and the answer is the one a missing case gets."""
    leader = user_with_role(tree.district_a, "leader", username="leader_heping")
    case = make_case(tree.street_a, status="assigned")
    client = api_for(leader)
    assert client.get(case_url(case)).status_code == 200
    r = client.post(case_url(case, "start"), {}, format="json")
    assert (r.status_code, r.json()) == (404, NOT_FOUND)
