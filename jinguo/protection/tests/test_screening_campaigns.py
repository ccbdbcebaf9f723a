"""Issuing a campaign, a unit's return (submit, late, nothing found), reminders, totals."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent, Notification
from jinguo.orgs.choices import UnitKind
from jinguo.protection.choices import (
    CampaignTargets,
    DisputeKind,
    DisputeRisk,
    ScreeningReportStatus,
)
from jinguo.protection.models import ScreeningCampaign, ScreeningReport
from jinguo.protection.selectors.screening import campaign_totals, pending_reports
from jinguo.protection.services import screening as services
from jinguo.testing.factories import user_with_role
from jinguo.testing.tree import make_unit

pytestmark = pytest.mark.django_db


def issue(user, **kw):
    kw.setdefault("title", "春节前矛盾纠纷专项排查")
    kw.setdefault("kind", "special")
    kw.setdefault("scope", ["violence", "marriage"])
    kw.setdefault("due_on", timezone.localdate() + datetime.timedelta(days=5))
    return services.campaign_issue(user=user, **kw)


@pytest.fixture(autouse=True)
def run_on_commit(monkeypatch):
    """Notifications are sent after commit; the test's transaction never commits, so they are
    sent at once here."""
    from jinguo.core import notifications

    monkeypatch.setattr(notifications.transaction, "on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def leader(tree):
    return user_with_role(tree.district_a, "leader", real_name="周领导")


@pytest.fixture
def grid_worker(tree):
    return user_with_role(tree.grid_a, "grid_worker", real_name="张小红")


def entry(user, report, **kw):
    kw.setdefault("kind", DisputeKind.NEIGHBOUR)
    kw.setdefault("risk", DisputeRisk.LOW)
    kw.setdefault("parties", "王某与赵某（邻居）")
    kw.setdefault("description", "因楼道堆物发生争吵")
    return services.entry_create(user=user, report=report, **kw)


# --- issuing -------------------------------------------------------------------------------


def test_issuing_to_communities_creates_one_pending_report_per_community(tree, leader):
    campaign = issue(leader)
    reports = ScreeningReport.objects.filter(campaign=campaign)
    assert {r.org for r in reports} == {tree.community_a, tree.community_a2}
    assert {r.status for r in reports} == {ScreeningReportStatus.PENDING}
    assert campaign.org == tree.district_a and campaign.issued_by == leader


def test_issuing_to_direct_children_skips_the_deeper_units(tree, leader):
    campaign = issue(leader, targets=CampaignTargets.CHILDREN)
    assert [r.org for r in campaign.reports.all()] == [tree.street_a]


def test_issuing_to_a_chosen_level(tree):
    city_leader = user_with_role(tree.city, "leader")
    campaign = issue(city_leader, targets=CampaignTargets.TOWNSHIPS)
    assert {r.org for r in campaign.reports.all()} == {tree.street_a, tree.street_b}


def test_inactive_units_and_grids_get_no_report(tree, leader):
    closed = make_unit("990101001003", "已撤销社区", UnitKind.COMMUNITY, tree.street_a)
    closed.is_active = False
    closed.save()
    campaign = issue(leader)
    orgs = set(campaign.reports.values_list("org", flat=True))
    assert closed.pk not in orgs and tree.grid_a.pk not in orgs


def test_a_level_without_units_is_refused(tree, leader):
    with pytest.raises(ValidationError) as exc:
        issue(leader, targets=CampaignTargets.COUNTIES)
    assert "targets" in exc.value.message_dict
    assert not ScreeningCampaign.objects.exists()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("title", {"title": "  "}),
        ("scope", {"scope": []}),
        ("scope", {"scope": ["nonsense"]}),
        ("due_on", {"due_on": datetime.date(2000, 1, 1)}),
        ("kind", {"kind": "weekly"}),
    ],
)
def test_issue_validation(tree, leader, field, values):
    with pytest.raises(ValidationError) as exc:
        issue(leader, **values)
    assert field in exc.value.message_dict


def test_issuing_notifies_the_target_units_users_only(tree, leader, community_chair, grid_worker):
    elsewhere = user_with_role(tree.community_b, "community_chair")
    issue(leader)
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert community_chair.pk in told and grid_worker.pk in told
    assert elsewhere.pk not in told and leader.pk not in told


def test_issuing_is_audited(tree, leader):
    campaign = issue(leader)
    assert AuditEvent.objects.filter(action="screening_issue", object_id=str(campaign.pk)).exists()
    created = AuditEvent.objects.filter(object_type="protection.screeningreport", action="create")
    assert created.count() == 2
    # The grid of 芳草社区 shares its return.
    assert AuditEvent.objects.filter(action="share").count() == 1


def test_without_permission_nobody_issues(tree, community_chair):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        issue(community_chair)


# --- a unit's return -----------------------------------------------------------------------


def test_a_unit_records_entries_and_submits(tree, leader, community_chair):
    campaign = issue(leader)
    report = campaign.reports.get(org=tree.community_a)
    e = entry(community_chair, report, kind=DisputeKind.VIOLENCE, risk=DisputeRisk.HIGH)
    assert e.is_sensitive and e.org == tree.community_a
    report = services.report_submit(user=community_chair, report=report)
    assert report.status == ScreeningReportStatus.SUBMITTED
    assert not report.is_late and not report.nothing_found
    assert Notification.objects.filter(recipient=leader).exists()


def test_nothing_found_needs_a_note(tree, leader, community_chair):
    report = issue(leader).reports.get(org=tree.community_a)
    with pytest.raises(ValidationError) as exc:
        services.report_submit(user=community_chair, report=report, note="")
    assert "note" in exc.value.message_dict
    report = services.report_submit(user=community_chair, report=report, note="走访 120 户")
    assert report.nothing_found and report.status == ScreeningReportStatus.SUBMITTED


def test_after_the_due_date_a_return_is_taken_and_flagged_late(tree, leader, community_chair):
    report = issue(leader).reports.get(org=tree.community_a)
    ScreeningCampaign.objects.filter(pk=report.campaign_id).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    report = services.report_submit(user=community_chair, report=report, note="无")
    assert report.is_late and report.status == ScreeningReportStatus.SUBMITTED


def test_a_submitted_return_takes_no_new_entries_nor_a_second_submit(tree, leader, community_chair):
    report = issue(leader).reports.get(org=tree.community_a)
    services.report_submit(user=community_chair, report=report, note="无")
    with pytest.raises(ValidationError):
        entry(community_chair, report)
    with pytest.raises(ValidationError):
        services.report_submit(user=community_chair, report=report, note="再报")


def test_a_closed_campaign_takes_no_returns(tree, leader, community_chair):
    campaign = issue(leader)
    services.campaign_close(user=leader, campaign=campaign)
    with pytest.raises(ValidationError):
        services.report_submit(
            user=community_chair, report=campaign.reports.get(org=tree.community_a), note="无"
        )


def test_a_unit_cannot_fill_another_units_return(tree, leader, community_chair):
    report = issue(leader).reports.get(org=tree.community_a2)
    with pytest.raises(ValidationError) as exc:
        entry(community_chair, report)
    assert exc.value.code == "not_found"
    with pytest.raises(ValidationError):
        services.report_submit(user=community_chair, report=report, note="无")


def test_a_grid_worker_fills_her_communitys_return(tree, leader, community_chair, grid_worker):
    report = issue(leader).reports.get(org=tree.community_a)
    mine = entry(grid_worker, report)
    chairs = entry(community_chair, report)
    assert report in pending_reports(grid_worker)
    from jinguo.protection.models import DisputeEntry

    seen = set(DisputeEntry.objects.restrict(grid_worker, "view"))
    assert mine in seen and chairs not in seen
    # Not the neighbouring community's.
    other = report.campaign.reports.get(org=tree.community_a2)
    assert other not in pending_reports(grid_worker)


def test_a_grid_made_after_the_campaign_helps_its_community(
    tree, leader, django_capture_on_commit_callbacks
):
    report = issue(leader).reports.get(org=tree.community_a)
    with django_capture_on_commit_callbacks(execute=True):
        new_grid = make_unit("990101001001G09", "芳草社区新网格", UnitKind.GRID, tree.community_a)
    worker = user_with_role(new_grid, "grid_worker", username="new_grid_worker")
    assert report in pending_reports(worker)
    assert entry(worker, report).report == report
    # Saving it again shares nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        new_grid.save()
    assert services.grid_share_sync(new_grid) == (0, 0)


def test_a_grid_moved_to_another_community_swaps_the_returns_it_helps_with(
    tree, leader, grid_worker, django_capture_on_commit_callbacks
):
    from jinguo.orgs.services import orgunit_move

    campaign = issue(leader)
    mine, theirs = (campaign.reports.get(org=c) for c in (tree.community_a, tree.community_a2))
    mover = user_with_role(tree.district_a, "sysadmin", username="tree_keeper")
    from jinguo.testing.factories import grant

    grant(mover, "orgs.move_orgunit")
    with django_capture_on_commit_callbacks(execute=True):
        orgunit_move(user=mover, unit=tree.grid_a, new_parent=tree.community_a2, reason="调整网格")
    grid_worker.refresh_from_db()
    assert theirs in pending_reports(grid_worker) and mine not in pending_reports(grid_worker)


# --- reminders -----------------------------------------------------------------------------


def test_remind_button_tells_only_units_not_yet_reported(tree, leader, community_chair):
    a2_chair = user_with_role(tree.community_a2, "community_chair")
    campaign = issue(leader)
    services.report_submit(
        user=community_chair, report=campaign.reports.get(org=tree.community_a), note="无"
    )
    Notification.objects.all().delete()
    assert services.campaign_remind(user=leader, campaign=campaign) == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [a2_chair.pk]


def test_the_sweep_reminds_near_the_due_date_once_a_day(tree, leader, community_chair):
    campaign = issue(leader, due_on=timezone.localdate() + datetime.timedelta(days=10))
    Notification.objects.all().delete()
    assert services.remind_due() == 0  # not yet near
    ScreeningCampaign.objects.filter(pk=campaign.pk).update(
        due_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert services.remind_due() == 2
    assert Notification.objects.filter(recipient=community_chair).count() == 1
    assert services.remind_due() == 0  # reminded already today
    later = timezone.now() + datetime.timedelta(days=1)
    assert services.remind_due(now=later) == 2


def test_the_sweep_leaves_closed_campaigns_alone(tree, leader):
    campaign = issue(leader, due_on=timezone.localdate())
    services.campaign_close(user=leader, campaign=campaign)
    assert services.remind_due() == 0


# --- totals --------------------------------------------------------------------------------


def test_totals_count_submitted_returns_by_kind_and_risk(tree, leader, community_chair):
    a2_chair = user_with_role(tree.community_a2, "community_chair")
    campaign = issue(leader)
    ra = campaign.reports.get(org=tree.community_a)
    ra2 = campaign.reports.get(org=tree.community_a2)
    entry(community_chair, ra, kind=DisputeKind.VIOLENCE, risk=DisputeRisk.HIGH)
    entry(community_chair, ra, kind=DisputeKind.NEIGHBOUR, risk=DisputeRisk.LOW)
    entry(a2_chair, ra2, kind=DisputeKind.NEIGHBOUR, risk=DisputeRisk.MEDIUM)
    services.report_submit(user=community_chair, report=ra)
    reports = ScreeningReport.objects.restrict(leader, "view").filter(campaign=campaign)
    totals = campaign_totals(campaign, reports)
    # a2 has not submitted: its entry is not counted yet.
    assert totals["totals"]["total"] == 2
    kinds = dict(zip(DisputeKind.values, totals["totals"]["kinds"], strict=True))
    assert kinds["violence"] == 1 and kinds["neighbour"] == 1
    risks = dict(zip(DisputeRisk.values, totals["totals"]["risks"], strict=True))
    assert risks == {"low": 1, "medium": 0, "high": 1}
    services.report_submit(user=a2_chair, report=ra2)
    totals = campaign_totals(campaign, reports)
    assert totals["totals"]["total"] == 3
    assert [r["unit"] for r in totals["rows"]] == [tree.community_a.name, tree.community_a2.name]


def test_campaign_page_issuer_sees_all_returns_target_only_her_own(
    tree, leader, community_chair, client
):
    campaign = issue(leader)
    url = reverse("protection:screeningcampaign_detail", args=[campaign.pk])
    client.force_login(leader)
    r = client.get(url)
    assert r.status_code == 200 and r.context["issuer"]
    assert {row[0].org for row in r.context["rows"]} == {tree.community_a, tree.community_a2}
    client.force_login(community_chair)
    r = client.get(url)
    assert r.status_code == 200 and not r.context["issuer"]
    assert [row[0].org for row in r.context["rows"]] == [tree.community_a]
    assert r.context["totals"] is None
    client.force_login(user_with_role(tree.community_b, "community_chair"))
    assert client.get(url).status_code == 404


def test_totals_export_holds_counts_and_unit_names_only(tree, leader, community_chair, client):
    from jinguo.testing.responses import xlsx_rows

    campaign = issue(leader)
    report = campaign.reports.get(org=tree.community_a)
    entry(community_chair, report, parties="张三丰与李四娘", description="秘密叙述内容")
    services.report_submit(user=community_chair, report=report)
    client.force_login(leader)
    r = client.get(reverse("protection:screeningcampaign_export", args=[campaign.pk]))
    assert r.status_code == 200
    body = r.content
    rows = xlsx_rows(body)
    assert rows[0]["单位"] == tree.community_a.name and rows[0]["合计"] == 1
    text = repr(rows)
    assert "张三丰" not in text and "秘密叙述" not in text
    assert AuditEvent.objects.filter(action="export", object_id=str(campaign.pk)).exists()
