"""Deadlines from policies (hours, calendar and working days over the Spring Festival and into
2027), due states, and the sweep that raises each alert once."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from jinguo.cases import choices
from jinguo.cases.choices import DeadlineUnit, DueState, Status
from jinguo.cases.deadlines import apply_deadlines, policy_for, referral_due_at, sweep
from jinguo.cases.models import Agency, Case, CaseEvent, DeadlinePolicy, Referral
from jinguo.cases.tests.factories import category, make_case
from jinguo.core import workdays
from jinguo.core.models import Notification
from jinguo.testing.factories import user_with_role

TZ = timezone.get_default_timezone()


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def end_of(day: datetime.date) -> datetime.datetime:
    return local(day.year, day.month, day.day, 23, 59, 59)


@pytest.fixture
def seeded_2026(db):
    workdays.seed_from_chinese_calendar([2026])
    yield
    workdays.invalidate_cache()


@pytest.fixture
def working_policy(db):
    """家庭纠纷: decide in 15 working days, finish in 15 working days."""
    return DeadlinePolicy.objects.create(
        name="测试工作日",
        category=category("family-dispute"),
        decide_amount=15,
        decide_unit=DeadlineUnit.WORKING_DAYS,
        finish_amount=15,
        finish_unit=DeadlineUnit.WORKING_DAYS,
    )


def test_fifteen_working_days_over_the_spring_festival(tree, seeded_2026, working_policy):
    case = make_case(tree.community_a, received_at=local(2026, 2, 13, 10, 30))
    assert case.decide_due_at == end_of(datetime.date(2026, 3, 12))
    assert case.due_at == case.decide_due_at


def test_a_deadline_reaching_into_2027_falls_back_to_weekends(tree, seeded_2026, working_policy):
    # 2027 has no holiday data (chinese_calendar 1.11 raises for it): no exception, weekends only.
    case = make_case(tree.community_a, received_at=local(2026, 12, 20, 9, 0))
    assert case.decide_due_at == end_of(datetime.date(2027, 1, 8))


def test_calendar_days_end_at_the_end_of_the_day(tree):
    case = make_case(tree.community_a, received_at=local(2026, 2, 13, 10, 30))
    # The shipped default: decide within 15 days, finish within 60 (calendar days).
    assert case.decide_due_at == end_of(datetime.date(2026, 2, 28))
    assert case.finish_due_at == end_of(datetime.date(2026, 4, 14))


def test_urgent_violence_counts_hours(tree):
    received = local(2026, 5, 1, 22, 15)
    case = make_case(
        tree.community_a, category="family-violence", urgency="urgent", received_at=received
    )
    assert policy_for(case).name == "紧急家庭暴力"
    assert case.decide_due_at == received + datetime.timedelta(hours=2)


def test_policy_lookup_most_specific_first(tree):
    dv = make_case(tree.community_a, category="family-violence")
    assert policy_for(dv).name == "家庭暴力"
    urgent_dispute = make_case(tree.community_a, urgency="urgent")
    assert policy_for(urgent_dispute).name == "紧急诉求"
    plain = make_case(tree.community_a)
    assert policy_for(plain).name == "默认（信访工作条例）"
    # A policy on the parent category applies to its sub-categories.
    DeadlinePolicy.objects.create(name="婚姻家庭", category=category("family"), decide_amount=5)
    assert policy_for(Case.objects.get(pk=plain.pk)).name == "婚姻家庭"
    # Switched off, it no longer applies.
    DeadlinePolicy.objects.filter(name="婚姻家庭").update(is_active=False)
    assert policy_for(Case.objects.get(pk=plain.pk)).name == "默认（信访工作条例）"


def test_due_at_follows_the_status(tree):
    received = local(2026, 3, 2, 9, 0)
    case = make_case(tree.community_a, received_at=received)
    assert case.due_at == case.decide_due_at
    case.status = Status.IN_PROGRESS
    apply_deadlines(case)
    assert case.due_at == case.finish_due_at
    case.status, case.resolved_at = Status.RESOLVED, local(2026, 3, 20, 16, 0)
    apply_deadlines(case)
    assert case.follow_up_due_at is not None and case.due_at == case.follow_up_due_at
    case.status = Status.CLOSED
    assert "due_at" in apply_deadlines(case)
    assert case.due_at is None and case.due_state == DueState.NONE


def test_extension_days_extend_the_finish_deadline(tree):
    case = make_case(tree.community_a, status=Status.IN_PROGRESS)
    before = case.finish_due_at
    case.extension_days = 30
    assert set(apply_deadlines(case)) >= {"finish_due_at", "due_at"}
    assert case.finish_due_at - before == datetime.timedelta(days=30)


def test_due_state(tree):
    now = timezone.now()
    case = make_case(tree.community_a, received_at=now - datetime.timedelta(days=14))
    assert case.due_state == DueState.SOON  # within the 72 warning hours
    old = make_case(tree.community_a, received_at=now - datetime.timedelta(days=20))
    assert old.due_state == DueState.OVERDUE
    assert make_case(tree.community_a).due_state == DueState.OK


def test_referral_due_at_uses_the_policy(tree, seeded_2026):
    case = make_case(tree.community_a)
    # 5 working days from the last day before the Spring Festival break.
    assert referral_due_at(case, local(2026, 2, 13, 15, 0)) == end_of(datetime.date(2026, 2, 27))


# --- the sweep -----------------------------------------------------------------------------


def set_due(case, due_at, state=DueState.OK):
    Case.objects.filter(pk=case.pk).update(due_at=due_at, due_state=state)


@pytest.fixture
def leader_a(tree):
    return user_with_role(tree.community_a, "leader", username="leader_fangcao")


def test_sweep_alerts_once(tree, community_chair, leader_a, django_capture_on_commit_callbacks):
    now = timezone.now()
    soon = make_case(tree.community_a, status=Status.IN_PROGRESS, assigned_to=community_chair)
    set_due(soon, now + datetime.timedelta(hours=5))
    late = make_case(tree.community_a, status=Status.ACCEPTED)
    set_due(late, now - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep(now=now)
    assert counts["soon"] == 1 and counts["overdue"] == 1
    soon.refresh_from_db()
    late.refresh_from_db()
    assert soon.due_state == DueState.SOON and late.due_state == DueState.OVERDUE
    assert CaseEvent.objects.filter(case=soon, kind="due_soon").count() == 1
    assert CaseEvent.objects.filter(case=late, kind="overdue").count() == 1
    # The worker hears of her case; the leader of the unassigned overdue one.
    assert (
        Notification.objects.filter(recipient=community_chair, title__contains="即将到期").count()
        == 1
    )
    assert Notification.objects.filter(recipient=leader_a, title__contains="已超期").count() == 1
    # Twice: nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = sweep(now=now + datetime.timedelta(minutes=10))
    assert again["soon"] == again["overdue"] == 0
    assert Notification.objects.count() == 2
    assert CaseEvent.objects.filter(kind__in=["due_soon", "overdue"]).count() == 2


def test_sweep_overdue_assigned_case_tells_worker_and_leader(
    tree, community_chair, leader_a, django_capture_on_commit_callbacks
):
    now = timezone.now()
    case = make_case(tree.community_a, status=Status.ASSIGNED, assigned_to=community_chair)
    set_due(case, now - datetime.timedelta(minutes=5), DueState.SOON)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=now)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        community_chair.pk,
        leader_a.pk,
    }


def test_sweep_clears_final_cases_and_restores_ok(tree):
    now = timezone.now()
    closed = make_case(tree.community_a, status=Status.CLOSED)
    Case.objects.filter(pk=closed.pk).update(due_state=DueState.OVERDUE)
    far = make_case(tree.community_a)
    set_due(far, now + datetime.timedelta(days=10), DueState.SOON)
    counts = sweep(now=now)
    assert counts["cleared"] == 1 and counts["ok"] == 1
    assert Case.objects.get(pk=closed.pk).due_state == DueState.NONE
    assert Case.objects.get(pk=far.pk).due_state == DueState.OK


def test_sweep_urges_overdue_referrals_once(
    tree, district_officer, django_capture_on_commit_callbacks
):
    case = make_case(tree.district_a, status=Status.IN_PROGRESS)
    agency = Agency.objects.create(
        org=tree.district_a, name="和平区法律援助中心", kind=choices.AgencyKind.LEGAL_AID
    )
    referral = Referral.objects.create(
        org=tree.district_a,
        case=case,
        agency=agency,
        request="请提供法律援助",
        consent_purpose=agency.consent_purpose,
        sent_by=district_officer,
        due_at=timezone.now() - datetime.timedelta(hours=2),
    )
    answered = Referral.objects.create(
        org=tree.district_a,
        case=case,
        agency=agency,
        request="另一件",
        consent_purpose=agency.consent_purpose,
        sent_by=district_officer,
        due_at=timezone.now() - datetime.timedelta(hours=2),
        status=choices.ReferralStatus.ACCEPTED,
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep()
    notes = Notification.objects.filter(recipient=district_officer)
    assert notes.count() == 1 and "逾期未答复" in notes.get().title
    events = CaseEvent.objects.filter(case=case, kind="overdue")
    assert [e.data["referral_id"] for e in events] == [referral.pk]
    assert answered.pk != referral.pk


def test_sweep_command_prints_chinese_counts(tree):
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "期限检查完成" in out.getvalue()


def test_scheduler_runs_once(tree):
    late = make_case(tree.community_a)
    set_due(late, timezone.now() - datetime.timedelta(hours=1))
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "新超期 1 件" in out.getvalue()
    assert Case.objects.get(pk=late.pk).due_state == DueState.OVERDUE
