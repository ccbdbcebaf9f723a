"""Reads of the orders concern: opening one record (logged by the rule every door shares),
the work lists behind the home panels, and what the person and case pages show.

CONTRACT:
- warning_open / visit_open / order_open / breach_open / injury_open / bundle_open
    (user, pk, *, queryset=None, channel=None) -> the record (404 outside scope), a sensitive
    one's opening logged
- overdue_decisions(user) -> orders accepted whose decision is past due, most overdue first
- expiring_orders_for(user) -> orders in force ending within 14 days while the person's
  current risk is medium or high, soonest first
- visits_waiting(user) -> warning visits due within a week or missed, most late first
- person_records(user, person) / case_records(user, case) -> dict for the page sections
- current_risk(person_id) -> RiskLevel value or None (latest assessment by assessed_at)
"""

import datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jinguo.core import audit

from ..choices import OrderStatus, VisitState
from ..models import (
    EvidenceBundle,
    InjuryRecord,
    OrderBreach,
    PoliceWarning,
    ProtectionOrder,
    RiskAssessment,
    WarningVisit,
)
from ..services.orders.protection_orders import expiring_orders

SECTION_ROWS = 20
VISIT_HORIZON_DAYS = 7


def _open(model, user, pk, queryset, channel, **detail):
    if queryset is None:
        queryset = model.objects.restrict(user, "view")
    obj = get_object_or_404(queryset, pk=pk)
    if obj.is_sensitive:
        audit.record_open(user, obj, channel=channel, **detail)
    return obj


def warning_open(user, pk, *, queryset=None, channel=None) -> PoliceWarning:
    return _open(PoliceWarning, user, pk, queryset, channel)


def visit_open(user, pk, *, queryset=None, channel=None) -> WarningVisit:
    return _open(WarningVisit, user, pk, queryset, channel)


def order_open(user, pk, *, queryset=None, channel=None) -> ProtectionOrder:
    return _open(ProtectionOrder, user, pk, queryset, channel)


def breach_open(user, pk, *, queryset=None, channel=None) -> OrderBreach:
    return _open(OrderBreach, user, pk, queryset, channel)


def injury_open(user, pk, *, queryset=None, channel=None) -> InjuryRecord:
    return _open(InjuryRecord, user, pk, queryset, channel)


def bundle_open(user, pk, *, queryset=None, channel=None) -> EvidenceBundle:
    return _open(EvidenceBundle, user, pk, queryset, channel)


def current_risk(person_id) -> str | None:
    return (
        RiskAssessment.objects.filter(person_id=person_id)
        .order_by("-assessed_at", "-id")
        .values_list("level", flat=True)
        .first()
    )


def overdue_decisions(user, now=None):
    now = now or timezone.now()
    return (
        ProtectionOrder.objects.restrict(user, "view")
        .filter(status=OrderStatus.ACCEPTED, decision_due_at__lt=now)
        .select_related("person", "court", "org")
        .order_by("decision_due_at", "pk")
    )


def expiring_orders_for(user, today=None):
    today = today or timezone.localdate()
    return expiring_orders(ProtectionOrder.objects.restrict(user, "view"), today).select_related(
        "person", "court", "org"
    )


def visits_waiting(user, today=None):
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=VISIT_HORIZON_DAYS)
    return (
        WarningVisit.objects.restrict(user, "view")
        .filter(Q(state=VisitState.MISSED) | Q(state=VisitState.DUE, due_on__lte=horizon))
        .select_related("person", "org", "warning")
        .order_by("due_on", "pk")
    )


def person_records(user, person) -> dict:
    return {
        "warnings": list(
            PoliceWarning.objects.restrict(user, "view")
            .filter(person=person)
            .select_related("police_station")[:SECTION_ROWS]
        ),
        "orders": list(
            ProtectionOrder.objects.restrict(user, "view")
            .filter(person=person)
            .select_related("court")[:SECTION_ROWS]
        ),
        "injuries": list(
            InjuryRecord.objects.restrict(user, "view").filter(person=person)[:SECTION_ROWS]
        ),
    }


def case_records(user, case) -> dict:
    return {
        "warnings": list(
            PoliceWarning.objects.restrict(user, "view")
            .filter(case=case)
            .select_related("police_station")[:SECTION_ROWS]
        ),
        "orders": list(
            ProtectionOrder.objects.restrict(user, "view")
            .filter(case=case)
            .select_related("court")[:SECTION_ROWS]
        ),
        "injuries": list(
            InjuryRecord.objects.restrict(user, "view").filter(case=case)[:SECTION_ROWS]
        ),
    }
