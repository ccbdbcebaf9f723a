"""Protective follow-up: a plan on resolving a violence case, the visit schedule, unreachable
victims, recurrence, missed visits, and ending a plan only with a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jinguo.cases.choices import Status
from jinguo.cases.services.workflow import case_resolve
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent, Notification
from jinguo.protection.models import FollowUpPlan, ProtectiveVisit
from jinguo.protection.services.followup import (
    plan_end,
    plan_schedule_next,
    visit_record,
    visits_mark_missed,
)
from jinguo.testing.factories import grant, user_with_role

from . import factories_followup as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    user = user_with_role(tree.district_a, "rights_officer", username="officer_fu")
    grant(user, "core.view_sensitive")
    return user


@pytest.fixture
def leader(tree):
    return user_with_role(tree.community_a, "leader", username="leader_fu")


def test_resolving_a_violence_case_starts_a_plan(tree, officer, django_capture_on_commit_callbacks):
    who = f.person(tree.community_a)
    case = f.violence_case(tree.community_a, who, status=Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        case_resolve(user=officer, case=case, outcome="answered", outcome_note="已联系派出所")
    plan = FollowUpPlan.objects.get(person=who)
    assert plan.case == case and plan.status == "active" and plan.org == tree.community_a
    assert plan.schedule_days == [7, 30, 90] and plan.repeat_every_days == 90
    [visit] = plan.visits.all()
    assert visit.due_on == plan.started_on + timedelta(days=7) and visit.state == "due"
    assert AuditEvent.objects.filter(object_type="protection.followupplan", action="create")


def test_resolving_another_case_starts_no_plan(tree, officer, django_capture_on_commit_callbacks):
    case = make_case(
        tree.community_a, status=Status.IN_PROGRESS, complainant=f.person(tree.community_a)
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_resolve(user=officer, case=case, outcome="answered", outcome_note="已答复")
    assert not FollowUpPlan.objects.exists()


def _done(visit, user):
    return visit_record(
        user=user,
        visit=visit,
        mode="phone",
        reached=True,
        safe="safe",
        recurred=False,
        done_at=timezone.make_aware(
            timezone.datetime.combine(visit.due_on, timezone.datetime.min.time())
        )
        if visit.due_on <= timezone.localdate()
        else timezone.now(),
    )


def test_schedule_seven_thirty_ninety_then_every_ninety_while_risk_lasts(tree, officer):
    who = f.person(tree.community_a)
    start = timezone.localdate() - timedelta(days=400)
    plan = f.plan(who, started_on=start)
    f.assess(who, "medium")
    dues = []
    for _ in range(5):
        visit = plan_schedule_next(plan=plan, today=start)
        dues.append((visit.due_on - start).days)
        _done(visit, officer)
        ProtectiveVisit.objects.filter(plan=plan, state="due").delete()
    assert dues == [7, 30, 90, 180, 270]


def test_the_schedule_stops_when_risk_is_standard_and_resumes_when_it_rises(tree, officer):
    who = f.person(tree.community_a)
    start = timezone.localdate() - timedelta(days=100)
    plan = f.plan(who, started_on=start)
    for days in (7, 30, 90):
        f.visit(plan, due_on=start + timedelta(days=days), state="done")
    f.assess(who, "standard")
    assert plan_schedule_next(plan=plan) is None
    plan.refresh_from_db()
    assert plan.status == "active"  # only a decision ends it
    f.assess(who, "high", at=timezone.now() + timedelta(minutes=1))
    visit = plan_schedule_next(plan=plan)
    assert visit is not None and visit.due_on >= timezone.localdate()


def test_an_unreachable_victim_keeps_the_plan_and_warns_the_leader(
    tree, officer, leader, django_capture_on_commit_callbacks
):
    plan = f.plan(f.person(tree.community_a), started_on=timezone.localdate() - timedelta(days=8))
    visit = plan_schedule_next(plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        visit = visit_record(user=officer, visit=visit, mode="phone", reached=False)
    assert visit.state == "unreachable"
    plan.refresh_from_db()
    assert plan.status == "active" and plan.visits.filter(state="due").count() == 1
    assert Notification.objects.filter(recipient=leader, level="warning").exists()


def test_a_reached_visit_needs_safety_and_recurrence(tree, officer):
    plan = f.plan(f.person(tree.community_a), started_on=timezone.localdate() - timedelta(days=8))
    visit = plan_schedule_next(plan=plan)
    with pytest.raises(ValidationError) as exc:
        visit_record(user=officer, visit=visit, mode="phone", reached=True)
    assert {"safe", "recurred"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        visit_record(
            user=officer, visit=visit, mode="phone", reached=True, safe="unsafe", recurred=True
        )
    assert "recurrence" in exc.value.message_dict


def test_recurrence_reopens_the_closed_case_and_asks_for_reassessment(
    tree, officer, django_capture_on_commit_callbacks
):
    who = f.person(tree.community_a)
    case = f.violence_case(tree.community_a, who, status=Status.CLOSED, assigned_to=officer)
    plan = f.plan(who, case=case, started_on=timezone.localdate() - timedelta(days=8))
    visit = plan_schedule_next(plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        visit = visit_record(
            user=officer,
            visit=visit,
            mode="in_person",
            reached=True,
            safe="unsafe",
            recurred=True,
            recurrence="reopen",
            needs="需要庇护",
        )
    case.refresh_from_db()
    assert case.status in (Status.IN_PROGRESS, Status.ACCEPTED)
    assert visit.recurrence_case == case
    assert Notification.objects.filter(recipient=officer, title__contains="重新评估").exists()


def test_recurrence_on_a_resolved_case_opens_a_linked_case(
    tree, officer, django_capture_on_commit_callbacks
):
    who = f.person(tree.community_a)
    case = f.violence_case(tree.community_a, who, status=Status.RESOLVED)
    plan = f.plan(who, case=case, started_on=timezone.localdate() - timedelta(days=8))
    visit = plan_schedule_next(plan=plan)
    visit = visit_record(
        user=officer,
        visit=visit,
        mode="phone",
        reached=True,
        safe="unsafe",
        recurred=True,
        recurrence="new_case",
    )
    new = visit.recurrence_case
    assert new is not None and new.pk != case.pk
    assert new.repeat_of_id is not None and new.complainant == who


def test_missed_visits_are_marked_by_the_job_and_the_plan_goes_on(tree):
    plan = f.plan(f.person(tree.community_a), started_on=timezone.localdate() - timedelta(days=10))
    visit = plan_schedule_next(plan=plan, today=plan.started_on)
    assert visits_mark_missed() == 1
    visit.refresh_from_db()
    assert visit.state == "missed"
    assert plan.visits.filter(state="due").count() == 1
    assert visits_mark_missed() == 0


def test_a_plan_ends_only_with_a_reason(tree, officer):
    plan = f.plan(f.person(tree.community_a))
    plan_schedule_next(plan=plan)
    with pytest.raises(ValidationError) as exc:
        plan_end(user=officer, plan=plan, reason="  ")
    assert "reason" in exc.value.message_dict
    plan = plan_end(user=officer, plan=plan, reason="连续两次评估为一般风险，当事人已搬离施暴人")
    assert plan.status == "ended" and plan.ended_by == officer
    assert not plan.visits.filter(state="due").exists()
    assert AuditEvent.objects.filter(
        object_type="protection.followupplan", detail__step="followup_end"
    ).exists()
    with pytest.raises(ValidationError):
        plan_end(user=officer, plan=plan, reason="再次结束")


def test_a_plan_out_of_scope_cannot_be_ended(tree, other_district_officer):
    grant(other_district_officer, "core.view_sensitive")
    plan = f.plan(f.person(tree.community_a))
    with pytest.raises(ValidationError):
        plan_end(user=other_district_officer, plan=plan, reason="不在本区")
    plan.refresh_from_db()
    assert plan.status == "active"
