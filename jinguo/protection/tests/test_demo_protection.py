"""The demo's protection records: every state the README promises exists, made through the
services (audit rows, shares, schedules), the sweeps' real warnings, and a second load that
adds nothing. Loaded once per module inside a transaction rolled back at the end."""

import io

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.services import ensure_default_roles
from jinguo.cases.models import Case
from jinguo.core.models import AuditEvent
from jinguo.core.workdays import seed_from_chinese_calendar
from jinguo.demo.cases_data import load_cases
from jinguo.demo.management.commands.demo import DEMO_PASSWORD
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.people_data import load_people
from jinguo.demo.protection_data import load_protection
from jinguo.protection import choices as P
from jinguo.protection import models as M
from jinguo.protection.selectors.shelter import overdue_q, unattended_urgent_cases, with_occupancy

pytestmark = pytest.mark.django_db

MODELS = (
    M.RiskAssessment,
    M.SafetyPlan,
    M.PoliceWarning,
    M.WarningVisit,
    M.ProtectionOrder,
    M.Shelter,
    M.ShelterStay,
    M.EmergencyAction,
    M.MandatoryReport,
    M.FollowUpPlan,
    M.ProtectiveVisit,
    M.ScreeningCampaign,
    M.DisputeEntry,
    M.OpinionItem,
    M.Alert,
    Case,
    User,
)


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in (*MODELS, AuditEvent)}


def _by(model, field) -> dict:
    return dict(model.objects.values_list(field).annotate(n=Count("id")).order_by())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            command = DemoCommand(stdout=io.StringIO())
            ensure_default_roles()
            command.load_units()
            command.load_users()
            load_people(stdout=io.StringIO())
            seed_from_chinese_calendar(years=range(2024, timezone.localdate().year + 2))
            load_cases(password=DEMO_PASSWORD, stdout=io.StringIO())
            first = load_protection(password=DEMO_PASSWORD, stdout=io.StringIO())
            after_first = _counts()
            second = load_protection(password=DEMO_PASSWORD, stdout=io.StringIO())
            yield {"first": first, "second": second, "after_first": after_first}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_loading_twice_creates_the_data_once(demo):
    assert demo["first"]["assessments"] == M.RiskAssessment.objects.count() >= 4
    assert set(demo["second"].values()) == {0}
    assert _counts() == demo["after_first"]


def test_assessments_in_every_band_one_raised_by_judgement_one_rising(demo):
    assert set(_by(M.RiskAssessment, "level")) == set(P.RiskLevel.values)
    judged = M.RiskAssessment.objects.exclude(judged_level="").get()
    assert judged.level == P.RiskLevel.HIGH and judged.computed_level != P.RiskLevel.HIGH
    assert judged.judgement_reason
    assert M.SafetyPlan.objects.filter(reviewed_with__isnull=False).exists()
    assert M.SafetyPlan.objects.filter(reviewed_with__isnull=True).exists()
    # Made through the service: an audit row per assessment.
    assert (
        AuditEvent.objects.filter(object_type__icontains="riskassessment", action="create").count()
        == M.RiskAssessment.objects.count()
    )


def test_police_warnings_have_visits_done_due_and_missed(demo):
    assert set(_by(M.WarningVisit, "state")) >= {
        P.VisitState.DONE,
        P.VisitState.DUE,
        P.VisitState.MISSED,
    }
    chair = User.objects.get(username="chair")
    # The committee records the visits: the warning reaches the chair through its share.
    assert M.PoliceWarning.objects.restrict(chair, "view").exists()
    assert M.WarningVisit.objects.filter(done_by=chair).exists()


def test_orders_in_every_state_one_overdue_one_expiring_one_breached(demo):
    assert set(_by(M.ProtectionOrder, "status")) == set(P.OrderStatus.values)
    now, today = timezone.now(), timezone.localdate()
    assert M.ProtectionOrder.objects.filter(
        status=P.OrderStatus.ACCEPTED, decision_due_at__lt=now
    ).exists()
    assert M.ProtectionOrder.objects.filter(
        status=P.OrderStatus.ACCEPTED, decision_due_at__gt=now, urgent=True
    ).exists()
    expiring = M.ProtectionOrder.objects.get(
        status__in=P.ORDER_IN_FORCE,
        effective_until__range=(today, today + timezone.timedelta(days=14)),
    )
    assert (
        M.RiskAssessment.objects.filter(person=expiring.person).order_by("-assessed_at")[0].level
        == P.RiskLevel.HIGH
    )
    assert M.OrderBreach.objects.filter(order__status=P.OrderStatus.GRANTED).exists()
    assert M.OrderEvent.objects.filter(kind=P.OrderChange.EXTENSION).exists()


