"""Reads of the screening concern: what a campaign page shows to whom, the returns' totals
(矛盾纠纷统计反馈), the home panels, and opening an entry (logged when sensitive).

CONTRACT:
- campaign_for(user, pk) -> (campaign, reports QuerySet, issuer: bool); 404 when she neither
  sees the campaign (its issuing side) nor any of its returns (a target unit)
- campaign_progress(reports) -> {"total", "submitted", "pending", "late", "overdue"}
- campaign_totals(campaign, reports) -> {"kinds", "risks", "rows", "totals"}  (submitted
  returns only; counts)
- pending_reports(user) -> QuerySet[ScreeningReport]  (hers to fill, soonest due first)
- entry_open(user, pk, *, queryset=None, channel=None) -> DisputeEntry
"""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jinguo.core import audit

from ..choices import (
    DisputeKind,
    DisputeRisk,
    OpinionLevel,
    OpinionStatus,
    ScreeningReportStatus,
)
from ..models import DisputeEntry, OpinionItem, ScreeningCampaign, ScreeningReport


def campaign_for(user, pk):
    reports = ScreeningReport.objects.restrict(user, "view").filter(campaign_id=pk)
    campaign = ScreeningCampaign.objects.restrict(user, "view").filter(pk=pk).first()
    if campaign is not None:
        return campaign, reports.select_related("org", "submitted_by"), True
    report = reports.select_related("campaign", "campaign__org").first()
    if report is None:
        raise Http404
    return report.campaign, reports.select_related("org", "submitted_by"), False


def campaign_progress(reports) -> dict:
    today = timezone.localdate()
    counts = reports.aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(status=ScreeningReportStatus.SUBMITTED)),
        late=Count("pk", filter=Q(is_late=True)),
        overdue=Count(
            "pk",
            filter=Q(status=ScreeningReportStatus.PENDING, campaign__due_on__lt=today),
        ),
    )
    counts["pending"] = counts["total"] - counts["submitted"]
    return counts


def campaign_totals(campaign, reports) -> dict:
    """Entries of the submitted returns, counted by unit × kind and by risk."""
    submitted = reports.filter(status=ScreeningReportStatus.SUBMITTED)
    entries = DisputeEntry.objects.filter(report__in=submitted.values("pk"))
    by_kind = {
        (org, kind): n
        for org, kind, n in entries.values_list("org_id", "kind").annotate(n=Count("pk")).order_by()
    }
    by_risk = {
        (org, risk): n
        for org, risk, n in entries.values_list("org_id", "risk").annotate(n=Count("pk")).order_by()
    }
    kinds, risks = DisputeKind.choices, DisputeRisk.choices
    rows = []
    for report in submitted.select_related("org").order_by("org_path"):
        k = [by_kind.get((report.org_id, v), 0) for v, _l in kinds]
        r = [by_risk.get((report.org_id, v), 0) for v, _l in risks]
        rows.append({"unit": report.org.name, "kinds": k, "risks": r, "total": sum(k)})
    totals = {
        "kinds": [sum(row["kinds"][i] for row in rows) for i in range(len(kinds))],
        "risks": [sum(row["risks"][i] for row in rows) for i in range(len(risks))],
        "total": sum(row["total"] for row in rows),
    }
    return {
        "kinds": [label for _v, label in kinds],
        "risks": [label for _v, label in risks],
        "rows": rows,
        "totals": totals,
    }


def pending_reports(user):
    """Returns waiting for her: pending, of open campaigns, that she may fill."""
    return (
        ScreeningReport.objects.restrict(user, "change")
        .filter(status=ScreeningReportStatus.PENDING, campaign__closed_at__isnull=True)
        .select_related("campaign", "org")
        .order_by("campaign__due_on", "pk")
    )


def open_major_opinions(user):
    return (
        OpinionItem.objects.restrict(user, "view")
        .filter(status=OpinionStatus.OPEN, level__in=(OpinionLevel.MAJOR, OpinionLevel.LARGE))
        .order_by("-level", "-occurred_on", "-pk")
    )


def entry_open(user, pk, *, queryset=None, channel=None) -> DisputeEntry:
    """The entry ``user`` opens (404 outside her scope); a sensitive one is logged."""
    if queryset is None:
        queryset = DisputeEntry.objects.restrict(user, "view")
    entry = get_object_or_404(queryset, pk=pk)
    if entry.is_sensitive:
        audit.record_open(user, entry, channel=channel, report_id=entry.report_id)
    return entry
