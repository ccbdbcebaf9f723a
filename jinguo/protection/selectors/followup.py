"""Reads of the follow-up concern: plans, visits, the person's current risk level, and the
work waiting (visits due, missed, unreachable)."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jinguo.core import audit

from ..choices import LEVEL_RANK, PlanStatus, RiskLevel, VisitState
from ..models import FollowUpPlan, ProtectiveVisit, RiskAssessment

# Risk levels at which protective visits go on after the first schedule.
CONTINUING = (RiskLevel.MEDIUM, RiskLevel.HIGH)


def latest_risk_level(person_id: int) -> str | None:
    """The level of the person's latest assessment (None when she was never assessed)."""
    return (
        RiskAssessment.objects.filter(person_id=person_id)
        .order_by("-assessed_at", "-id")
        .values_list("level", flat=True)
        .first()
    )


def risk_history(person_ids=None) -> dict[int, list[str]]:
    """{person id: [latest level, the one before, …]} from the assessments, newest first.
    ``person_ids=None`` reads every assessed person (the full sweep)."""
    qs = RiskAssessment.objects.all()
    if person_ids is not None:
        ids = list(person_ids)
        if not ids:
            return {}
        qs = qs.filter(person_id__in=ids)
    levels: dict[int, list[str]] = defaultdict(list)
    for person_id, level in qs.order_by("person_id", "-assessed_at", "-id").values_list(
        "person_id", "level"
    ):
        history = levels[person_id]
        if len(history) < 2:
            history.append(level)
    return levels


def is_rising(history: list[str]) -> bool:
    return len(history) >= 2 and LEVEL_RANK[history[0]] > LEVEL_RANK[history[1]]


def plan_queryset(user, action: str = "view") -> QuerySet:
    return FollowUpPlan.objects.restrict(user, action).select_related("person", "case", "org")


def visit_queryset(user, action: str = "view") -> QuerySet:
    return ProtectiveVisit.objects.restrict(user, action).select_related(
        "plan", "person", "case", "org", "done_by"
    )


def plan_open(user, pk, *, queryset=None, channel: str | None = None) -> FollowUpPlan:
    """The plan ``user`` opens (404 outside her scope); opening it is logged (sensitive)."""
    plan = get_object_or_404(queryset if queryset is not None else plan_queryset(user), pk=pk)
    audit.record_open(user, plan, channel=channel, person_id=plan.person_id)
    return plan


def visit_open(user, pk, *, queryset=None, channel: str | None = None) -> ProtectiveVisit:
    visit = get_object_or_404(queryset if queryset is not None else visit_queryset(user), pk=pk)
    audit.record_open(user, visit, channel=channel, person_id=visit.person_id)
    return visit


def plan_visits(plan) -> QuerySet:
    return plan.visits.select_related("done_by").order_by("due_on", "id")


def visits_waiting(user, today: date | None = None) -> dict:
    """Counts for the home panel, the most urgent first: missed visits, visits past their date
    (not yet swept to missed), visits due within a week. Unreachable victims are warnings
    (the alerts panel)."""
    today = today or timezone.localdate()
    qs = ProtectiveVisit.objects.restrict(user, "view").filter(plan__status=PlanStatus.ACTIVE)
    return {
        "missed": qs.filter(state=VisitState.MISSED).count(),
        "overdue": qs.filter(state=VisitState.DUE, due_on__lt=today).count(),
        "due": qs.filter(
            state=VisitState.DUE, due_on__gte=today, due_on__lte=today + timedelta(days=7)
        ).count(),
    }
