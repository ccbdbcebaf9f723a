"""What the published schema promises holds: JSON errors under /api/, text without control
characters, blank choices and missing names declared, the intake list a page."""

import pytest
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def api(district_officer):
    client = APIClient()
    client.force_authenticate(district_officer)
    return client


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_api_path_answers_json(api, debug):
    with override_settings(DEBUG=debug):
        r = api.get("/api/no-such-thing/")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json() == {"detail": "找不到该记录。"}


def test_control_characters_in_text_are_refused_in_chinese(api, tree):
    r = api.post(
        "/api/cases/cases/",
        {"channel": "hotline_12338", "category": "family-violence", "summary": "打人\x07了"},
        format="json",
    )
    assert r.status_code == 400
    assert r.json() == {"summary": ["不能包含控制字符。"]}


def test_line_breaks_and_tabs_are_still_text(api, tree):
    r = api.post(
        "/api/cases/cases/",
        {
            "channel": "hotline_12338",
            "category": "family-violence",
            "gbv_type": "physical",
            "summary": "丈夫酒后\t殴打",
            "narrative": "第一行\r\n第二行",
            "anonymous": True,
        },
        format="json",
    )
    assert r.status_code == 201, r.content


def test_the_schema_declares_what_the_api_answers(schema):
    components = schema["components"]["schemas"]
    detail = components["CaseDetail"]["properties"]
    for name in ("gbv_type", "outcome", "satisfaction"):
        refs = [choice["$ref"] for choice in detail[name].get("oneOf", [])]
        assert "#/components/schemas/BlankEnum" in refs, name
    for name in ("assigned_to_name", "subcategory_name", "subcategory_code"):
        assert detail[name]["nullable"], name
    assert components["Event"]["properties"]["actor_name"]["nullable"]
    summary = components["CaseIntakeRequest"]["properties"]["summary"]
    assert "\\x07" not in summary["pattern"] and "\\x00-\\x08" in summary["pattern"]
    intake = schema["paths"]["/api/cases/intake/"]["get"]["responses"]["200"]
    ref = intake["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(components[ref]["properties"]) == {"count", "next", "previous", "results"}
    page = next(
        p for p in schema["paths"]["/api/cases/cases/"]["get"]["parameters"] if p["name"] == "page"
    )
    assert page["schema"]["minimum"] == 1


def test_a_json_body_says_the_type_of_each_value(api, tree):
    r = api.post(
        "/api/cases/cases/",
        {
            "channel": "hotline_12338",
            "category": "family-violence",
            "summary": 12345,
            "anonymous": "yes",
        },
        format="json",
    )
    assert r.status_code == 400
    assert r.json() == {"summary": ["请填写文本。"], "anonymous": ["请填写 true 或 false。"]}


def test_versioned_updates_document_their_428(schema):
    patch = schema["paths"]["/api/people/persons/{id}/"]["patch"]
    assert "428" in patch["responses"]


def test_filters_admit_the_empty_value_a_list_form_sends(schema, api):
    params = {p["name"]: p for p in schema["paths"]["/api/cases/intake/"]["get"]["parameters"]}
    assert "" in params["status"]["schema"]["enum"]
    assert api.get("/api/cases/intake/?status=").status_code == 200
    persons = {p["name"]: p for p in schema["paths"]["/api/people/persons/"]["get"]["parameters"]}
    ages = persons["age_max"]["schema"]["anyOf"][0]
    assert (ages["minimum"], ages["maximum"]) == (0, 150)


@pytest.mark.parametrize("person", [2**70, "", "12", True])
def test_a_record_named_in_a_body_must_be_an_id(api, tree, person):
    r = api.post(
        "/api/people/consents/",
        {"person": person, "purpose": "referral", "method": "written"},
        format="json",
    )
    assert r.status_code == 400
    assert "编号须是" in r.json()["person"][0]


def test_adding_a_member_documents_its_201(schema):
    members = schema["paths"]["/api/people/households/{id}/members/"]["post"]["responses"]
    assert "201" in members and "200" not in members


def test_the_schema_owns_up_to_the_http_servers_414(schema):
    # An overlong request line never reaches the application: gunicorn answers its own page.
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            assert "text/html" in operation["responses"]["414"]["content"], method


def test_a_new_referral_may_answer_only_its_id_and_the_schema_says_so(schema):
    # A creator who may not read referrals back gets {"id": …}: one of the two documented bodies.
    created = schema["paths"]["/api/cases/referrals/"]["post"]["responses"]["201"]
    body = created["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ReferralCreated"}
    variants = schema["components"]["schemas"]["ReferralCreated"]["oneOf"]
    assert {"$ref": "#/components/schemas/ReferralCreatedId"} in variants
    assert {"$ref": "#/components/schemas/ReferralDetail"} in variants
