"""Person pickers search the user's scope only; contact points are edited and ended,
audited, and an ended one stays in the history without raising overdue visits."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.cadres.models import ContactPoint, ContactVisit
from jinguo.cadres.selectors import overdue_points
from jinguo.cadres.services import contacts
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import HouseholdFactory, PersonFactory
from jinguo.testing.factories import user_with_role

from .factories import make_point

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def chair(tree):
    return user_with_role(tree.community_a, "community_chair", real_name="李芳")


@pytest.fixture
def officer(tree):
    return user_with_role(tree.street_a, "rights_officer", real_name="王静")


# --- pickers -----------------------------------------------------------------------------------


def _options(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_person_picker_searches_only_her_scope(tree, client, chair):
    PersonFactory(org=tree.community_a, name="张秀英", gender="F")
    PersonFactory(org=tree.community_b, name="张秀兰", gender="F")
    client.force_login(chair)
    html = _options(client, "cadres:person_search", q="张秀")
    assert "张秀英" in html and "张秀兰" not in html
    assert "张秀英" in _options(client, "cadres:person_search", q="zxy")
    assert "没有找到" in _options(client, "cadres:person_search", q="无此人")


def test_the_picker_narrows_to_women_and_to_a_unit(tree, client, officer):
    PersonFactory(org=tree.community_a, name="陈一", gender="F")
    PersonFactory(org=tree.community_a, name="陈二", gender="M")
    PersonFactory(org=tree.community_a2, name="陈三", gender="F")
    client.force_login(officer)
    html = _options(client, "cadres:person_search", q="陈", gender="F")
    assert "陈一" in html and "陈三" in html and "陈二" not in html
    html = _options(client, "cadres:person_search", q="陈", under=tree.community_a.pk)
    assert "陈一" in html and "陈三" not in html
    # A unit out of her scope, or no unit at all, finds nobody (never a 500).
    for under in (tree.community_b.pk, "abc", "9" * 40, "-1"):
        assert "陈" not in _options(client, "cadres:person_search", q="陈", under=under)


def test_the_household_picker_searches_only_her_scope(tree, client, chair):
    HouseholdFactory(org=tree.community_a, name="周家")
    HouseholdFactory(org=tree.community_b, name="周氏")
    client.force_login(chair)
    html = _options(client, "cadres:household_search", q="周")
    assert "周家" in html and "周氏" not in html


def test_a_picked_person_from_another_community_is_refused(tree, client, officer):
    stranger = PersonFactory(org=tree.community_b)
    client.force_login(officer)
    response = client.post(
        reverse("cadres:position_create"),
        {
            "org": tree.community_a.pk,
            "person": stranger.pk,
            "position_type": 1,
            "started_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in " ".join(response.context["form"].errors["person"])


def test_the_forms_show_pickers_not_selects(tree, client, officer):
    PersonFactory(org=tree.community_a, name="不应列出的人")
    client.force_login(officer)
    for url in (
        reverse("cadres:position_create"),
        reverse("cadres:pairing_create"),
        reverse("cadres:qualification_create"),
        reverse("cadres:point_create"),
    ):
        html = client.get(url).content.decode()
        assert "data-unit-picker" in html and "unit_picker.js" in html, url
        assert "不应列出的人" not in html, url


def test_a_visit_names_the_person_met(tree, client, chair):
    woman = PersonFactory(org=tree.community_a, name="赵兰", gender="F")
    point = make_point(tree.community_a, cadre_user=chair)
    client.force_login(chair)
    response = client.post(
        reverse("cadres:visit_create", args=[point.pk]),
        {
            "visited_on": TODAY().isoformat(),
            "way": "in_person",
            "met_person": woman.pk,
            "met_whom": "她的婆婆",
            "findings": "家庭和睦",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    visit = ContactVisit.objects.get()
    assert visit.met_person == woman and visit.met_whom == "她的婆婆"
    assert "赵兰" in client.get(point.get_absolute_url()).content.decode()


def test_a_visit_refuses_a_person_out_of_scope(tree, chair):
    point = make_point(tree.community_a, cadre_user=chair)
    with pytest.raises(ValidationError) as e:
        contacts.visit_record(
            user=chair,
            point=point,
            visited_on=TODAY(),
            findings="走访",
            met_person=PersonFactory(org=tree.community_b),
        )
    assert "met_person" in e.value.message_dict


# --- editing and ending contact points ------------------------------------------------------------


def test_changing_the_frequency_moves_the_due_date(tree, client, officer):
    point = make_point(tree.street_a, place=tree.community_a)
    point.last_visited_on = TODAY() - timedelta(days=20)
    point.save()
    client.force_login(officer)
    response = client.post(
        reverse("cadres:point_update", args=[point.pk]),
        {"visit_every_days": "14", "tasks": "了解留守妇女就业"},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.visit_every_days == 14 and point.tasks == "了解留守妇女就业"
    assert point.next_due_on == TODAY() - timedelta(days=6)
    assert point in overdue_points(officer)
    assert AuditEvent.objects.filter(object_id=str(point.pk), action="update").exists()


@pytest.mark.parametrize("days", ["0", "367", "abc", "99999999999999999999"])
def test_a_bad_frequency_is_refused(tree, client, officer, days):
    point = make_point(tree.street_a, place=tree.community_a)
    client.force_login(officer)
    response = client.post(
        reverse("cadres:point_update", args=[point.pk]), {"visit_every_days": days}
    )
    assert response.status_code == 200
    assert "visit_every_days" in response.context["form"].errors


def test_an_ended_point_keeps_its_visits_and_is_no_longer_overdue(tree, client, officer):
    point = make_point(tree.street_a, place=tree.community_a, due_in_days=-10)
    ContactVisit.objects.create(
        org=point.org, point=point, visited_on=TODAY() - timedelta(days=50), findings="旧走访"
    )
    assert point in overdue_points(officer)
    client.force_login(officer)
    response = client.post(
        reverse("cadres:point_end", args=[point.pk]),
        {"ended_on": TODAY().isoformat(), "end_reason": "干部调动"},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.ended_on == TODAY() and point.end_reason == "干部调动"
    assert point not in overdue_points(officer)
    page = client.get(point.get_absolute_url()).content.decode()
    assert "旧走访" in page and "干部调动" in page and 'data-testid="point-end"' not in page
    listed = client.get(reverse("cadres:point_list") + "?state=ended").content.decode()
    assert f'data-point="{point.pk}"' in listed
    event = AuditEvent.objects.get(object_id=str(point.pk), action="point_end")
    assert "干部调动" not in str(event.after)
    # Ended: no more visits, no second end, no edit.
    assert client.get(reverse("cadres:point_end", args=[point.pk])).status_code == 404
    assert client.get(reverse("cadres:point_update", args=[point.pk])).status_code == 404
    assert client.get(reverse("cadres:visit_create", args=[point.pk])).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ended_on": "2026-13-45", "end_reason": "调动"}, "ended_on"),
        ({"ended_on": "1900-01-01", "end_reason": "调动"}, "ended_on"),
        ({"ended_on": "", "end_reason": "调动"}, "ended_on"),
        ({"end_reason": ""}, "end_reason"),
        ({"end_reason": "长" * 300}, "end_reason"),
    ],
)
def test_a_bad_end_is_refused_and_keeps_what_was_typed(tree, client, officer, data, field):
    point = make_point(tree.street_a, place=tree.community_a)
    client.force_login(officer)
    data = {"ended_on": TODAY().isoformat(), **data}
    response = client.post(reverse("cadres:point_end", args=[point.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    point.refresh_from_db()
    assert point.ended_on is None


def test_an_end_before_the_start_is_refused(tree, officer):
    point = make_point(tree.street_a, place=tree.community_a)
    with pytest.raises(ValidationError) as e:
        contacts.point_end(
            user=officer, point=point, ended_on=point.since - timedelta(days=1), reason="调整"
        )
    assert "ended_on" in e.value.message_dict


def test_another_community_cannot_edit_or_end(tree, client):
    point = make_point(tree.community_b)
    client.force_login(user_with_role(tree.community_a, "rights_officer"))
    assert client.get(reverse("cadres:point_update", args=[point.pk])).status_code == 404
    response = client.post(
        reverse("cadres:point_end", args=[point.pk]),
        {"ended_on": TODAY().isoformat(), "end_reason": "越权"},
    )
    assert response.status_code == 404
    assert ContactPoint.objects.get(pk=point.pk).ended_on is None
