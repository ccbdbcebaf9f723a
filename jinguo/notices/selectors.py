"""Reads of the notices app: the inbox, a notice's progress, the files one may open.

CONTRACT:
- inbox(user) -> QuerySet[Receipt]     (her own unit's receipts; waiting first, due soonest)
- waiting(user) -> QuerySet[Receipt]   (the inbox's receipts still to sign or complete)
- notice_progress(receipts) -> {"total", "acknowledged", "completed", "pending", "overdue"}
- file_for(user, pk) -> NoticeFile | None   (a file of a notice or receipt she may see)
- assessment_board(user, unit, year) -> {"indicators", "rows", "full"}   (the child units of
  ``unit`` scored on the indicators it set for ``year``, ranked by total)
- assessment_years(user) -> list[int]   (years of the indicators and scores she may see)
"""

from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone

from jinguo.orgs.models import OrgUnit

from .choices import NoticeKind, ReceiptState
from .models import Assessment, Indicator, Notice, NoticeFile, Receipt

STATE_ORDER = Case(
    When(state=ReceiptState.PENDING, then=Value(0)),
    When(state=ReceiptState.ACKNOWLEDGED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def inbox(user):
    return (
        Receipt.objects.restrict(user, "view")
        .filter(org_id=user.home_unit_id)
        .select_related("notice", "notice__org")
        .annotate(state_order=STATE_ORDER)
        .order_by("state_order", F("due_on").asc(nulls_last=True), "-created_at", "-pk")
    )


def waiting(user):
    """What her unit still has to do: sign a notice, sign or complete a task."""
    return (
        inbox(user)
        .filter(notice__withdrawn_at__isnull=True)
        .filter(
            Q(state=ReceiptState.PENDING) | Q(kind=NoticeKind.TASK, state=ReceiptState.ACKNOWLEDGED)
        )
    )


def notice_progress(receipts) -> dict:
    today = timezone.localdate()
    counts = receipts.aggregate(
        total=Count("pk"),
        acknowledged=Count("pk", filter=~Q(state=ReceiptState.PENDING)),
        completed=Count("pk", filter=Q(state=ReceiptState.COMPLETED)),
        overdue=Count(
            "pk",
            filter=Q(kind=NoticeKind.TASK, due_on__lt=today) & ~Q(state=ReceiptState.COMPLETED),
        ),
    )
    counts["pending"] = counts["total"] - counts["acknowledged"]
    return counts


def file_for(user, pk):
    """A notice's own files reach its issuing side and every unit it was sent to; a receipt's
    files reach that unit and the issuing side."""
    notices = Notice.objects.restrict(user, "view").values("pk")
    receipts = Receipt.objects.restrict(user, "view")
    visible = (
        Q(notice__in=notices)
        | Q(receipt__in=receipts.values("pk"))
        | Q(receipt__isnull=True, notice__in=receipts.values("notice"))
    )
    return NoticeFile.objects.filter(visible, pk=pk).select_related("notice", "receipt").first()


def assessment_board(user, unit, year: int) -> dict:
    """The child units of ``unit`` × the indicators it set for ``year``: scores, totals, rank."""
    indicators = list(
        Indicator.objects.restrict(user, "view").filter(org=unit, year=year).order_by("pk")
    )
    units = list(OrgUnit.objects.filter(parent=unit, is_active=True).order_by("path"))
    found = {
        (a.indicator_id, a.org_id): a
        for a in Assessment.objects.restrict(user, "view").filter(indicator__in=indicators)
    }
    rows = []
    for child in units:
        cells = [found.get((i.pk, child.pk)) for i in indicators]
        total = sum((c.final_score for c in cells if c is not None), Decimal("0"))
        rows.append({"unit": child, "cells": cells, "total": total})
    rows.sort(key=lambda r: (-r["total"], r["unit"].path))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {
        "indicators": indicators,
        "rows": rows,
        "full": sum((i.weight for i in indicators), Decimal("0")),
    }


def assessment_years(user) -> list[int]:
    indicators = Indicator.objects.restrict(user, "view").values_list("year", flat=True)
    assessed = (
        Assessment.objects.restrict(user, "view")
        .values_list("indicator__year", flat=True)
        .distinct()
    )
    return sorted(set(indicators.distinct()) | set(assessed), reverse=True)
