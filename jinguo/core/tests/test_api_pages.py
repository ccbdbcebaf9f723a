"""A list's ?page= is what the published schema says: one whole number from 1. Anything else
is a mistake in the request (400); a page past the end of the list is a 404."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PAGE_MESSAGE = "页码须是 1 到 9223372036854775807 之间的整数。"


@pytest.fixture
def api(district_officer):
    client = APIClient()
    client.force_authenticate(district_officer)
    return client


@pytest.mark.parametrize("page", ["", "abc", "0", "-1", "1.5", "last", "{}", "１"])
def test_a_page_that_is_not_a_positive_whole_number_is_a_400(api, page):
    r = api.get(f"/api/orgs/units/?page={page}")
    assert r.status_code == 400, r.content
    assert r.json() == {"page": [PAGE_MESSAGE]}


def test_pages_within_and_past_the_list(api):
    assert api.get("/api/orgs/units/?page=1").status_code == 200
    r = api.get("/api/orgs/units/?page=2")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
