"""A task that feeds a report cell: the figure each unit reports on completion fills that cell
of its report of the period (at once in a report being filled, or when the report is begun),
never over a number the unit already typed, and the unit may still change it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.notices import services
from jinguo.stats.choices import ReportEventKind
from jinguo.stats.models import ReportCell, ReportForm
from jinguo.stats.services import reports as report_services
from jinguo.stats.services.prefill import source_key
from jinguo.stats.tests.reports_helpers import last_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def events_cell(db):
    form = ReportForm.objects.get(code="rights_monthly")
    return ReportCell.objects.get(form=form, row__code="main", column__code="events")


def _task(user, cell, **kwargs):
    values = {
        "kind": "task",
        "title": "开展普法宣传活动",
        "body": "请报告本月开展活动场次。",
        "targets": "children",
        "due_on": timezone.localdate() + datetime.timedelta(days=5),
        "report_cell": cell.pk,
        "report_period": last_month() + datetime.timedelta(days=3),
    }
    values.update(kwargs)
    return services.notice_issue(user=user, **values)


def _complete(user, notice, figures):
    receipt = notice.receipts.get(org=user.home_unit)
    return services.receipt_complete(user=user, receipt=receipt, note="已完成", figures=figures)


def test_the_figure_fills_the_report_begun_later(street_officer, community_chair, events_cell):
    notice = _task(street_officer, events_cell)
    assert notice.report_period == last_month()
    assert notice.report_figure == source_key(events_cell)
    _complete(community_chair, notice, [(notice.report_figure, "3"), ("覆盖人数", "120")])
    report = report_services.report_start(
        user=community_chair, form=events_cell.form, period_start=last_month()
    )
    assert report.values["main.events"] == 3
    assert report.events.filter(kind=ReportEventKind.PREFILLED).exists()
    # The unit may still change it before submitting.
    report = report_services.report_save(
        user=community_chair, report=report, values={"main.events": "4"}
    )
    assert report.values["main.events"] == 4


def test_the_figure_fills_an_open_report_only_where_empty(
    street_officer, community_chair, chair2, events_cell
):
    mine = report_services.report_start(
        user=community_chair, form=events_cell.form, period_start=last_month()
    )
    theirs = report_services.report_start(
        user=chair2, form=events_cell.form, period_start=last_month()
    )
    report_services.report_save(user=chair2, report=theirs, values={"main.events": "9"})
    notice = _task(street_officer, events_cell)
    _complete(community_chair, notice, [(notice.report_figure, 2)])
    _complete(chair2, notice, [(notice.report_figure, 5)])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.values["main.events"] == 2
    assert theirs.values["main.events"] == 9  # typed by the unit: not overwritten
    assert "未覆盖" in theirs.events.filter(kind=ReportEventKind.PREFILLED).get().comment
    assert AuditEvent.objects.filter(action="report_prefill", object_id=str(mine.pk)).exists()


def test_the_figure_is_required_and_checked(street_officer, community_chair, events_cell):
    notice = _task(street_officer, events_cell)
    with pytest.raises(ValidationError) as exc:
        _complete(community_chair, notice, [("别的数据", "1")])
    assert notice.report_figure in exc.value.message_dict["figures"][0]
    participants = ReportCell.objects.get(
        form=events_cell.form, row__code="main", column__code="participants"
    )
    other = _task(street_officer, participants, title="报告参加人数")
    with pytest.raises(ValidationError) as exc:
        _complete(community_chair, other, [(other.report_figure, "-1")])
    assert "不能小于" in exc.value.message_dict["figures"][0]
    assert other.receipts.get(org=community_chair.home_unit).state != "completed"


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"kind": "notice", "due_on": None}, "report_cell"),
        ({"report_cell": 10**12}, "report_cell"),
        ({"report_cell": "x"}, "report_cell"),
        ({"report_period": "2026-13-01"}, "report_period"),
    ],
)
def test_bad_links_are_refused(street_officer, events_cell, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        _task(street_officer, events_cell, **kwargs)
    assert field in exc.value.message_dict


def test_a_computed_cell_cannot_be_fed(street_officer, events_cell):
    computed = ReportCell.objects.filter(form=events_cell.form, kind="computed").first()
    with pytest.raises(ValidationError) as exc:
        _task(street_officer, computed)
    assert "report_cell" in exc.value.message_dict


def test_pages_offer_the_cell_and_the_figure(login, street_officer, community_chair, events_cell):
    client = login(street_officer)
    page = client.get(reverse("notices:notice_create"))
    assert "数据填入报表" in page.content.decode()
    notice = _task(street_officer, events_cell)
    receipt = notice.receipts.get(org=community_chair.home_unit)
    page = login(community_chair).get(receipt.get_absolute_url())
    body = page.content.decode()
    assert 'data-testid="report-link"' in body and notice.report_figure in body


def test_the_issuer_sees_the_link(login, street_officer, events_cell):
    notice = _task(street_officer, events_cell)
    page = login(street_officer).get(notice.get_absolute_url())
    assert 'data-testid="report-link"' in page.content.decode()
