"""What a leader sees: her subtree only, the sources she may view, small sensitive figures
hidden, drill-down links to the scoped case list, Excel of the tables, the same in the API."""

import datetime
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jinguo.cases.models import Case
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.stats import maintenance, periods, sources
from jinguo.stats.models import StatsCount
from jinguo.testing.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

URL = reverse("stats:dashboard")
API = "/api/stats/"


def _month():
    return periods.parse({})[0]


def _figure(response, key):
    return next(f for f in response.context["cases"]["figures"] if f["key"] == key)


@pytest.fixture
def cases(tree):
    for _ in range(6):
        make_case(tree.community_a)
    for _ in range(3):
        make_case(tree.community_a2, urgency="urgent")
    make_case(tree.community_b)
    make_case(tree.community_b)


def test_a_district_sees_its_subtree_and_its_streets_ranked(login, district_officer, cases, tree):
    response = login(district_officer).get(URL)
    assert response.status_code == 200
    assert response.context["unit"] == tree.district_a
    assert _figure(response, "received")["count"] == 9
    assert _figure(response, "urgent")["count"] == 3
    children = response.context["cases"]["children"]
    assert [r["unit"] for r in children] == [tree.street_a.name]
    assert children[0]["received"] == 9


def test_drill_down_to_a_child_and_to_the_scoped_case_list(login, district_officer, cases, tree):
    client = login(district_officer)
    response = client.get(URL, {"unit": tree.street_a.pk, "rank": "received"})
    children = response.context["cases"]["children"]
    assert [(r["unit"], r["received"]) for r in children] == [
        (tree.community_a.name, 6),
        (tree.community_a2.name, 3),
    ]
    link = _figure(response, "received")["list_url"]
    query = parse_qs(urlsplit(link).query)
    assert query["queue"] == ["all"] and query["unit"] == [str(tree.street_a.pk)]
    listed = client.get(link)
    assert listed.status_code == 200
    assert listed.context["table"].paginator.count == 9


def test_units_outside_her_subtree_are_not_found(login, district_officer, cases, tree):
    client = login(district_officer)
    for unit in (tree.city, tree.district_b, tree.community_b):
        assert client.get(URL, {"unit": unit.pk}).status_code == 404
        assert client.get(API, {"unit": unit.pk}).status_code == 404
    assert client.get(URL, {"unit": "x"}).status_code == 404


def test_no_figures_without_a_source_she_may_view(login, nobody, cases):
    client = login(nobody)
    assert client.get(URL).status_code == 404
    assert client.get(API).status_code == 404


def test_only_sources_whose_model_she_may_view(login, tree, cases):
    user = UserFactory(home_unit=tree.district_a)
    grant(user, "people.view_person")
    response = login(user).get(URL)
    assert response.status_code == 200
    assert response.context["cases"] is None
    assert [s["key"] for s in response.context["data"]["sources"]] == ["people.person"]
    source = reverse("stats:source", args=["cases.case"])
    assert login(user).get(source).status_code == 404


def test_small_sensitive_figures_are_hidden_without_view_sensitive(login, tree):
    for _ in range(2):
        make_case(tree.community_a, category="family-violence")
    for _ in range(7):
        make_case(tree.community_a2)
    viewer = UserFactory(home_unit=tree.street_a)
    grant(viewer, "cases.view_case")
    response = login(viewer).get(URL)
    children = {r["unit"]: r["received"] for r in response.context["cases"]["children"]}
    assert children[tree.community_a.name] is None
    # Hidden too: the street's total minus it would give the 2.
    assert children[tree.community_a2.name] is None
    category = next(d for d in response.context["cases"]["distributions"] if d["key"] == "category")
    assert [r["count"] for r in category["rows"]] == [9]  # family area: 2 of 9 are sensitive
    assert "&lt;5" in response.content.decode()
    # The API hides what the page hides.
    api = login(viewer).get(API).json()
    assert {r["unit"]: r["received"] for r in api["cases"]["children"]}[
        tree.community_a.name
    ] is None
    grant(viewer, "core.view_sensitive")
    viewer = type(viewer).objects.get(pk=viewer.pk)
    response = login(viewer).get(URL)
    children = {r["unit"]: r["received"] for r in response.context["cases"]["children"]}
    assert children == {tree.community_a.name: 2, tree.community_a2.name: 7}


def test_figures_of_five_or_more_and_small_figures_of_nothing_sensitive_are_shown(login, tree):
    for _ in range(5):
        make_case(tree.community_a, category="family-violence")
    make_case(tree.community_a2)
    viewer = UserFactory(home_unit=tree.street_a)
    grant(viewer, "cases.view_case")
    children = login(viewer).get(URL, {"rank": "received"}).context["cases"]["children"]
    assert [r["received"] for r in children] == [5, 1]