def test_a_shelter_nearly_full_with_a_stay_past_its_end_and_a_second_shelter(demo):
    shelters = {s.name: s for s in with_occupancy(M.Shelter.objects.all())}
    assert len(shelters) == 2
    full = max(shelters.values(), key=lambda s: s.occupied)
    assert (full.beds, full.occupied) == (10, 9)
    assert M.ShelterStay.objects.filter(overdue_q()).count() == 1
    assert M.ShelterStay.objects.filter(left_at__isnull=False).exclude(destination="").exists()


def test_urgent_cases_one_checklist_partly_ticked_one_untouched(demo):
    ticked = (
        M.EmergencyAction.objects.values("case")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values_list("case", flat=True)
    )
    assert ticked.exists()
    assert unattended_urgent_cases().exists()
    assert M.EmergencyEscalation.objects.exists()


def test_mandatory_reports_pending_and_turned_into_a_case(demo):
    assert set(_by(M.MandatoryReport, "status")) == set(P.ReportStatus.values)
    report = M.MandatoryReport.objects.get(status=P.ReportStatus.CASE)
    assert report.case.urgency == "urgent" and report.case.involves_minor


def test_protective_visits_done_due_and_missed(demo):
    states = set(_by(M.ProtectiveVisit, "state"))
    assert {P.VisitState.DONE, P.VisitState.DUE, P.VisitState.MISSED} <= states
    assert P.VisitState.UNREACHABLE in states
    # One plan shows all three; plans start on the day their case was resolved.
    plan = M.FollowUpPlan.objects.get(visits__state=P.VisitState.MISSED)
    assert set(plan.visits.values_list("state", flat=True)) == {"done", "missed", "due"}
    assert plan.started_on == timezone.localdate(plan.case.resolved_at)
    assert plan.started_on < timezone.localdate() - timezone.timedelta(days=30)


def test_screening_half_reported_and_opinions(demo):
    campaign = M.ScreeningCampaign.objects.get()
    reports = _by(M.ScreeningReport, "status")
    assert reports == {"submitted": 2, "pending": 2}
    assert M.DisputeEntry.objects.filter(report__campaign=campaign).count() >= 3
    assert set(_by(M.OpinionItem, "status")) == set(P.OpinionStatus.values)


def test_warnings_red_orange_and_yellow_and_a_red_one_on_the_leaders_home(demo):
    assert set(_by(M.Alert, "level")) == set(P.AlertLevel.values)
    assert set(_by(M.Alert, "status")) == set(P.AlertStatus.values)
    rules = set(M.Alert.objects.values_list("rule__code", flat=True))
    assert {"high_risk", "rising_band", "order_expiring", "order_breach", "visit_missed"} <= rules
    assert {"urgent_no_action", "minor_violence"} <= rules
    leader = User.objects.get(username="leader")
    red = M.Alert.objects.restrict(leader, "view").filter(
        level=P.AlertLevel.RED, status=P.AlertStatus.OPEN
    )
    assert red.exists()
    client = Client()
    client.force_login(leader)
    page = client.get("/").content.decode()
    assert 'data-testid="alerts-panel"' in page
    assert red.first().get_absolute_url() in page or "未签收" in page


@pytest.mark.parametrize(
    "username", ["leader", "weiquan", "weiquan2", "jiedao", "chair", "chair3", "grid", "hotline"]
)
def test_protection_pages_answer_for_the_demo_users(demo, username):
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    names = {
        "protection.view_alert": ["alert_list"],
        "protection.view_riskassessment": ["riskassessment_list", "riskperson_list"],
        "protection.view_protectionorder": ["protectionorder_list", "orderbreach_list"],
        "protection.view_policewarning": ["policewarning_list"],
        "protection.view_warningvisit": ["warningvisit_list"],
        "protection.view_shelter": ["shelter_list"],
        "protection.view_shelterstay": ["shelterstay_list"],
        "protection.view_mandatoryreport": ["mandatoryreport_list"],
        "protection.view_protectivevisit": ["visit_list"],
        "protection.view_followupplan": ["plan_list"],
        "protection.view_screeningcampaign": ["screeningcampaign_list"],
        "protection.view_screeningreport": ["screeningreport_list"],
        "protection.view_opinionitem": ["opinionitem_list"],
    }
    for perm, urls in names.items():
        if user.has_perm(perm):
            for name in urls:
                assert client.get(reverse(f"protection:{name}")).status_code == 200, name
