"""Core's own panel on the 工作台: the security auditor's view of the trail."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .models import AuditKind, ChainCheck
from .selectors import audit_events_for

RECENT = 8
ALARMING = ("login_failed", "lockout", "role_change", "password_reset", "unlock")


def auditor_panel(user) -> dict | None:
    events = audit_events_for(user)
    since = timezone.now() - timedelta(hours=24)
    security = events.filter(kind=AuditKind.SECURITY)
    day = security.filter(created_at__gte=since).aggregate(
        total=Count("id"),
        failures=Count("id", filter=Q(action="login_failed")),
        lockouts=Count("id", filter=Q(action="lockout")),
    )
    return {
        "chain": ChainCheck.objects.first(),
        "day": day,
        "recent": list(security.filter(action__in=ALARMING).order_by("-id")[:RECENT]),
    }
