"""Reads of the report forms: a user's reports, one report, and the upper level's view of a
form and period (children's states, who has not filed, the consolidated figures)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jinguo.orgs.models import OrgUnit

from ..choices import ReportState
from ..models import Report, ReportForm
from ..models.reports import mask
from ..services import reports as services


def visible_reports(user):
    return Report.objects.restrict(user, "view").select_related("form", "org")


def report_open(user, pk) -> Report:
    return get_object_or_404(visible_reports(user), pk=pk)


def history(report: Report) -> list[Report]:
    """Every version of the report's unit, form and period, newest first."""
    return list(
        Report.objects.filter(
            form__code=report.form.code, org=report.org, period_start=report.period_start
        ).order_by("-version")
    )


@dataclass
class ChildRow:
    unit: OrgUnit
    report: Report | None
    overdue: bool

    @property
    def filed(self) -> bool:
        return self.report is not None and self.report.state in services.FILED


@dataclass
class Overview:
    form: ReportForm
    unit: OrgUnit
    period: object
    due_on: datetime.date
    rows: list[ChildRow]
    consolidated: dict
    own: Report | None
    sensitive: list

    def shown(self, user) -> dict:
        return mask(self.consolidated, self.sensitive, user)

    @property
    def missing(self) -> list[ChildRow]:
        return [r for r in self.rows if not r.filed]

    @property
    def filed_reports(self) -> list[Report]:
        return [r.report for r in self.rows if r.filed]


def overview(user, unit: OrgUnit, form: ReportForm, period_start) -> Overview:
    """The children of ``unit`` that file ``form``, each with its current report (read through
    restrict), and the sum of the filed ones."""
    period = services.period_of(form, period_start)
    due = services.due_on(form, period)
    today = timezone.localdate()
    children = list(
        OrgUnit.objects.filter(parent=unit, kind__in=form.unit_kinds or [], is_active=True)
        .order_by("code")
        .only("pk", "name", "code", "path", "kind")
    )
    reports = {
        r.org_id: r
        for r in visible_reports(user)
        .filter(form__code=form.code, period_start=period.start, org__in=children)
        .exclude(state=ReportState.SUPERSEDED)
        .order_by("version")
    }
    rows = []
    for child in children:
        report = reports.get(child.pk)
        filed = report is not None and report.state in services.FILED
        rows.append(ChildRow(child, report, overdue=not filed and today > due))
    cells = services.cells_of(form)
    filed = [r.report for r in rows if r.filed]
    own = (
        visible_reports(user)
        .filter(form__code=form.code, org=unit, period_start=period.start)
        .exclude(state=ReportState.SUPERSEDED)
        .order_by("-version")
        .first()
    )
    sensitive = sorted({k for r in filed for k in r.sensitive_cells})
    return Overview(
        form, unit, period, due, rows, services.sum_values(cells, filed), own, sensitive
    )


def awaiting_review(user):
    """Reports of her unit's children waiting for her review."""
    if not user.home_unit_id:
        return Report.objects.none()
    return (
        Report.objects.restrict(user, "review")
        .filter(state=ReportState.SUBMITTED, org__parent_id=user.home_unit_id)
        .select_related("form", "org")
        .order_by("due_on", "org__code")
    )


def not_filed(user, today=None) -> list[dict]:
    """Per active form her children file: the last closed period and the children that have
    not filed it (overdue once past the deadline)."""
    unit = user.home_unit
    if unit is None:
        return []
    today = today or timezone.localdate()
    out = []
    for form in ReportForm.objects.filter(is_active=True):
        children = OrgUnit.objects.filter(
            parent=unit, kind__in=form.unit_kinds or [], is_active=True
        )
        if not children.exists():
            continue
        period = services.last_closed_period(form, today)
        due = services.due_on(form, period)
        filed = Report.objects.filter(
            form__code=form.code, period_start=period.start, state__in=services.FILED
        ).values("org_id")
        missing = list(children.exclude(pk__in=filed).order_by("code").only("pk", "name"))
        if missing:
            out.append(
                {
                    "form": form,
                    "period": period,
                    "due_on": due,
                    "overdue": today > due,
                    "units": missing,
                }
            )
    return out


def forms_for(user):
    """Forms her unit files or her children file."""
    unit = user.home_unit
    if unit is None:
        return ReportForm.objects.none()
    kinds = set(
        OrgUnit.objects.filter(Q(pk=unit.pk) | Q(parent=unit)).values_list("kind", flat=True)
    )
    return [f for f in ReportForm.objects.filter(is_active=True) if set(f.unit_kinds) & kinds]
