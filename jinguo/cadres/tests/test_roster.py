"""The roster's figures and export, the 挂牌上岗 card, retraining rules, the person section."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jinguo.cadres import selectors
from jinguo.cadres.models import Attendance, Position
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

from .factories import make_position, make_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer")


def test_summary_counts(tree, officer):
    a = make_position(tree.community_a, "chair")
    make_position(tree.community_a, "grid_worker", person=a.person)
    make_position(
        tree.community_a,
        "executive",
        person=PersonFactory(
            org=tree.community_a, gender="M", birth_date=date(1995, 1, 1), education="bachelor"
        ),
    )
    make_position(tree.community_a, "executive", ended_on=date(2023, 1, 1))
    make_position(tree.community_b, "executive")
    qs = selectors.roster_queryset(officer).filter(selectors.current())
    s = selectors.roster_summary(qs, on=date(2026, 6, 1))
    assert s["positions"] == 3 and s["persons"] == 2
    assert dict(s["by_position"]) == {"主席": 1, "网格员": 1, "执委": 1}
    assert s["female_share"] == 50.0
    assert s["executives"] == 2 and s["executives_grid"] == 1 and s["grid_share"] == 50.0
    assert dict(s["by_age"]) == {"35岁以下": 1, "45-54岁": 1}


def test_the_export_has_a_figures_sheet_and_is_audited(tree, officer, client):
    make_position(tree.community_a, "executive")
    client.force_login(officer)
    r = client.get(reverse("cadres:position_list"), {"export": "xlsx"})
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["名册", "统计"]
    figures = [tuple(row) for row in wb["统计"].iter_rows(values_only=True)]
    assert ("执委会成员", "人数", 1) in figures
    assert AuditEvent.objects.filter(action="export", object_type="cadres.position").exists()


def test_the_roster_keeps_its_history(tree, officer, client):
    old = make_position(tree.community_a, "executive", ended_on=date(2023, 1, 1))
    client.force_login(officer)
    current = client.get(reverse("cadres:position_list")).context["table"].data
    assert old.pk not in {p.pk for p in current}
    history = client.get(reverse("cadres:position_list"), {"state": "all"}).context["table"].data
    assert old.pk in {p.pk for p in history}


def test_the_card_shows_only_the_published_contact(tree, officer, client):
    person = PersonFactory(org=tree.community_a, phone="13800138000")
    position = make_position(
        tree.community_a,
        "executive",
        person=person,
        helps_with="家庭纠纷调解",
        public_contact="妇女之家 0512-12345678",
    )
    client.force_login(officer)
    html = client.get(reverse("cadres:position_card", args=[position.pk])).content.decode()
    assert "家庭纠纷调解" in html and "0512-12345678" in html
    assert "13800138000" not in html
    group_leader = make_position(tree.community_a, "group_leader")
    assert client.get(reverse("cadres:position_card", args=[group_leader.pk])).status_code == 404


def test_retraining_rule_lists_who_is_due(tree, officer, client):
    due = make_position(tree.community_a, "rights_cadre")
    trained = make_position(tree.community_a, "rights_cadre")
    stale = make_position(tree.community_a, "rights_cadre")
    Attendance.objects.create(
        org=tree.community_a, training=make_training(tree.community_a), person=trained.person
    )
    old = make_training(tree.community_a, ends_on=timezone.localdate() - timedelta(days=800))
    Attendance.objects.create(org=tree.community_a, training=old, person=stale.person)
    rows = selectors.due_for_retraining(officer)
    assert {r["position"].pk for r in rows} == {due.pk, stale.pk}
    client.force_login(officer)
    html = client.get(reverse("cadres:retraining_due")).content.decode()
    assert f'data-position="{due.pk}"' in html and f'data-position="{trained.pk}"' not in html


def test_the_person_page_shows_her_positions(tree, officer, client):
    position = make_position(tree.community_a, "executive")
    client.force_login(officer)
    html = client.get(position.person.get_absolute_url()).content.decode()
    assert 'data-testid="cadre-section"' in html and f'data-position="{position.pk}"' in html


def test_roster_list_query_count_does_not_grow(
    tree, officer, client, django_assert_max_num_queries
):
    for _ in range(3):
        make_position(tree.community_a, "executive")
    client.force_login(officer)
    client.get(reverse("cadres:position_list"))
    for _ in range(10):
        make_position(tree.community_a, "executive")
    with django_assert_max_num_queries(20):
        client.get(reverse("cadres:position_list"))
    assert Position.objects.count() == 13


def test_the_api_schema_calls_the_unit_filter_an_id():
    """What the roster API accepts for ``unit`` is what its schema says: a unit id."""
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/schema/?format=json").json()
    params = schema["paths"]["/api/cadres/positions/"]["get"]["parameters"]
    [unit] = [p for p in params if p["name"] == "unit"]
    assert "integer" in str(unit["schema"])


def test_the_figures_come_in_their_own_request_with_the_lists_filters(tree, officer, client):
    make_position(tree.community_a, "executive")
    make_position(tree.community_a2, "executive")
    make_position(tree.community_a2, "grid_worker")
    client.force_login(officer)
    page = client.get(reverse("cadres:position_list")).content.decode()
    assert 'data-testid="roster-summary"' in page and reverse("cadres:roster_summary") in page
    url = reverse("cadres:roster_summary")
    whole = client.get(url).content.decode()
    assert 'data-testid="roster-persons">3<' in whole
    one = client.get(url, {"unit": tree.community_a.pk, "state": "current"}).content.decode()
    assert 'data-testid="roster-persons">1<' in one
    # A filter that is not understood counts nothing rather than everything; no 500.
    for bad in ({"unit": "abc"}, {"state": "nope"}, {"gender": "X"}):
        response = client.get(url, bad)
        assert response.status_code == 200
        assert 'data-testid="roster-persons">0<' in response.content.decode()


def test_the_figures_need_the_roster_permission(tree, client):
    client.force_login(user_with_role(tree.community_a, "grid_worker"))
    assert client.get(reverse("cadres:roster_summary")).status_code == 403


def test_a_long_roster_is_counted_up_to_the_cap(tree, officer, client, monkeypatch):
    for _ in range(4):
        make_position(tree.community_a, "executive")
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 2)
    client.force_login(officer)
    html = client.get(reverse("cadres:position_list")).content.decode()
    assert "共 2+ 条" in html
    paginator = selectors.CappedPaginator(Position.objects.order_by("id"), 1)
    assert paginator.count == 2 and str(paginator.count) == "2+" and paginator.num_pages == 2
    assert selectors.CappedPaginator(Position.objects.order_by("id")[:1], 1).count == 1


def test_the_api_roster_counts_up_to_the_cap(tree, officer, monkeypatch):
    from rest_framework.test import APIClient

    for _ in range(3):
        make_position(tree.community_a, "executive")
    api = APIClient()
    api.force_authenticate(officer)
    body = api.get(reverse("cadres-position-list")).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, False, 3)
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 2)
    body = api.get(reverse("cadres-position-list")).json()
    # Pages stop at the cap: narrow the filters to reach further rows.
    assert (body["count"], body["count_capped"], len(body["results"])) == (2, True, 2)
