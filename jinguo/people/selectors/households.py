"""Reads of households: the scoped queryset and opening one household."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jinguo.core import audit

from ..models import Household
from .common import visible


def visible_households(user, action: str = "view") -> QuerySet:
    return visible(Household, user, action)


def household_open(user, pk, *, queryset=None, channel: str | None = None) -> Household:
    """The household ``user`` opens (404 outside her scope); a sensitive one is logged.
    ``queryset``: the door's own scoped queryset; by default restrict(user, "view")."""
    if queryset is None:
        queryset = Household.objects.restrict(user, "view")
    household = get_object_or_404(queryset, pk=pk)
    if household.is_sensitive:
        audit.record_open(user, household, channel=channel)
    return household
