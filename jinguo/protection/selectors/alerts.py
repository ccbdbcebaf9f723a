"""Reads of early warnings: the scoped list in its order (unsigned red first, then newest),
one warning opened (logged), the home panels' counts and rows, a person's or case's open
warnings."""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from jinguo.core import audit

from ..choices import AlertLevel, AlertStatus
from ..models import Alert

OPEN = ~Q(status=AlertStatus.RESOLVED)


def alert_queryset(user, action: str = "view") -> QuerySet:
    return Alert.objects.restrict(user, action).select_related(
        "rule", "org", "case", "assigned_to", "acknowledged_by"
    )


def in_work_order(qs: QuerySet) -> QuerySet:
    """Unsigned red warnings first, then by level, newest first."""
    return qs.annotate(
        red_unsigned=Case(
            When(Q(status=AlertStatus.OPEN, level=AlertLevel.RED), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        level_rank=Case(
            When(level=AlertLevel.RED, then=Value(0)),
            When(level=AlertLevel.ORANGE, then=Value(1)),
            default=Value(2),
        ),
    ).order_by("-red_unsigned", "level_rank", "-raised_at", "-id")


def alert_open(user, pk, *, queryset=None, channel: str | None = None) -> Alert:
    """The warning ``user`` opens (404 outside her scope); opening it is logged."""
    alert = get_object_or_404(queryset if queryset is not None else alert_queryset(user), pk=pk)
    audit.record_open(user, alert, channel=channel, rule=alert.rule.code)
    return alert


def panel_counts(user) -> dict:
    """Open warnings by state and level for the home panel (one query)."""
    from django.db.models import Count

    counts = {
        (row["status"], row["level"]): row["n"]
        for row in Alert.objects.restrict(user, "view")
        .filter(OPEN)
        .values("status", "level")
        .annotate(n=Count("id"))
        .order_by()
    }
    return {
        "red_open": counts.get((AlertStatus.OPEN, AlertLevel.RED), 0),
        "open": sum(n for (s, _), n in counts.items() if s == AlertStatus.OPEN),
        "acknowledged": sum(n for (s, _), n in counts.items() if s == AlertStatus.ACKNOWLEDGED),
        "mine": 0,
    }


def open_alerts_for(user, *, person=None, case=None) -> list[Alert]:
    qs = alert_queryset(user).filter(OPEN)
    qs = qs.filter(person=person) if person is not None else qs.filter(case=case)
    return list(in_work_order(qs)[:20])
