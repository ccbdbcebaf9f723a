"""Reads of key-focus tags: the reviews that are due, and their counts."""

from datetime import date, timedelta

from django.utils import timezone

from ..models import PersonTag
from .common import visible, within_home_subtree

REVIEW_WINDOW_DAYS = 14


def review_queryset(user, *, within_days: int = REVIEW_WINDOW_DAYS, today: date | None = None):
    """Active tags the user can see whose review is overdue or due within ``within_days``."""
    today = today or timezone.localdate()
    return (
        visible(PersonTag, user)
        .filter(ended_on__isnull=True, next_review_on__lte=today + timedelta(days=within_days))
        .select_related("person", "tag_type", "responsible", "org")
        .order_by("next_review_on", "id")
    )


def review_counts(user, *, today: date | None = None) -> dict:
    """Counts for the review page's tabs: mine and my unit's subtree, overdue and due soon."""
    today = today or timezone.localdate()
    base = review_queryset(user, today=today)
    mine = base.filter(responsible=user)
    unit = within_home_subtree(base, user)
    return {
        "mine_overdue": mine.filter(next_review_on__lt=today).count(),
        "mine_due": mine.filter(next_review_on__gte=today).count(),
        "unit_overdue": unit.filter(next_review_on__lt=today).count(),
        "unit_due": unit.filter(next_review_on__gte=today).count(),
    }
