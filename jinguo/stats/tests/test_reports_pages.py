"""The report pages as a user meets them: the grid keeps what she typed beside the Chinese
messages, the street reviews from the page, sees who has not filed, and exports the
consolidated report with merged headers and a total row; the API and the reminder job."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jinguo.core.models import AuditEvent, CalendarDay, Notification
from jinguo.stats.choices import ReportState
from jinguo.stats.models import Report, ReportForm, ReportReminder
from jinguo.stats.services import reports as services

from .reports_helpers import cases_last_month, last_month

pytestmark = pytest.mark.django_db


def _start(user, form):
    return services.report_start(user=user, form=form, period_start=last_month())


def test_a_wrong_number_keeps_what_was_typed(login, community_chair, form):
    report = _start(community_chair, form)
    client = login(community_chair)
    response = client.post(
        reverse("stats:report_fill", args=[report.pk]),
        {
            "step": "submit",
            "c-main.events": "三场",
            "c-main.participants": "40",
            "c-main.note": "好",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "不是数字" in html
    assert 'value="三场"' in html and 'value="40"' in html
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_submit_and_review_through_the_pages(
    login, community_chair, street_leader, form, django_capture_on_commit_callbacks
):
    report = _start(community_chair, form)
    c = login(community_chair)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            reverse("stats:report_fill", args=[report.pk]),
            {"step": "submit", "c-main.events": "2"},
        )
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    # The street leader is told, and reviews from the page.
    assert Notification.objects.filter(recipient=street_leader).exists()
    c = login(street_leader)
    page = c.get(reverse("stats:report_detail", args=[report.pk]))
    assert page.context["can_review"]
    response = c.post(reverse("stats:report_review", args=[report.pk]), {"decision": "return"})
    assert "退回时请写明" in response.content.decode()
    c.post(
        reverse("stats:report_review", args=[report.pk]),
        {"decision": "return", "comment": "请补充参加人次"},
    )
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    c = login(community_chair)
    page = c.get(reverse("stats:report_detail", args=[report.pk]))
    assert "请补充参加人次" in page.content.decode()


def test_the_street_sees_its_children_and_exports_the_consolidation(
    login, tree, community_chair, street_leader, form
):
    cases_last_month(tree.community_a, 3, channel="walk_in")
    cases_last_month(tree.community_a2, 1)
    report = _start(community_chair, form)
    services.report_submit(user=community_chair, report=report, values={"main.events": "2"})
    client = login(street_leader)
    url = reverse("stats:report_overview")
    params = {"form": form.pk, "period": f"{last_month():%Y-%m-%d}"}
    response = client.get(url, params)
    assert response.status_code == 200
    view = response.context["view"]
    assert [r.unit for r in view.rows] == [tree.community_a, tree.community_a2]
    assert [r.filed for r in view.rows] == [True, False]
    assert view.consolidated["main.total"] == 3
    # A deadline long past: the missing community is overdue.
    assert view.rows[1].overdue == (datetime.date.today() > view.due_on)
    exported = client.get(url, {**params, "export": "xlsx"})
    ws = load_workbook(io.BytesIO(exported.content)).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A2:A3" in merged  # the unit column spans both header levels
    headers = [ws.cell(2, c).value for c in range(1, ws.max_column + 1)]
    assert headers[:3] == ["单位", "来信来访总量", "按来源渠道"]
    # 来信来访总量 has one level: merged down; 按来源渠道 spans its six channels.
    assert "B2:B3" in merged and "C2:H2" in merged
    assert [ws.cell(3, c).value for c in range(3, 9)] == [
        "12338热线",
        "来访",
        "来信",
        "网上平台",
        "网格上报",
        "其他",
    ]
    assert ws.cell(4, 1).value == tree.community_a.name
    assert ws.cell(5, 1).value == "合计"
    assert ws.cell(4, 2).value == 3 and ws.cell(5, 2).value == 3
    assert AuditEvent.objects.filter(action="export", object_type="stats.report").exists()


def test_consolidated_sums_several_children_with_a_rows_form(tree, community_chair, chair_a2):
    form = ReportForm.objects.get(code="focus_people_quarterly")
    start = services.last_closed_period(form).start
    for chair, n in ((community_chair, "3"), (chair_a2, "4")):
        r = services.report_start(user=chair, form=form, period_start=start)
        values = {"left_behind_woman.helped": n, "total.helped": n}
        services.report_submit(user=chair, report=r, values=values)
    cells = services.cells_of(form)
    reports = list(services.children_reports(form, tree.street_a, start))
    totals = services.sum_values(cells, reports)
    assert totals["left_behind_woman.helped"] == 7 and totals["total.helped"] == 7
    from jinguo.stats import reports_excel

    content = reports_excel.build(
        form=form,
        period=services.period_of(form, start),
        unit=tree.street_a,
        cells=cells,
        rows=[(r.org.name, r.values) for r in reports],
        totals=totals,
    )
    ws = load_workbook(io.BytesIO(content)).active
    # Row labels are the first header level, the columns' levels below them.
    assert ws.cell(2, 2).value == "留守妇女"
    assert ws.cell(4, 3).value == "帮扶人次"
    last = ws.max_row
    assert ws.cell(last, 1).value == "合计"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:A4", "B2:D2", "C3:D3", "B3:B4"} <= merged
    assert ws.cell(last, 3).value == 7


def test_a_quarter_rule_refuses_a_wrong_total(community_chair):
    form = ReportForm.objects.get(code="focus_people_quarterly")
    start = services.last_closed_period(form).start
    r = services.report_start(user=community_chair, form=form, period_start=start)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            user=community_chair,
            report=r,
            values={"left_behind_woman.helped": "3", "total.helped": "2"},
        )
    assert "应等于" in exc.value.message_dict["__all__"][0]


def test_deadline_counts_working_days(form):
    period = services.period_of(form, datetime.date(2026, 9, 1))
    # 30 Sept 2026 is a Wednesday: five working days later is Wednesday 7 October …
    assert services.due_on(form, period) == datetime.date(2026, 10, 7)
    # … unless the National Day holiday (1–7 October) is in the calendar, with a make-up
    # working day on Saturday 10 October.
    for day in range(1, 8):
        CalendarDay.objects.create(date=datetime.date(2026, 10, day), kind="holiday")
    CalendarDay.objects.create(date=datetime.date(2026, 10, 10), kind="workday")
    assert services.due_on(form, period) == datetime.date(2026, 10, 13)


def _past_deadline(form):
    """Noon of the day after the deadline of last month's report (still in the month when
    that report is the last closed one, whatever day the test runs)."""
    due = services.due_on(form, services.last_closed_period(form))
    day = due + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 12))


def test_overdue_units_are_reminded_once(
    tree, community_chair, chair_a2, form, django_capture_on_commit_callbacks
):
    now = _past_deadline(form)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.remind_overdue(now)
    assert first >= 2  # both communities of 春晖街道, at least
    assert (
        Notification.objects.filter(recipient=community_chair, title__contains=form.name).count()
        == 1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_overdue(now) == 0
    assert (
        Notification.objects.filter(recipient=community_chair, title__contains=form.name).count()
        == 1
    )
    assert ReportReminder.objects.filter(org=tree.community_a).exists()


def test_a_unit_that_filed_is_not_reminded(tree, community_chair, form):
    r = _start(community_chair, form)
    services.report_submit(user=community_chair, report=r, values={"main.events": "1"})
    services.remind_overdue(_past_deadline(form))
    assert ReportReminder.objects.filter(form=form, org=tree.community_a2).exists()
    assert not ReportReminder.objects.filter(form=form, org=tree.community_a).exists()


def test_the_leaders_panel_lists_waiting_and_missing(login, community_chair, street_leader, form):
    r = _start(community_chair, form)
    services.report_submit(user=community_chair, report=r, values={"main.events": "1"})
    html = login(street_leader).get(reverse("core:home")).content.decode()
    assert 'data-testid="panel-reports"' in html
    assert 'data-testid="awaiting-review"' in html
    assert "杏林社区妇联" in html  # has not filed


def test_api_lists_scoped_reports_and_reviews(tree, community_chair, chair_b, street_leader, form):
    from rest_framework.test import APIClient

    mine = _start(community_chair, form)
    _start(chair_b, form)
    api = APIClient()
    api.force_authenticate(community_chair)
    got = api.get("/api/stats/reports/").json()
    ids = [r["id"] for r in got["results"]] if isinstance(got, dict) else [r["id"] for r in got]
    assert ids == [mine.pk]
    response = api.post(
        f"/api/stats/reports/{mine.pk}/submit/", {"values": {"main.events": "x"}}, format="json"
    )
    assert response.status_code == 400
    response = api.post(
        f"/api/stats/reports/{mine.pk}/submit/", {"values": {"main.events": "2"}}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    api.force_authenticate(street_leader)
    response = api.post(f"/api/stats/reports/{mine.pk}/review/", {"accept": True}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    assert Report.objects.get(pk=mine.pk).state == ReportState.ACCEPTED


def test_sysadmin_sees_forms_and_edits_a_formula(login, sysadmin, form):
    client = login(sysadmin)
    page = client.get(reverse("stats:reportform_list"))
    assert page.status_code == 200
    assert (
        "count(&quot;cases.case&quot;" in page.content.decode() or "count(" in page.content.decode()
    )
    cell = form.cells.get(row__code="main", column__code="ch_12338")
    url = reverse("stats:reportcell_update", args=[cell.pk])
    response = client.post(url, {"kind": "computed", "formula": 'count("nope.nope")'})
    assert response.status_code == 200 and "没有统计来源" in response.content.decode()
    response = client.post(
        url, {"kind": "computed", "formula": 'count("cases.case", channel="walk_in")'}
    )
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.formula == 'count("cases.case", channel="walk_in")'


def test_small_sensitive_figures_are_hidden_without_view_sensitive(
    login, tree, community_chair, street_leader, form
):
    cases_last_month(tree.community_a, 2, category="family-violence", gbv_type="physical")
    report = _start(community_chair, form)
    assert report.values["main.total"] == 2
    assert "main.total" in report.sensitive_cells
    assert report.shown_values(community_chair)["main.total"] == "<5"
    assert report.shown_values(street_leader)["main.total"] == 2
    page = login(community_chair).get(reverse("stats:report_detail", args=[report.pk]))
    assert "&lt;5" in page.content.decode()
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(community_chair)
    got = api.get(f"/api/stats/reports/{report.pk}/").json()
    assert got["values"]["main.total"] == "<5"


@pytest.mark.parametrize("period", ["9999-12-01", "0001-01-01", "x", "2026-13-01", ""])
def test_odd_periods_are_no_error(login, street_leader, form, period):
    client = login(street_leader)
    response = client.get(reverse("stats:report_overview"), {"form": form.pk, "period": period})
    assert response.status_code == 200
    response = client.get(reverse("stats:report_start"), {"form": form.pk, "period": period})
    assert response.status_code in (200, 302)
    response = client.post(reverse("stats:report_start"), {"form": form.pk, "period": period})
    assert response.status_code == 302
    assert client.get(reverse("stats:report_overview"), {"form": "x"}).status_code == 404


def test_a_street_sees_its_children_a_community_only_its_own(
    login, community_chair, chair_a2, chair_b, street_leader, form
):
    a = _start(community_chair, form)
    a2 = _start(chair_a2, form)
    b = _start(chair_b, form)

    def listed(user):
        table = login(user).get(reverse("stats:report_list")).context["table"]
        return {row.record.pk for row in table.rows}

    assert listed(street_leader) == {a.pk, a2.pk}
    assert listed(community_chair) == {a.pk}
    client = login(chair_a2)
    assert client.get(reverse("stats:report_detail", args=[a.pk])).status_code == 404
    assert login(chair_b).get(reverse("stats:report_detail", args=[a.pk])).status_code == 404
    assert login(street_leader).get(reverse("stats:report_detail", args=[b.pk])).status_code == 404