def test_figures_follow_the_period_and_compare_with_the_one_before(login, district_officer, tree):
    this = _month()
    last_month = this.previous()
    at = timezone.make_aware(datetime.datetime.combine(last_month.start, datetime.time(10)))
    for _ in range(4):
        make_case(tree.community_a, received_at=at)
    make_case(tree.community_a)
    received = _figure(login(district_officer).get(URL), "received")
    assert (received["count"], received["previous"], received["change"]) == (1, 4, -3)
    year = login(district_officer).get(URL, {"period": "year", "at": str(this.start.year)})
    assert _figure(year, "received")["count"] == (
        5 if last_month.start.year == this.start.year else 1
    )
    bad = login(district_officer).get(URL, {"period": "custom", "start": "2026-05-01", "end": "x"})
    assert bad.context["period_error"]


def test_overdue_counts_every_open_case_now_and_links_to_the_list(login, district_officer, tree):
    case = make_case(tree.community_a, received_at=timezone.now() - datetime.timedelta(days=90))
    Case.objects.filter(pk=case.pk).update(due_state="overdue")  # as the deadline sweep does
    response = login(district_officer).get(URL)
    overdue = _figure(response, "overdue")
    assert overdue["count"] == 1
    assert "due_state=overdue" in overdue["list_url"]


def test_children_table_exports_to_excel_with_an_audit_row(login, district_officer, cases, tree):
    response = login(district_officer).get(URL, {"unit": tree.street_a.pk, "export": "children"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][1] == "单位"
    assert {row[1] for row in values[1:]} == {tree.community_a.name, tree.community_a2.name}
    assert AuditEvent.objects.filter(action="export", object_type="stats.children").exists()


def test_source_page_and_api_break_a_source_down(login, district_officer, cases, tree):
    client = login(district_officer)
    page = client.get(reverse("stats:source", args=["cases.case"]), {"unit": tree.street_a.pk})
    assert page.status_code == 200
    assert page.context["total"].n == 9
    api = client.get(f"{API}sources/cases.case/", {"unit": tree.street_a.pk}).json()
    assert api["total"] == 9
    assert {c["label"]: c["count"] for c in api["children"]} == {
        tree.community_a.name: 6,
        tree.community_a2.name: 3,
    }
    assert client.get(f"{API}sources/nope/").status_code == 404


def test_stats_check_fails_on_a_difference_and_rebuild_mends_it(tree, cases, capsys):
    call_command("stats_check")
    StatsCount.objects.filter(source="cases.case").update(n=42)
    with pytest.raises(SystemExit) as exc:
        call_command("stats_check", "cases.case")
    assert exc.value.code == 1
    call_command("stats_rebuild")
    call_command("stats_check")
    assert all(not maintenance.check(s) for s in sources.sources())


@pytest.mark.parametrize(
    ("params", "start", "end"),
    [
        ({"period": "month", "at": "2026-02"}, "2026-02-01", "2026-03-01"),
        ({"period": "quarter", "at": "2025-Q4"}, "2025-10-01", "2026-01-01"),
        ({"period": "year", "at": "2024"}, "2024-01-01", "2025-01-01"),
        (
            {"period": "custom", "start": "2026-01-10", "end": "2026-01-19"},
            "2026-01-01",
            "2026-02-01",
        ),
        ({"period": "custom", "start": "2025-11", "end": "2026-02"}, "2025-11-01", "2026-03-01"),
    ],
)
def test_periods_and_the_period_before(params, start, end):
    period, error = periods.parse(params)
    assert error is None
    assert (str(period.start), str(period.end)) == (start, end)
    assert period.previous().end == period.start
    assert (
        period.previous().end - period.previous().start
        <= period.end - period.start + datetime.timedelta(days=3)
    )


def test_a_renamed_category_shows_its_new_name_at_once(login, district_officer, cases, tree):
    client = login(district_officer)

    def category_labels():
        response = client.get(URL)
        rows = next(
            d for d in response.context["cases"]["distributions"] if d["key"] == "category"
        )["rows"]
        return {r["label"] for r in rows}

    case = Case.objects.filter(org=tree.community_a).select_related("category").first()
    old = str(case.category)
    assert old in category_labels()  # read once: now kept by the process
    case.category.name = "改名后的类别"
    case.category.save(update_fields=["name"])
    labels = category_labels()
    assert "改名后的类别" in str(labels) and old not in labels
