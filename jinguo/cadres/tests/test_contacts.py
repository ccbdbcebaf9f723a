"""Contact points: visits move the due date, overdue ones show on the cadre's and the
leader's panels, an appeal taken on a visit becomes a case; pairings."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.cadres.services import contacts
from jinguo.cases.models import Case, Category
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

from .factories import make_pairing, make_point, make_position

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(tree):
    return user_with_role(tree.community_a, "community_chair", real_name="李芳")


def test_a_visit_moves_the_next_due_date(tree, chair):
    point = make_point(tree.street_a, place=tree.community_a, cadre_user=chair, due_in_days=-3)
    assert point.is_overdue
    today = timezone.localdate()
    contacts.visit_record(user=chair, point=point, visited_on=today, findings="走访妇女之家")
    point.refresh_from_db()
    assert point.last_visited_on == today
    assert point.next_due_on == today + timedelta(days=point.visit_every_days)


def test_a_visit_takes_an_appeal_that_becomes_a_case(tree, chair):
    point = make_point(tree.community_a, cadre_user=chair)
    visit = contacts.visit_record(
        user=chair,
        point=point,
        visited_on=timezone.localdate(),
        findings="居民反映用工问题",
        appeal={
            "summary": "工厂拖欠女工工资",
            "category": Category.objects.get(code="labour"),
            "narrative": "三名女工反映被拖欠两个月工资",
        },
    )
    case = Case.objects.get()
    assert visit.case == case and case.channel == "grid" and case.org == tree.community_a


def test_a_bad_appeal_records_nothing(tree, chair):
    point = make_point(tree.community_a, cadre_user=chair)
    with pytest.raises(ValidationError) as e:
        contacts.visit_record(
            user=chair,
            point=point,
            visited_on=timezone.localdate(),
            findings="居民反映",
            appeal={"summary": "工资", "category": None},
        )
    assert "appeal_category" in e.value.message_dict
    assert not Case.objects.exists() and not point.visits.exists()


def test_only_her_or_her_unit_records_visits(tree, chair):
    point = make_point(tree.community_b, cadre_user=None)
    with pytest.raises(ValidationError):
        contacts.visit_record(
            user=chair, point=point, visited_on=timezone.localdate(), findings="x"
        )


def test_overdue_points_on_her_panel_and_her_leaders(tree, chair, client):
    late = make_point(tree.street_a, place=tree.community_a, cadre_user=chair, due_in_days=-5)
    leader = user_with_role(tree.street_a, "leader")
    other = user_with_role(tree.district_b, "leader")
    client.force_login(chair)
    html = client.get("/").content.decode()
    assert f'data-point="{late.pk}"' in html and "逾期 5 天" in html
    client.force_login(leader)
    html = client.get("/").content.decode()
    assert "辖区内逾期未走访的联系点" in html
    client.force_login(other)
    assert "辖区内逾期未走访的联系点" not in client.get("/").content.decode()


def test_the_visit_form_on_a_phone_keeps_what_was_typed(tree, chair, client):
    point = make_point(tree.community_a, cadre_user=chair)
    client.force_login(chair)
    url = reverse("cadres:visit_create", args=[point.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "way": "in_person",
            "met_whom": "张大姐",
            "findings": "",
            "appeal_summary": "邻里纠纷",
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "张大姐" in html and "邻里纠纷" in html and "登记诉求时请选择诉求类别" in html
    r = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "way": "in_person",
            "findings": "了解到两户家庭矛盾",
            "appeal_summary": "邻里纠纷需调解",
            "appeal_category": Category.objects.get(code="labour").pk,
        },
    )
    assert r.status_code == 302
    assert Case.objects.count() == 1


def test_the_unit_sees_who_has_no_pairing_yet(tree, chair, client):
    paired = make_position(tree.community_a, "executive")
    unpaired = make_position(tree.community_a, "executive")
    contacts.pairing_create(
        user=chair,
        org=tree.community_a,
        cadre=paired.person,
        woman=PersonFactory(org=tree.community_a, gender="F"),
    )
    client.force_login(chair)
    html = client.get(reverse("cadres:pairing_list")).content.decode()
    assert unpaired.person.name in html.split('data-testid="unpaired"')[1].split("</div>")[1]
    assert "联系户指派" in html, "the page names the two things apart"


def test_pairing_contacts_count(tree, chair):
    pairing = make_pairing(tree.community_a)
    contacts.pairing_contact(user=chair, pairing=pairing, contacted_on=timezone.localdate())
    pairing.refresh_from_db()
    assert pairing.contacts == 1 and pairing.last_contact_on == timezone.localdate()
    with pytest.raises(ValidationError):
        contacts.pairing_create(user=chair, org=tree.community_a, cadre=pairing.cadre)


def test_findings_only_in_the_api_detail_and_reading_them_is_logged(tree, chair):
    from rest_framework.test import APIClient

    from jinguo.core.models import AuditEvent

    point = make_point(tree.community_a, cadre_user=chair)
    visit = contacts.visit_record(
        user=chair, point=point, visited_on=timezone.localdate(), findings="李某家中有矛盾"
    )
    api = APIClient()
    api.force_authenticate(chair)
    listed = api.get(reverse("cadres-visit-list")).json()["results"]
    assert [row["id"] for row in listed] == [visit.pk] and "findings" not in listed[0]
    detail = api.get(reverse("cadres-visit-detail", args=[visit.pk])).json()
    assert detail["findings"] == "李某家中有矛盾"
    assert AuditEvent.objects.filter(action="open", object_id=str(visit.pk)).exists()
