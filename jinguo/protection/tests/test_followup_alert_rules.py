"""Every early-warning rule: it raises, it does not raise twice, and it resolves (or, for a
rule resolved by hand, stays)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jinguo.cases.models import CaseEvent, CaseParty, FollowUp
from jinguo.protection.models import (
    Alert,
    AlertRule,
    ChecklistStep,
    ChecklistTemplate,
    EmergencyAction,
)
from jinguo.protection.services.alert_sweep import alerts_sweep
from jinguo.testing.factories import UserFactory

from . import factories_followup as f

pytestmark = pytest.mark.django_db


def open_alerts(code):
    return list(Alert.objects.filter(rule__code=code).exclude(status="resolved"))


def sweep(now=None, full=False):
    return alerts_sweep(now, full=full)


def test_the_rules_are_shipped_with_levels_and_red_escalates_after_two_hours():
    rules = {r.code: r for r in AlertRule.objects.all()}
    assert set(rules) >= {
        "high_risk",
        "repeat_victim",
        "rising_band",
        "order_expiring",
        "order_breach",
        "visit_missed",
        "urgent_no_action",
        "minor_violence",
        "violence_recurred",
        "warning_visit_missed",
    }
    assert rules["high_risk"].level == "red" and rules["high_risk"].escalate_after_hours == 2
    assert rules["minor_violence"].level == "yellow"
    assert rules["minor_violence"].escalate_after_hours is None
    assert rules["order_breach"].resolves_when == "manual"


def test_high_risk_raises_once_and_resolves_when_reassessed_lower(tree):
    who = f.person(tree.community_a)
    f.assess(who, "high")
    sweep()
    [alert] = open_alerts("high_risk")
    assert alert.subject == f"person:{who.pk}" and alert.level == "red"
    assert alert.org_path == tree.community_a.path and who.name not in alert.summary
    sweep(full=True)
    sweep()
    assert len(open_alerts("high_risk")) == 1
    f.assess(who, "medium", at=timezone.now() + timedelta(minutes=1))
    sweep()
    assert open_alerts("high_risk") == []
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution


def test_a_warning_resolved_by_hand_is_not_raised_again_for_the_same_assessment(tree):
    who = f.person(tree.community_a)
    f.assess(who, "high")
    sweep()
    Alert.objects.filter(rule__code="high_risk").update(status="resolved")
    sweep(full=True)
    assert open_alerts("high_risk") == []
    # A new high assessment is a new occurrence.
    f.assess(who, "high", at=timezone.now() + timedelta(minutes=1))
    sweep()
    assert len(open_alerts("high_risk")) == 1


def test_rising_band_raises_and_resolves(tree):
    who = f.person(tree.community_a)
    now = timezone.now()
    f.assess(who, "standard", at=now - timedelta(days=30))
    f.assess(who, "medium", at=now - timedelta(days=1))
    sweep()
    [alert] = open_alerts("rising_band")
    assert "一般风险" in alert.summary and "中风险" in alert.summary
    sweep()
    assert len(open_alerts("rising_band")) == 1
    f.assess(who, "medium", at=now)
    sweep()
    assert open_alerts("rising_band") == []


def test_repeat_victim_two_violence_cases_in_twelve_months(tree):
    who = f.person(tree.community_a)
    f.violence_case(tree.community_a, who, received_at=timezone.now() - timedelta(days=200))
    sweep()
    assert open_alerts("repeat_victim") == []
    f.violence_case(tree.community_a, who)
    sweep()
    [alert] = open_alerts("repeat_victim")
    assert alert.subject == f"person:{who.pk}"
    sweep()
    assert len(open_alerts("repeat_victim")) == 1
    # Half a year on, the first case has left the 12-month window: no second case any more.
    sweep(now=timezone.now() + timedelta(days=200))
    assert open_alerts("repeat_victim") == []


def test_repeat_victim_counts_a_victim_named_as_a_party(tree):
    who = f.person(tree.community_a)
    f.violence_case(tree.community_a, who)
    case = f.violence_case(tree.community_a)
    CaseParty.objects.create(case=case, person=who, role="victim")
    sweep()
    assert [a.subject for a in open_alerts("repeat_victim")] == [f"person:{who.pk}"]


def test_order_expiring_with_continuing_risk(tree):
    who = f.person(tree.community_a)
    today = timezone.localdate()
    an_order = f.order(who, until=today + timedelta(days=20))
    f.assess(who, "medium")
    sweep()
    assert open_alerts("order_expiring") == []
    # Seven days later it is within fourteen days of its end.
    sweep(now=timezone.now() + timedelta(days=7))
    [alert] = open_alerts("order_expiring")
    assert alert.subject == f"order:{an_order.pk}"
    sweep(now=timezone.now() + timedelta(days=7))
    assert len(open_alerts("order_expiring")) == 1
    an_order.effective_until = today + timedelta(days=120)  # extended
    an_order.save()
    sweep(now=timezone.now() + timedelta(days=7))
    assert open_alerts("order_expiring") == []


def test_order_expiring_not_raised_when_risk_is_standard(tree):
    who = f.person(tree.community_a)
    f.order(who, until=timezone.localdate() + timedelta(days=5))
    f.assess(who, "standard")
    sweep()
    assert open_alerts("order_expiring") == []


def test_a_breach_is_raised_once_and_only_a_person_resolves_it(tree):
    who = f.person(tree.community_a)
    f.breach(f.order(who, until=timezone.localdate() + timedelta(days=90)))
    sweep()
    [alert] = open_alerts("order_breach")
    assert alert.level == "red"
    sweep(full=True)
    sweep(now=timezone.now() + timedelta(days=30))
    assert len(open_alerts("order_breach")) == 1


def test_a_missed_visit_warns_until_a_later_visit_reaches_her(tree):
    who = f.person(tree.community_a)
    plan = f.plan(who, started_on=timezone.localdate() - timedelta(days=10))
    missed = f.visit(plan, state="missed")
    sweep()
    [alert] = open_alerts("visit_missed")
    assert alert.subject == f"visit:{missed.pk}" and alert.rule.audience == "leader"
    sweep()
    assert len(open_alerts("visit_missed")) == 1
    later = f.visit(plan, due_on=timezone.localdate())
    later.state, later.done_at = "done", timezone.now()
    later.save()
    sweep()
    assert open_alerts("visit_missed") == []


def test_an_unreachable_victim_on_a_violence_case_call_warns(tree):
    case = f.violence_case(tree.community_a, f.person(tree.community_a), status="resolved")
    call = FollowUp.objects.create(case=case, caller=UserFactory(), result="unreachable")
    sweep()
    [alert] = open_alerts("visit_missed")
    assert alert.subject == f"followup:{call.pk}"
    FollowUp.objects.create(
        case=case,
        caller=UserFactory(),
        result="closed",
        satisfaction="satisfied",
        called_at=timezone.now() + timedelta(minutes=1),
    )
    sweep()
    assert open_alerts("visit_missed") == []


def test_an_unreachable_call_warns_without_telling_the_leader_a_second_time(
    tree, django_capture_on_commit_callbacks
):
    """cases.services.workflow tells the leaders when the call is logged; the warning is the
    record to act on, not a second notice."""
    from jinguo.cases.services import workflow
    from jinguo.core.models import Notification
    from jinguo.testing.factories import grant, user_with_role

    leader = user_with_role(tree.community_a, "leader", username="call_leader")
    worker = user_with_role(tree.community_a, "rights_officer", username="call_worker")
    grant(worker, "core.view_sensitive")
    case = f.violence_case(tree.community_a, f.person(tree.community_a), status="resolved")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_follow_up(
            user=worker, case=case, satisfaction="", result="unreachable", note="无人接听"
        )
        sweep()
    assert len(open_alerts("visit_missed")) == 1
    assert Notification.objects.filter(recipient=leader).count() == 1


def test_urgent_violence_case_without_action(tree):
    received = timezone.now() - timedelta(hours=1)
    case = f.violence_case(tree.community_a, urgency="urgent", received_at=received)
    sweep()
    assert open_alerts("urgent_no_action") == []
    later = timezone.now() + timedelta(hours=2)
    sweep(now=later)
    [alert] = open_alerts("urgent_no_action")
    assert alert.subject == f"case:{case.pk}" and alert.level == "red"
    sweep(now=later)
    assert len(open_alerts("urgent_no_action")) == 1
    template = ChecklistTemplate.objects.create(name="测试清单")
    step = ChecklistStep.objects.create(template=template, label="报警")
    EmergencyAction.objects.create(
        case=case, step=step, done_by=UserFactory(), org=case.org, done_at=later
    )
    sweep(now=later + timedelta(minutes=10))
    assert open_alerts("urgent_no_action") == []


def test_a_handling_step_counts_as_action(tree):
    received = timezone.now() - timedelta(hours=5)
    case = f.violence_case(tree.community_a, urgency="urgent", received_at=received)
    CaseEvent.objects.create(case=case, kind="accepted")
    sweep()
    assert open_alerts("urgent_no_action") == []


def test_minor_in_a_violence_case_until_it_is_closed(tree):
    child = f.person(tree.community_a, birth_date=date.today().replace(year=date.today().year - 12))
    case = f.violence_case(tree.community_a, child)
    plain = f.violence_case(tree.community_a, f.person(tree.community_a))
    flagged = f.violence_case(tree.community_a, involves_minor=True)
    sweep()
    subjects = {a.subject for a in open_alerts("minor_violence")}
    assert subjects == {f"case:{case.pk}", f"case:{flagged.pk}"}
    assert f"case:{plain.pk}" not in subjects
    sweep()
    assert len(open_alerts("minor_violence")) == 2
    case.status = "closed"
    case.save()
    sweep()
    assert {a.subject for a in open_alerts("minor_violence")} == {f"case:{flagged.pk}"}


def test_minor_violence_by_a_child_party_or_the_age_on_the_day_the_case_came_in(tree):
    today = date.today()
    kid = f.person(tree.community_a, birth_date=today.replace(year=today.year - 6))
    with_child = f.violence_case(
        tree.community_a, f.person(tree.community_a), parties=[(kid, "child")]
    )
    # Eighteen and a half now, and at intake: no minor.
    adult = f.person(tree.community_a, birth_date=today - timedelta(days=365 * 18 + 200))
    grown = f.violence_case(tree.community_a, adult)
    # Seventeen when the case came in a year ago, eighteen now: still a minor's case.
    was_minor = f.person(tree.community_a, birth_date=today - timedelta(days=365 * 18 + 100))
    early = f.violence_case(
        tree.community_a, was_minor, received_at=timezone.now() - timedelta(days=365)
    )
    sweep()
    subjects = {a.subject for a in open_alerts("minor_violence")}
    assert subjects == {f"case:{with_child.pk}", f"case:{early.pk}"}
    assert f"case:{grown.pk}" not in subjects


def test_recurrence_warns_until_she_is_reassessed(tree):
    who = f.person(tree.community_a)
    plan = f.plan(who, started_on=timezone.localdate() - timedelta(days=10))
    seen = f.visit(plan)
    seen.state, seen.recurred, seen.safe = "done", True, "unsafe"
    seen.done_at = timezone.now() - timedelta(minutes=5)
    seen.save()
    sweep()
    [alert] = open_alerts("violence_recurred")
    assert alert.level == "red"
    sweep()
    assert len(open_alerts("violence_recurred")) == 1
    f.assess(who, "medium")
    sweep()
    assert open_alerts("violence_recurred") == []


def test_an_inactive_rule_raises_nothing(tree):
    AlertRule.objects.filter(code="high_risk").update(is_active=False)
    f.assess(f.person(tree.community_a), "high")
    sweep()
    assert open_alerts("high_risk") == []
