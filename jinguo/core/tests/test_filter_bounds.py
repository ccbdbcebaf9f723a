"""Numbers in list filters the database cannot hold are a form error (400 on the API), never a
500: a year out of range from an age, a bigint overflow from an id."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 30


@pytest.fixture
def api(district_officer):
    client = APIClient()
    client.force_authenticate(district_officer)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/people/persons/?age_max=2548",
        "/api/people/persons/?age_min=-1",
        "/api/people/persons/?age_min=151",
        "/api/people/consents/?person=1e30",
        f"/api/people/visits/?person={HUGE}",
        f"/api/people/contacts/?person={HUGE}",
        f"/api/people/tags/?person={HUGE}",
        "/api/people/tags/?person=0",
        f"/api/orgs/units/?parent={HUGE}",
        f"/api/orgs/units/?subtree={HUGE}",
        "/api/orgs/units/?level=99999",
        f"/api/people/persons/?unit={HUGE}",
    ],
)
def test_an_out_of_range_number_is_a_400_in_chinese(api, url):
    r = api.get(url)
    assert r.status_code == 400, r.content
    (messages,) = r.json().values()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in messages[0])


def test_ages_within_the_bounds_still_filter(api):
    assert api.get("/api/people/persons/?age_min=0&age_max=150").status_code == 200


def test_an_unknown_unit_within_the_bounds_is_still_an_empty_list(api):
    r = api.get("/api/orgs/units/?parent=9223372036854775807")
    assert r.status_code == 200 and r.json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/people/persons/?age_max=2548",
        f"/people/households/?person={HUGE}",
        f"/people/visits/?person={HUGE}",
        f"/people/contacts/?person={HUGE}",
        f"/people/reviews/?person={HUGE}",
        f"/orgs/units/?parent={HUGE}&subtree={HUGE}",
    ],
)
def test_the_ui_lists_answer_with_a_form_error(login, district_officer, url):
    r = login(district_officer).get(url)
    assert r.status_code == 200
    assert r.context["filter"].form.errors


@pytest.mark.parametrize(
    "url",
    [
        "/api/orgs/units/?is_active=abc",
        "/api/people/contacts/?mine=null",
        "/api/cases/cases/?is_repeat=abc",
    ],
)
def test_a_yes_no_filter_refuses_what_is_neither(api, url):
    assert api.get(url).status_code == 400


@pytest.mark.parametrize("value", ["true", "false", "unknown", ""])
def test_a_yes_no_filter_takes_the_api_and_ui_values(api, value):
    assert api.get(f"/api/orgs/units/?is_active={value}").status_code == 200


def test_an_unknown_record_beside_a_mistake_is_not_reported(api):
    # Alone it would be an empty list; beside a real mistake, only the mistake is the 400.
    r = api.get("/api/orgs/units/?subtree=99999&level=abc")
    assert r.status_code == 400
    assert set(r.json()) == {"level"}
