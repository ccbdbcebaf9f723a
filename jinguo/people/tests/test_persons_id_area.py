"""A resident ID whose area code is no known division: a question the user answers, not a
refusal — in the services, the person form and the API."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.core.models import AuditEvent
from jinguo.people.models import Person
from jinguo.people.services.persons import person_create, person_update
from jinguo.people.tests.factories import PersonFactory, resident_id
from jinguo.people.tests.test_persons_views import form_data

pytestmark = pytest.mark.django_db

UNKNOWN = "449329195607298926"  # 广东省, county 9329 never existed; check digit right
WARNING = "证件号前六位 449329 不是已知的行政区划代码（含已撤销的历史代码）"
CURRENT = resident_id(date(1956, 7, 29), "F", area="110105")  # 北京市朝阳区
ABOLISHED = resident_id(date(1956, 7, 29), "F", area="110103")  # 北京市崇文区, until 2010


# --- services -------------------------------------------------------------------------


def test_service_asks_to_confirm_an_unknown_area(tree, community_chair):
    with pytest.raises(ValidationError) as exc:
        person_create(user=community_chair, org=tree.community_a, name="陈敏", id_number=UNKNOWN)
    [error] = exc.value.error_dict["id_number"]
    assert error.code == "unknown_area" and WARNING in error.message
    assert not Person.objects.exists()
    person = person_create(
        user=community_chair,
        org=tree.community_a,
        name="陈敏",
        id_number=UNKNOWN,
        confirm_unknown_area=True,
    )
    assert person.id_number == UNKNOWN and person.birth_date == date(1956, 7, 29)


@pytest.mark.parametrize("number", [CURRENT, ABOLISHED])
def test_current_and_abolished_areas_need_no_confirmation(tree, community_chair, number):
    person = person_create(
        user=community_chair, org=tree.community_a, name="陈敏", id_number=number
    )
    assert person.id_number == number


def test_other_errors_come_with_the_question(tree, community_chair):
    with pytest.raises(ValidationError) as exc:
        person_create(user=community_chair, org=tree.community_b, name="陈敏", id_number=UNKNOWN)
    assert set(exc.value.error_dict) == {"id_number", "org"}


def test_update_asks_only_when_the_number_changes(tree, community_chair):
    # A record filed before the check (or confirmed then) is edited without the question.
    person = PersonFactory(
        org=tree.community_a,
        name="陈敏",
        birth_date=date(1956, 7, 29),
        id_type="resident",
        id_number=UNKNOWN,
    )
    person = person_update(
        user=community_chair, person=person, expected_version=person.version, notes="已走访"
    )
    assert person.notes == "已走访"
    other = resident_id(date(1956, 7, 29), "F", area="449329", seq=7)
    with pytest.raises(ValidationError) as exc:
        person_update(
            user=community_chair, person=person, expected_version=person.version, id_number=other
        )
    assert exc.value.error_dict["id_number"][0].code == "unknown_area"
    person = person_update(
        user=community_chair,
        person=person,
        expected_version=person.version,
        id_number=other,
        confirm_unknown_area=True,
    )
    assert person.id_number == other


# --- the person form ------------------------------------------------------------------


def test_form_warns_keeps_the_input_and_saves_once_confirmed(client, tree, community_chair):
    client.force_login(community_chair)
    data = form_data(tree.community_a, name="陈敏", id_number=UNKNOWN, phone="13800138000")
    r = client.post(reverse("people:person_create"), data)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="unknown-area"' in html
    assert WARNING in html and "确认无误请勾选“仍然保存”" in html
    assert f'value="{UNKNOWN}"' in html and 'value="13800138000"' in html
    assert 'name="confirm_unknown_area"' in html and "invalid-feedback" not in html
    assert not Person.objects.exists()
    r = client.post(reverse("people:person_create"), {**data, "confirm_unknown_area": "on"})
    assert r.status_code == 302
    assert Person.objects.get().id_number == UNKNOWN


def test_form_asks_about_duplicates_and_area_together(client, tree, community_chair):
    PersonFactory(org=tree.community_a, name="陈敏", birth_date=date(1956, 7, 29))
    client.force_login(community_chair)
    data = form_data(tree.community_a, name="陈敏", id_number=UNKNOWN)
    html = client.post(reverse("people:person_create"), data).content.decode()
    assert 'data-testid="likely-duplicates"' in html and 'data-testid="unknown-area"' in html
    # Confirming one is not confirming the other; the area box is asked again, unticked.
    r = client.post(reverse("people:person_create"), {**data, "confirm_unknown_area": "on"})
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="unknown-area"' in html
    box = re.search(r'<input[^>]*name="confirm_unknown_area"[^>]*>', html).group()
    assert "checked" not in box
    r = client.post(
        reverse("people:person_create"),
        {**data, "confirm_unknown_area": "on", "confirm_duplicates": "on"},
    )
    assert r.status_code == 302 and Person.objects.count() == 2


def test_edit_form_warns_for_a_new_number_with_an_unknown_area(client, tree, community_chair):
    person = PersonFactory(org=tree.community_a, name="陈敏")
    client.force_login(community_chair)
    url = reverse("people:person_update", args=[person.pk])
    data = form_data(tree.community_a, name="陈敏", id_number=UNKNOWN, version=person.version)
    r = client.post(url, data)
    assert r.status_code == 200
    html = r.content.decode()
    assert WARNING in html and f'value="{UNKNOWN}"' in html
    r = client.post(url, {**data, "confirm_unknown_area": "on"})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.id_number == UNKNOWN
    assert AuditEvent.objects.filter(action="update").exists()


def test_form_refuses_superscript_digits(client, tree, community_chair):
    client.force_login(community_chair)
    typed = "¹" + CURRENT[1:]
    r = client.post(reverse("people:person_create"), form_data(tree.community_a, id_number=typed))
    html = r.content.decode()
    assert r.status_code == 200 and "第 1 位的“¹”不是普通的数字" in html
    assert not Person.objects.exists()


# --- the API --------------------------------------------------------------------------


@pytest.fixture
def api(community_chair):
    client = APIClient()
    client.force_authenticate(community_chair)
    return client


def test_api_refuses_an_unknown_area_until_confirmed(api, tree):
    url = reverse("person-list")
    data = {"name": "陈敏", "org": tree.community_a.pk, "id_number": UNKNOWN}
    r = api.post(url, data, format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["unknown_area"] == "449329"
    assert WARNING in body["id_number"][0] and "confirm_unknown_area=true" in body["id_number"][0]
    assert not Person.objects.exists()
    r = api.post(url, {**data, "confirm_unknown_area": True}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["birth_date"] == "1956-07-29"


def test_api_update_to_an_unknown_area_needs_the_flag(api, tree):
    person = PersonFactory(org=tree.community_a, name="陈敏", birth_date=date(1956, 7, 29))
    url = reverse("person-detail", args=[person.pk])
    r = api.patch(url, {"id_type": "resident", "id_number": UNKNOWN, "version": 1}, format="json")
    assert r.status_code == 400 and r.json()["unknown_area"] == "449329"
    r = api.patch(
        url,
        {"id_type": "resident", "id_number": UNKNOWN, "confirm_unknown_area": True, "version": 1},
        format="json",
    )
    assert r.status_code == 200, r.json()


def test_api_refuses_circled_digits_and_takes_full_width(api, tree):
    url = reverse("person-list")
    data = {"name": "陈敏", "org": tree.community_a.pk}
    r = api.post(url, {**data, "id_number": "①" + CURRENT[1:]}, format="json")
    assert r.status_code == 400 and "“①”" in r.json()["id_number"][0]
    full_width = CURRENT.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    r = api.post(url, {**data, "id_number": full_width}, format="json")
    assert r.status_code == 201, r.json()
    assert Person.objects.get().id_number == CURRENT


def test_schema_documents_the_confirmation(client, community_chair):
    client.force_login(community_chair)
    schema = client.get(reverse("api-schema")).content.decode()
    assert "confirm_unknown_area" in schema
