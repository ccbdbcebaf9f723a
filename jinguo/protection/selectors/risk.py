"""Reads of risk assessments and safety plans that pages, the API, panels and other concerns
share: the scoped querysets, opening one record (logged), a person's current level and trend,
the people at risk and the assessments due again.

``current_risk(person)`` / ``current_levels(person_ids)`` are what other concerns call (orders'
expiry warning, early-warning rules, follow-up schedules): without ``user`` they read
everything (system sweeps); with ``user`` only what she may see.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jinguo.core import audit

from ..choices import LEVEL_RANK, RiskLevel
from ..models import RiskAssessment, SafetyPlan

DUE_SOON_DAYS = 7
AT_RISK = (RiskLevel.MEDIUM, RiskLevel.HIGH)


def level_rank():
    """An annotation ranking levels (high = 2) for sorting in the database."""
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(-1),
        output_field=IntegerField(),
    )


def visible_assessments(user, action: str = "view") -> QuerySet:
    if user is None:
        return RiskAssessment.objects.all()
    return RiskAssessment.objects.restrict(user, action)


def assessment_list_queryset(user) -> QuerySet:
    return (
        visible_assessments(user)
        .select_related("person", "org", "assessed_by", "case")
        .annotate(level_rank=level_rank())
    )


def latest_only(qs: QuerySet, user=None) -> QuerySet:
    """Of ``qs``, each person's latest assessment (latest among those ``user`` may see)."""
    newest = (
        visible_assessments(user)
        .filter(person=OuterRef("person"))
        .order_by("-assessed_at", "-pk")
        .values("pk")[:1]
    )
    return qs.filter(pk=Subquery(newest))


def at_risk_queryset(user) -> QuerySet:
    """People whose current level is medium or high: their latest assessments."""
    return latest_only(assessment_list_queryset(user), user).filter(level__in=AT_RISK)


def due_reviews(user, *, within_days: int = DUE_SOON_DAYS) -> QuerySet:
    """Current assessments whose next assessment is past or due within ``within_days``,
    highest level first, then the most overdue."""
    until = timezone.localdate() + timedelta(days=within_days)
    return (
        latest_only(assessment_list_queryset(user), user)
        .filter(next_review_on__lte=until)
        .order_by("-level_rank", "next_review_on", "pk")
    )


def assessment_open(user, pk, *, queryset=None, channel: str | None = None) -> RiskAssessment:
    """The assessment ``user`` opens (404 outside her scope); opening it is logged, from the
    page and the API alike."""
    if queryset is None:
        queryset = assessment_list_queryset(user)
    assessment = get_object_or_404(queryset, pk=pk)
    if assessment.is_sensitive:
        audit.record_open(user, assessment, channel=channel, person_id=assessment.person_id)
    return assessment


def safety_plan_open(user, pk, *, queryset=None, channel: str | None = None) -> SafetyPlan:
    """The safety plan ``user`` opens (404 outside her scope), always logged: where she would
    go and her code word are the most dangerous facts the platform holds."""
    if queryset is None:
        queryset = SafetyPlan.objects.restrict(user, "view").select_related("person", "org")
    plan = get_object_or_404(queryset, pk=pk)
    audit.record_open(user, plan, channel=channel, person_id=plan.person_id)
    return plan


def person_history(user, person) -> list[RiskAssessment]:
    """Her assessments that ``user`` may see, oldest first."""
    return list(
        visible_assessments(user)
        .filter(person=person)
        .select_related("assessed_by", "instrument", "case")
        .order_by("assessed_at", "pk")
    )


@dataclass(frozen=True)
class Trend:
    direction: str  # "up", "down", "same" or "" (one assessment or none)
    previous: RiskAssessment | None
    current: RiskAssessment | None

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "same": "→"}.get(self.direction, "")


def trend_of(history: list[RiskAssessment]) -> Trend:
    """Whether danger is rising: the latest level against the one before it."""
    if not history:
        return Trend("", None, None)
    current = history[-1]
    if len(history) == 1:
        return Trend("", None, current)
    previous = history[-2]
    delta = LEVEL_RANK[current.level] - LEVEL_RANK[previous.level]
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    return Trend(direction, previous, current)


def current_risk(person, user=None) -> RiskAssessment | None:
    """The person's latest assessment (that ``user`` may see, if given), or None."""
    person_id = getattr(person, "pk", person)
    return (
        visible_assessments(user)
        .filter(person_id=person_id)
        .order_by("-assessed_at", "-pk")
        .first()
    )


def current_levels(person_ids, user=None) -> dict[int, str]:
    """{person id: current level} for those of ``person_ids`` that have been assessed."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = latest_only(visible_assessments(user).filter(person_id__in=ids), user).values_list(
        "person_id", "level"
    )
    return dict(rows)


def plan_for_person(user, person) -> SafetyPlan | None:
    if user is None:
        return SafetyPlan.objects.filter(person=person).first()
    return SafetyPlan.objects.restrict(user, "view").filter(person=person).first()
