"""Deadline queues say how late or how soon, keep the queue's order, and show urgency first."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Case
from jinguo.cases.tables.cases import CaseTable
from jinguo.cases.tests.factories import make_case
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

LIST = "cases:case_list"


@pytest.fixture
def worker(tree):
    return user_with_role(tree.street_a, "rights_officer", username="w_late", real_name="周办")


def late_case(unit, days, **kw):
    case = make_case(unit, status="accepted", **kw)
    Case.objects.filter(pk=case.pk).update(
        due_state="overdue", due_at=timezone.now() - timedelta(days=days, hours=1)
    )
    return case


def row_numbers(html: str) -> list[str]:
    numbers = dict(Case.objects.values_list("pk", "number"))
    return [numbers[int(pk)] for pk in re.findall(r'<tr data-case="(\d+)"', html)]


def test_overdue_queue_shows_how_late_and_urgent_most_late_first(client, tree, worker):
    """The three-week-late urgent child-abuse case is row 1, not row 8 by received date."""
    recent = [
        late_case(tree.street_a, 2, received_at=timezone.now() - timedelta(days=n))
        for n in range(1, 8)
    ]
    abuse = late_case(
        tree.street_a, 21, urgency="urgent", received_at=timezone.now() - timedelta(days=40)
    )
    client.force_login(worker)
    html = client.get(reverse(LIST), {"queue": "overdue"}).content.decode()
    rows = row_numbers(html)
    assert rows[0] == abuse.number and len(rows) == len(recent) + 1
    assert "逾期 21 天" in html and "逾期 2 天" in html
    # The urgency badge is in the first cell, next to the number.
    first_row = html[html.index(f'data-case="{abuse.pk}"') :]
    first_cell = first_row[: first_row.index("</td>")]
    assert abuse.number in first_cell and "紧急" in first_cell


def test_table_default_ordering_leaves_the_queue_order(client, tree, worker):
    older_less_late = late_case(tree.street_a, 3, received_at=timezone.now() - timedelta(days=30))
    newer_more_late = late_case(tree.street_a, 9, received_at=timezone.now())
    client.force_login(worker)
    html = client.get(reverse(LIST), {"queue": "overdue"}).content.decode()
    assert row_numbers(html) == [newer_more_late.number, older_less_late.number]
    assert CaseTable.Meta.__dict__.get("order_by") is None


def test_due_soon_says_how_soon(client, tree, worker):
    case = make_case(tree.street_a, status="accepted")
    Case.objects.filter(pk=case.pk).update(
        due_state="soon", due_at=timezone.now() + timedelta(days=2, hours=3)
    )
    client.force_login(worker)
    html = client.get(reverse(LIST), {"queue": "due_soon"}).content.decode()
    assert re.search(r'text-orange fw-bold" data-late>剩 2 天<', html)


def test_the_case_table_marks_its_cells_for_a_phone(client, tree, worker):
    late_case(tree.street_a, 4)
    client.force_login(worker)
    html = client.get(reverse(LIST), {"queue": "overdue"}).content.decode()
    assert "data-jg-stack" in html
    assert 'data-label="状态"' in html
    assert re.search(r'data-label="编号" data-phone="lead"', html)
    assert re.search(r'data-label="诉求摘要" data-phone="hide"', html)


def test_leader_panel_lists_her_most_overdue_cases(tree):
    from jinguo.cases.panels import leader_panel

    leader = user_with_role(tree.district_a, "leader", username="leader_late")
    late_case(tree.community_a, 2)
    worst = late_case(tree.community_a, 21)
    panel = leader_panel(leader)
    assert panel["overdue_count"] == 2
    assert panel["overdue"][0]["case"] == worst
    assert panel["overdue"][0]["text"] == "逾期 21 天" and panel["overdue"][0]["late"]
