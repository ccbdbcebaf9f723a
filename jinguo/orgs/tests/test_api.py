import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.core.models import AuditEvent
from jinguo.orgs.models import OrgUnit
from jinguo.testing.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


def test_list_is_scoped_and_filterable(tree, district_officer):
    c = api(district_officer)
    url = reverse("orgunit-list")
    r = c.get(url)
    assert r.status_code == 200
    assert "990102" not in codes(r)
    assert "990101001001" in codes(r)
    first = r.json()["results"][0]
    assert first["code"] == "990101"
    assert first["kind_display"] == "县（区）级妇联"
    assert first["child_count"] == 1
    assert codes(c.get(url, {"subtree": tree.community_a.pk})) == {
        "990101001001",
        "990101001001G01",
    }
    assert codes(c.get(url, {"kind": "community", "q": "芳草"})) == {"990101001001"}
    # A unit outside the caller's scope matches nothing, as one that does not exist.
    outside = c.get(url, {"subtree": tree.street_b.pk})
    assert outside.status_code == 200 and outside.json()["results"] == []
    assert c.get(url, {"subtree": 10**12}).json()["results"] == []


def test_children_action(tree, district_officer, other_district_officer):
    r = api(district_officer).get(reverse("orgunit-children", args=[tree.street_a.pk]))
    assert r.status_code == 200
    assert codes(r) == {"990101001001", "990101001002"}
    r = api(other_district_officer).get(reverse("orgunit-children", args=[tree.street_a.pk]))
    assert r.status_code == 404


def test_create_calls_the_service(tree, sysadmin):
    c = api(sysadmin)
    data = {
        "parent": tree.street_a.pk,
        "kind": "community",
        "code": "990101001009",
        "name": "光明社区妇联",
    }
    r = c.post(reverse("orgunit-list"), data, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["path"] == "9901/990101/990101001/990101001009/"
    assert AuditEvent.objects.filter(action="create", object_id=str(r.json()["id"])).exists()


def test_validation_errors_are_400_in_chinese(tree, sysadmin):
    c = api(sysadmin)
    data = {"parent": tree.street_a.pk, "kind": "community", "code": "99010100100X", "name": "坏"}
    r = c.post(reverse("orgunit-list"), data, format="json")
    assert r.status_code == 400
    assert "12 位数字" in r.json()["code"][0]
    data["code"] = "990102001009"
    r = c.post(reverse("orgunit-list"), data, format="json")
    assert "应以上级单位的代码 990101001 开头" in r.json()["code"][0]


def test_create_outside_scope_is_refused(tree):
    clerk = UserFactory(home_unit=tree.district_b)
    grant(clerk, "orgs.view_orgunit", "orgs.add_orgunit")
    data = {"parent": tree.street_a.pk, "kind": "community", "code": "990101001009", "name": "越界"}
    r = api(clerk).post(reverse("orgunit-list"), data, format="json")
    assert r.status_code == 400
    assert "parent" in r.json()
    assert not OrgUnit.objects.filter(code="990101001009").exists()


def test_create_without_permission_is_403(tree, district_officer):
    data = {"parent": tree.street_a.pk, "kind": "community", "code": "990101001009", "name": "无权"}
    assert (
        api(district_officer).post(reverse("orgunit-list"), data, format="json").status_code == 403
    )


def test_partial_update_and_no_put(tree, sysadmin):
    c = api(sysadmin)
    url = reverse("orgunit-detail", args=[tree.street_a.pk])
    r = c.patch(url, {"phone": "0512-66881234", "code": "123"}, format="json")
    assert r.status_code == 200
    assert r.json()["phone"] == "0512-66881234"
    assert r.json()["code"] == "990101001"  # the code is not writable
    assert r.json()["name"] == "春晖街道妇联"
    r = c.patch(url, {"is_active": False}, format="json")
    assert r.status_code == 400
    assert "启用的下级单位" in r.json()["is_active"][0]
    assert c.put(url, {"name": "x"}, format="json").status_code == 405
    assert c.delete(url).status_code == 405


def test_move_action(tree, sysadmin, district_officer):
    url = reverse("orgunit-move", args=[tree.community_a2.pk])
    assert api(district_officer).post(url, {"parent": tree.street_b.pk}).status_code == 404
    r = api(sysadmin).post(url, {"parent": tree.community_a2.pk}, format="json")
    assert r.status_code == 400
    assert "它自己或它的下级单位" in r.json()["parent"][0]
    r = api(sysadmin).post(url, {"parent": tree.street_b.pk, "reason": "划转"}, format="json")
    assert r.status_code == 200
    assert r.json()["path"] == "9901/990102/990102001/990101001002/"


def test_schema_documents_the_units_endpoints(client, tree, sysadmin):
    client.force_login(sysadmin)
    r = client.get(reverse("api-schema"), {"format": "json"})
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/orgs/units/" in paths
    assert "/api/orgs/units/{id}/children/" in paths
    params = {p["name"] for p in paths["/api/orgs/units/"]["get"]["parameters"]}
    assert {"subtree", "kind", "q", "parent", "is_active", "level"} <= params
