"""Visits: encrypted narratives, sensitivity, the phone form, and the API's masking."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.core.models import AuditEvent
from jinguo.people.models import FocusTagType, Person, Visit
from jinguo.people.selectors.persons import person_related_context
from jinguo.people.services import contacts, tags, visits
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

SITUATION = "丈夫酒后动手，左臂有淤青，孩子受到惊吓"
NEEDS = "希望申请人身安全保护令"


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer", real_name="陈维")


@pytest.fixture
def grid_worker(tree):
    return user_with_role(tree.grid_a, "grid_worker", username="grid_fangcao", real_name="吴网")


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_situation_and_needs_are_encrypted_at_rest(tree, officer):
    person = PersonFactory(org=tree.community_a)
    visit = visits.visit_create(user=officer, person=person, situation=SITUATION, needs=NEEDS)
    for column in ("situation", "needs"):
        stored = raw("people_visit", column, visit.pk)
        assert stored and "淤青" not in stored and "保护令" not in stored
    assert Visit.objects.get(pk=visit.pk).situation == SITUATION
    event = AuditEvent.objects.get(action="create", object_id=str(visit.pk))
    assert "淤青" not in str(event.after)


def test_dv_tag_hides_the_person_and_her_visits_unless_assigned(client, tree, officer, grid_worker):
    person = PersonFactory(org=tree.grid_a, name="林静")
    visit = visits.visit_create(user=officer, person=person, situation="初次走访")
    assert Visit.objects.restrict(grid_worker).filter(pk=visit.pk).exists()

    tags.tag_add(user=officer, person=person, tag_type=FocusTagType.objects.get(code="dv_victim"))
    assert not Person.objects.restrict(grid_worker).filter(pk=person.pk).exists()
    assert not Visit.objects.restrict(grid_worker).filter(pk=visit.pk).exists()
    client.force_login(grid_worker)
    assert client.get(reverse("people:visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("people:person_detail", args=[person.pk])).status_code == 404

    contacts.contact_assign(user=officer, worker=grid_worker, person=person)
    assert client.get(reverse("people:person_detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("people:visit_detail", args=[visit.pk])).status_code == 200
    assert [v.pk for v in person_related_context(grid_worker, person)["visits"]] == [visit.pk]


def test_opening_a_visit_is_logged(client, tree, officer):
    visit = visits.visit_create(
        user=officer, person=PersonFactory(org=tree.community_a), situation=SITUATION
    )
    client.force_login(officer)
    r = client.get(reverse("people:visit_detail", args=[visit.pk]))
    assert SITUATION in r.content.decode()
    assert AuditEvent.objects.filter(action="open", object_id=str(visit.pk)).exists()


def test_phone_form_defaults_and_layout(client, tree, grid_worker):
    person = PersonFactory(org=tree.grid_a)
    client.force_login(grid_worker)
    r = client.get(reverse("people:visit_create"), {"person": person.pk})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="viewport"' in html and "width=device-width" in html
    assert 'data-testid="visit-form"' in html and "d-flex flex-column" in html
    assert f'value="{timezone.localdate().isoformat()}"' in html  # today
    assert 'type="radio"' in html and 'value="home" autocomplete="off" checked' in html
    assert "btn-lg" in html and "form-control-lg" in html
    assert f'<option value="{grid_worker.pk}" selected>' in html  # the current user
    assert 'type="hidden" name="person"' in html


def test_failed_visit_form_keeps_what_was_typed(client, tree, grid_worker):
    person = PersonFactory(org=tree.grid_a)
    client.force_login(grid_worker)
    r = client.post(
        reverse("people:visit_create"),
        {
            "person": person.pk,
            "visited_on": timezone.localdate(),
            "method": "phone",
            "met_whom": "婆婆",
            "situation": "",
            "follow_up_needed": "on",
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "需要跟进时请填写跟进日期" in html and "该字段是必填项" in html
    assert 'value="婆婆"' in html and 'value="phone" autocomplete="off" checked' in html


def test_visit_on_a_person_out_of_scope_is_refused(client, tree, grid_worker):
    elsewhere = PersonFactory(org=tree.community_b)
    client.force_login(grid_worker)
    r = client.post(
        reverse("people:visit_create"),
        {
            "person": elsewhere.pk,
            "visited_on": timezone.localdate(),
            "method": "home",
            "situation": "x",
        },
    )
    assert r.status_code == 200
    assert "不在您的管辖范围内" in r.content.decode()
    assert not Visit.objects.exists()


def test_api_lists_without_narratives_and_retrieves_with_them(tree, officer):
    person = PersonFactory(org=tree.community_a)
    api = APIClient()
    api.force_authenticate(officer)
    r = api.post(
        reverse("visit-list"),
        {"person": person.pk, "situation": SITUATION, "needs": NEEDS, "method": "home"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    listed = api.get(reverse("visit-list")).content.decode()
    assert "situation" not in listed and "淤青" not in listed and "保护令" not in listed
    detail = api.get(reverse("visit-detail", args=[pk])).json()
    assert detail["situation"] == SITUATION
    assert AuditEvent.objects.filter(action="open", object_id=str(pk)).exists()


def test_api_errors_are_chinese_400(tree, officer):
    api = APIClient()
    api.force_authenticate(officer)
    person = PersonFactory(org=tree.community_a)
    r = api.post(
        reverse("visit-list"),
        {"person": person.pk, "situation": "x", "follow_up_needed": True},
        format="json",
    )
    assert r.status_code == 400
    assert "需要跟进时请填写跟进日期" in r.content.decode()
    r = api.post(reverse("visit-list"), {"person": 999999, "situation": "x"}, format="json")
    assert r.status_code == 400
    assert "不在您的管辖范围内" in r.content.decode()
