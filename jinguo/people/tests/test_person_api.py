"""Person API: scoped, masked, writes through the services with Chinese 400s."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.people.models import Person
from jinguo.people.tests.factories import PersonFactory, resident_id

pytestmark = pytest.mark.django_db

ID = resident_id(date(1985, 3, 1), "F")


@pytest.fixture
def api(community_chair):
    client = APIClient()
    client.force_authenticate(community_chair)
    return client


def test_list_is_masked_and_filtered_like_the_ui(api, tree):
    zhang = PersonFactory(
        org=tree.community_a,
        name="张丽",
        id_type="resident",
        id_number=ID,
        phone="13800138000",
        address="江苏省苏州市姑苏区平江路88号",
        birth_date=date(1985, 3, 1),
    )
    PersonFactory(org=tree.community_a, name="李梅")
    PersonFactory(org=tree.community_b, name="张兰")
    r = api.get(reverse("person-list"), {"q": "zl"})
    assert r.status_code == 200
    body = r.content.decode()
    assert ID not in body and "13800138000" not in body and "平江路" not in body
    rows = r.json()["results"] if isinstance(r.json(), dict) else r.json()
    assert [row["id"] for row in rows] == [zhang.pk]
    assert rows[0]["masked_phone"] == "138****8000"
    assert "id_number" not in rows[0] and "phone" not in rows[0]


def test_create_through_the_service_with_chinese_errors(api, tree):
    url = reverse("person-list")
    bad = ID[:17] + ("0" if ID[17] != "0" else "1")
    r = api.post(url, {"name": "王芳", "org": tree.community_a.pk, "id_number": bad}, format="json")
    assert r.status_code == 400
    assert "校验位错误" in r.json()["id_number"][0]
    r = api.post(url, {"name": "王芳", "org": tree.community_a.pk, "id_number": ID}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["birth_date"] == "1985-03-01"
    assert ID not in r.content.decode()
    r = api.post(url, {"name": "王芳", "org": tree.community_a.pk, "id_number": ID}, format="json")
    assert r.status_code == 400 and "档案 #" in r.json()["id_number"][0]


def test_create_asks_to_confirm_likely_duplicates(api, tree):
    existing = PersonFactory(org=tree.community_a, name="张丽", birth_date=date(1985, 3, 1))
    data = {"name": "张丽", "org": tree.community_a.pk, "birth_date": "1985-03-01"}
    r = api.post(reverse("person-list"), data, format="json")
    assert r.status_code == 400
    assert r.json()["likely_duplicates"] == [existing.pk]
    r = api.post(reverse("person-list"), {**data, "confirm_duplicates": True}, format="json")
    assert r.status_code == 201


def test_create_outside_scope_is_refused(api, tree):
    r = api.post(
        reverse("person-list"), {"name": "王芳", "org": tree.community_b.pk}, format="json"
    )
    assert r.status_code == 400
    assert not Person.objects.exists()


def test_partial_update_and_version_conflict(api, tree):
    person = PersonFactory(org=tree.community_a, name="张丽")
    url = reverse("person-detail", args=[person.pk])
    r = api.patch(url, {"notes": "新备注", "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = api.patch(url, {"notes": "旧版本上的修改", "version": 1}, format="json")
    assert r.status_code == 409  # was 400: a stale version is a conflict on every endpoint
    assert "其他人已修改" in r.json()["detail"] and r.json()["version"] == 2
    r = api.patch(url, {"phone": "123", "version": 2}, format="json")
    assert r.status_code == 400 and "电话号码格式不正确" in r.json()["phone"][0]


def test_an_update_without_a_version_is_refused_not_applied(api, tree):
    person = PersonFactory(org=tree.community_a, name="张丽", notes="原备注")
    url = reverse("person-detail", args=[person.pk])
    r = api.patch(url, {"notes": "覆盖"}, format="json")
    assert r.status_code == 428 and "version" in r.json()
    person.refresh_from_db()
    assert person.notes == "原备注" and person.version == 1
    # Out of scope stays a plain 404, version or not.
    assert api.patch(reverse("person-detail", args=[10**9]), {}, format="json").status_code == 404


def test_schema_documents_the_person_endpoints(client, community_chair):
    client.force_login(community_chair)
    r = client.get(reverse("api-schema"))
    assert r.status_code == 200
    assert "/api/people/persons/" in r.content.decode()


def test_the_status_filter_is_published_as_the_choice_it_is(api, tree):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = schema["paths"]["/api/people/persons/"]["get"]["parameters"]
    status = next(p for p in params if p["name"] == "status")
    assert set(status["schema"]["enum"]) == {"inactive", "all", ""}
    assert api.get(reverse("person-list"), {"status": "all"}).status_code == 200
    assert api.get(reverse("person-list"), {"status": "whatever"}).status_code == 400
