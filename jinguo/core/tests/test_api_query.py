"""A list's query parameters mean what the published schema says: one value each, and text
without control characters, like text in a body."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LISTS = ["/api/orgs/units/", "/api/accounts/users/", "/api/people/households/"]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def api(district_officer):
    client = APIClient()
    client.force_authenticate(district_officer)
    return client


@pytest.mark.parametrize("query", ["page=1&page=2", "q=a&q=b", "kind=county&kind=grid"])
def test_a_parameter_given_twice_is_a_400(api, query):
    r = api.get(f"/api/orgs/units/?{query}")
    assert r.status_code == 400
    name = query.split("=", 1)[0]
    assert r.json() == {name: ["该参数只能给一个值。"]}


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("text", ["%00", "a%01b", "%7F"])
def test_control_characters_in_search_text_are_a_400_in_chinese(api, url, text):
    r = api.get(f"{url}?q={text}")
    assert r.status_code == 400, r.content
    assert r.json() == {"q": ["不能包含控制字符。"]}


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("text", ["", "%20%20", "%09", "%E5%BC%A0"])
def test_blank_or_plain_search_text_is_a_list(api, url, text):
    assert api.get(f"{url}?q={text}").status_code == 200


def test_the_schema_states_the_rule_for_query_text(schema):
    for path in ("/api/orgs/units/", "/api/cases/cases/", "/api/people/persons/"):
        params = schema["paths"][path]["get"]["parameters"]
        q = next(p for p in params if p["name"] == "q")
        assert "\\x00-\\x08" in q["schema"]["pattern"], path
