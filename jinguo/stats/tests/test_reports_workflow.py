"""A community's monthly report: prefilled from the summary, manual cells typed, submitted to
the street, returned with a comment, resubmitted, accepted and locked, corrected as a new
version; every step audited."""

import pytest
from django.core.exceptions import ValidationError

from jinguo.core.models import AuditEvent
from jinguo.stats.choices import ReportState
from jinguo.stats.models import Report, ReportCell
from jinguo.stats.services import reports as services

from .reports_helpers import cases_last_month as _cases
from .reports_helpers import last_month

pytestmark = pytest.mark.django_db


def test_draft_is_prefilled_from_the_summary(tree, community_chair, form):
    _cases(tree.community_a, 3, channel="hotline_12338")
    _cases(tree.community_a, 2, channel="walk_in")
    _cases(tree.community_b, 4)
    report = services.report_start(user=community_chair, form=form, period_start=last_month())
    assert report.state == ReportState.DRAFT
    assert report.values["main.total"] == 5
    assert report.values["main.ch_12338"] == 3
    assert report.values["main.ch_walk_in"] == 2
    assert report.values["main.ch_other"] == 0
    assert report.org == tree.community_a
    # Starting again opens the same report.
    again = services.report_start(user=community_chair, form=form, period_start=last_month())
    assert again.pk == report.pk


def test_recompute_takes_new_records(tree, community_chair, form):
    report = services.report_start(user=community_chair, form=form, period_start=last_month())
    assert report.values["main.total"] == 0
    _cases(tree.community_a, 2)
    report = services.report_recompute(user=community_chair, report=report)
    assert report.values["main.total"] == 2


def test_manual_cells_are_validated_in_chinese(tree, community_chair, form):
    report = services.report_start(user=community_chair, form=form, period_start=last_month())
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            user=community_chair,
            report=report,
            values={"main.events": "三场", "main.participants": "-4"},
        )
    errors = exc.value.message_dict
    assert "不是数字" in errors["main.events"][0]
    assert "不能小于" in errors["main.participants"][0]
    # Required: the number of events.
    with pytest.raises(ValidationError) as exc:
        services.report_submit(user=community_chair, report=report)
    assert exc.value.message_dict["main.events"] == ["此项必填。"]


def test_a_sum_rule_stops_the_submission(tree, community_chair, form):
    cell = ReportCell.objects.get(form=form, row__code="main", column__code="ch_other")
    cell.kind, cell.formula = "number", ""
    cell.save()
    _cases(tree.community_a, 2)
    report = services.report_start(user=community_chair, form=form, period_start=last_month())
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            user=community_chair, report=report, values={"main.events": "1", "main.ch_other": "5"}
        )
    assert "应等于" in exc.value.message_dict["__all__"][0]
    report = services.report_submit(
        user=community_chair, report=report, values={"main.events": "1", "main.ch_other": "0"}
    )
    assert report.state == ReportState.SUBMITTED


def test_submit_return_resubmit_accept_lock_correct(tree, community_chair, street_leader, form):
    report = services.report_start(user=community_chair, form=form, period_start=last_month())
    report = services.report_submit(
        user=community_chair, report=report, values={"main.events": "2"}
    )
    assert report.state == ReportState.SUBMITTED and report.submitted_by == community_chair
    # Submitted: locked for the unit.
    with pytest.raises(ValidationError):
        services.report_save(user=community_chair, report=report, values={"main.events": "3"})
    # Returning needs a comment.
    with pytest.raises(ValidationError) as exc:
        services.report_review(user=street_leader, report=report, accept=False)
    assert "comment" in exc.value.message_dict
    report = services.report_review(
        user=street_leader, report=report, accept=False, comment="活动场次请核实"
    )
    assert report.state == ReportState.RETURNED and report.review_comment == "活动场次请核实"
    report = services.report_save(user=community_chair, report=report, values={"main.events": "3"})
    report = services.report_submit(user=community_chair, report=report)
    report = services.report_review(user=street_leader, report=report, accept=True)
    assert report.state == ReportState.ACCEPTED
    with pytest.raises(ValidationError):
        services.report_save(user=community_chair, report=report, values={"main.events": "4"})
    with pytest.raises(ValidationError):
        services.report_correct(user=community_chair, report=report, reason="")
    new = services.report_correct(user=community_chair, report=report, reason="漏报一场活动")
    assert new.version == 2 and new.previous == report and new.state == ReportState.DRAFT
    assert new.values["main.events"] == 3
    report.refresh_from_db()
    assert report.state == ReportState.SUPERSEDED
    assert services.current_report(form, tree.community_a, last_month()) == new
    actions = set(
        AuditEvent.objects.filter(object_type="stats.report").values_list("action", flat=True)
    )
    assert {
        "report_start",
        "report_submit",
        "report_return",
        "report_accept",
        "report_correct",
        "report_supersede",
    } <= actions
    assert [e.kind for e in report.events.all()] == [
        "created",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "accepted",
    ]


def test_only_the_parent_reviews_and_only_the_unit_fills(
    tree, community_chair, district_leader, chair_a2, form
):
    report = services.report_start(user=community_chair, form=form, period_start=last_month())
    # A sibling community cannot touch it; the district (grandparent) cannot review it.
    with pytest.raises(ValidationError):
        services.report_save(user=chair_a2, report=report, values={"main.events": "1"})
    report = services.report_submit(
        user=community_chair, report=report, values={"main.events": "1"}
    )
    with pytest.raises(ValidationError):
        services.report_review(user=district_leader, report=report, accept=True)
    with pytest.raises(ValidationError):
        services.report_review(user=community_chair, report=report, accept=True)


def test_a_street_consolidates_its_childrens_manual_figures(
    tree, community_chair, chair_a2, street_leader, form
):
    for chair, events in ((community_chair, "2"), (chair_a2, "5")):
        r = services.report_start(user=chair, form=form, period_start=last_month())
        services.report_submit(user=chair, report=r, values={"main.events": events})
    own = services.report_start(user=street_leader, form=form, period_start=last_month())
    assert own.values["main.events"] == 7
    assert Report.objects.filter(form=form).count() == 3


def test_control_characters_are_refused(community_chair, form):
    report = services.report_start(user=community_chair, form=form, period_start=last_month())
    with pytest.raises(ValidationError) as exc:
        services.report_save(user=community_chair, report=report, values={"main.note": "a\x00b"})
    assert "控制字符" in exc.value.message_dict["main.note"][0]
