"""What the schemathesis run found in the protection API: each answer matches the schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(user_with_role(tree.district_a, "rights_officer"))
    return client


def test_a_shelter_without_an_address_is_a_clear_400(api):
    r = api.post("/api/protection/shelters/", {"name": "城东庇护站"}, format="json")
    assert r.status_code == 400 and "address" in r.json()


def test_an_opinion_patch_that_is_not_an_object_is_a_400(api):
    r = api.patch("/api/protection/opinions/1/", [None, None], format="json")
    assert r.status_code in (400, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/protection/alerts/",
        "/api/protection/follow-up-plans/",
        "/api/protection/protective-visits/",
        "/api/protection/safety-plans/",
        "/api/protection/screening-reports/",
    ],
)
def test_lists_that_take_no_post_neither_offer_nor_document_it(api, path):
    r = api.options(path)
    assert "POST" not in r["Allow"]
    assert api.post(path, {}, format="json").status_code in (403, 405)
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "post" not in schema["paths"][path]


def test_the_statistics_months_are_declared_as_months():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = schema["paths"]["/api/protection/violence-stats/"]["get"]["parameters"]
    start = next(p for p in params if p["name"] == "start")
    assert start["schema"]["pattern"].startswith("^(19|20)[0-9]{2}-")
