"""The detail sheet: every unit under the viewed one on one row, its computed cells from the
summary (equal to what each unit's own report computes), its manual cells from the report it
filed, the viewed unit's own figures as the total; scoped, audited, bounded."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jinguo.core.models import AuditEvent
from jinguo.stats import detail, periods
from jinguo.stats.services import reports as services

from .reports_helpers import cases_last_month, last_month

pytestmark = pytest.mark.django_db

URL = reverse("stats:report_overview")


def _period(form):
    return services.period_of(form, last_month())


def test_each_units_figures_equal_its_own_report(tree, district_leader, community_chair, form):
    cases_last_month(tree.community_a, 3, channel="walk_in")
    cases_last_month(tree.community_a2, 2, channel="hotline_12338")
    cases_last_month(tree.community_b, 4)  # another district
    report = services.report_start(user=community_chair, form=form, period_start=last_month())
    services.report_submit(user=community_chair, report=report, values={"main.events": "7"})
    rows, totals = detail.detail(district_leader, form, tree.district_a, _period(form))
    by_unit = {r.unit_id: r for r in rows}
    assert tree.community_b.pk not in by_unit  # outside her subtree
    assert [r.unit_id for r in rows][:1] == [tree.street_a.pk]  # path order: street first
    period = _period(form)
    for unit in (tree.street_a, tree.community_a, tree.community_a2):
        expected, _sensitive = services.compute(form, unit, period)
        got = by_unit[unit.pk].values
        assert {k: got[k] for k in expected} == expected
    assert by_unit[tree.community_a.pk].values["main.events"] == 7  # from the filed report
    assert by_unit[tree.community_a2.pk].values["main.events"] is None  # filed nothing
    assert totals["main.total"] == 5 == by_unit[tree.street_a.pk].values["main.total"]
    assert by_unit[tree.community_a.pk].depth == 2


def test_the_sheet_has_a_row_per_unit_indented_and_the_export_is_logged(
    login, tree, district_leader, form
):
    cases_last_month(tree.community_a, 2)
    client = login(district_leader)
    params = {"form": form.pk, "unit": tree.district_a.pk, "period": f"{last_month():%Y-%m-%d}"}
    page = client.get(URL, params)
    assert 'data-testid="export-detail"' in page.content.decode()
    response = client.get(URL, {**params, "export": "detail"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    names = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)]
    assert names[0] == tree.street_a.name
    assert "\u3000" + tree.community_a.name in names
    assert names[-1] == "合计"
    event = AuditEvent.objects.get(action="export", object_type="stats.report_detail")
    assert event.detail["rows"] == len(names) - 1


def test_a_community_gets_only_itself_and_another_district_is_not_found(
    login, tree, community_chair, chair_b, form
):
    params = {"form": form.pk, "period": f"{last_month():%Y-%m-%d}", "export": "detail"}
    client = login(community_chair)
    assert client.get(URL, {**params, "unit": tree.district_b.pk}).status_code == 404


def test_a_subtree_past_the_limit_is_refused_with_a_message(
    login, tree, district_leader, form, monkeypatch
):
    monkeypatch.setattr(detail, "MAX_UNITS", 1)
    client = login(district_leader)
    params = {"form": form.pk, "unit": tree.district_a.pk, "period": f"{last_month():%Y-%m-%d}"}
    response = client.get(URL, {**params, "export": "detail"}, follow=True)
    assert response.status_code == 200
    assert "超过明细表的上限" in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="stats.report_detail").exists()


def test_subtree_counts_answer_like_the_selectors(tree, form):
    from jinguo.stats import selectors, sources

    cases_last_month(tree.community_a, 3, channel="walk_in")
    cases_last_month(tree.community_a2, 1, channel="hotline_12338")
    src = sources.source("cases.case")
    period = periods.parse({"period": "month", "at": f"{last_month():%Y-%m}"})[0]
    counts = detail.SubtreeCounts(tree.district_a.path, period)
    for unit in (tree.district_a, tree.street_a, tree.community_a, tree.community_a2):
        for where in (None, {"channel": ["walk_in"]}, {"channel": None}):
            mine = counts.total(src, unit.path, period, where)
            theirs = selectors.total(src, unit.path, period, where)
            assert (mine.n, mine.n_sensitive) == (theirs.n, theirs.n_sensitive)
