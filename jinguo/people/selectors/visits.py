"""Reads of visits: opening one visit (every reading is logged)."""

from django.shortcuts import get_object_or_404

from jinguo.core import audit

from ..models import Visit

VISITS_ON_PERSON_PAGE = 20


def visit_open(user, pk, *, queryset=None, channel: str | None = None) -> Visit:
    """The visit ``user`` opens (404 outside her scope). Its situation and needs are a
    survivor's narrative: every reading is logged."""
    if queryset is None:
        queryset = Visit.objects.restrict(user, "view")
    visit = get_object_or_404(queryset, pk=pk)
    audit.record_open(user, visit, channel=channel)
    return visit
