"""Pages of the report forms: the list, one report (fill, submit, review, correct), the upper
level's view of a form and period with the consolidated Excel, and the forms' settings."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core import audit
from jinguo.core.exports import xlsx_response
from jinguo.core.generic import ObjectListView
from jinguo.orgs.models import OrgUnit

from .. import detail, reports_excel
from ..choices import ReportState
from ..filtersets import ReportFilterSet
from ..models import Report, ReportForm
from ..periods import add_months
from ..selectors import reports as selectors
from ..services import reports as services
from ..tables import ReportTable, state_badge

T = "stats/reports/"
INPUT_PREFIX = "c-"


# --- the grid -------------------------------------------------------------------------------


def header_rows(columns) -> list[list[dict]]:
    """HTML header rows of multi-level columns: each label with its colspan and rowspan."""
    levels = [c.levels for c in columns]
    depth = max((len(lv) for lv in levels), default=1)
    rows: list[list[dict]] = [[] for _ in range(depth)]
    for level in range(depth):
        j = 0
        while j < len(levels):
            if len(levels[j]) <= level:
                j += 1
                continue
            k = j
            while (
                k + 1 < len(levels)
                and len(levels[k + 1]) > level
                and levels[k + 1][: level + 1] == levels[j][: level + 1]
            ):
                k += 1
            last = level == len(levels[j]) - 1
            rows[level].append(
                {
                    "label": levels[j][level],
                    "colspan": k - j + 1,
                    "rowspan": depth - level if last and k == j else 1,
                }
            )
            j = k + 1
    return rows, depth


def grid(form, values: dict, errors: dict | None = None, typed: dict | None = None) -> dict:
    cells = services.cells_of(form)
    by_place = {(c.row_id, c.column_id): c for c in cells}
    columns = list(form.columns.all())
    errors, typed = errors or {}, typed or {}
    body = []
    for row in form.rows.all():
        out = []
        for column in columns:
            cell = by_place.get((row.pk, column.pk))
            if cell is None:
                out.append(None)
                continue
            value = values.get(cell.key)
            shown = typed.get(cell.key, "" if value is None else value)
            error = errors.get(cell.key)
            out.append(
                {
                    "cell": cell,
                    "key": cell.key,
                    "name": INPUT_PREFIX + cell.key,
                    "value": value,
                    "shown": shown,
                    "error": error[0] if isinstance(error, list) else error,
                }
            )
        body.append({"row": row, "cells": out})
    headers, depth = header_rows(columns)
    return {"headers": headers, "depth": depth, "body": body, "columns": columns}


def typed_values(data) -> dict:
    return {k[len(INPUT_PREFIX) :]: v for k, v in data.items() if k.startswith(INPUT_PREFIX)}


# --- list and start -------------------------------------------------------------------------


class ReportListView(ObjectListView):
    model = Report
    filterset_class = ReportFilterSet
    table_class = ReportTable
    title = gettext_lazy("报表上报")
    template_name = T + "list.html"
    export_name = gettext_lazy("报表上报")

    def get_queryset(self):
        return super().get_queryset().select_related("form", "org")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        unit = user.home_unit
        shortcuts = []
        for form in selectors.forms_for(user):
            period = services.last_closed_period(form)
            files = unit is not None and services.files(form, unit)
            own = services.current_report(form, unit, period.start) if files else None
            has_children = OrgUnit.objects.filter(
                parent=unit, kind__in=form.unit_kinds or []
            ).exists()
            shortcuts.append(
                {
                    "form": form,
                    "period": period,
                    "due_on": services.due_on(form, period),
                    "files": files and user.has_perm("stats.add_report"),
                    "own": own,
                    "has_children": has_children,
                }
            )
        ctx["shortcuts"] = shortcuts
        return ctx


class ReportStartView(LoginRequiredMixin, View):
    """Opens (or creates) her unit's report of a form and period."""

    def _args(self, data):
        form = ReportForm.objects.filter(pk=_int(data.get("form")), is_active=True).first()
        if form is None:
            raise Http404
        period = _date(data.get("period")) or services.last_closed_period(form).start
        return form, period

    def get(self, request):
        form, period = self._args(request.GET)
        unit = request.user.home_unit
        existing = services.current_report(form, unit, period) if unit else None
        if (
            existing is not None
            and selectors.visible_reports(request.user).filter(pk=existing.pk).exists()
        ):
            return redirect(existing.get_absolute_url())
        if not request.user.has_perm("stats.add_report"):
            raise PermissionDenied
        return render(
            request,
            T + "start.html",
            {
                "title": form.name,
                "form_obj": form,
                "period": services.period_of(form, period)
                if services.valid_period_start(form, period)
                else None,
                "period_value": f"{period:%Y-%m-%d}",
            },
        )

    def post(self, request):
        form, period = self._args(request.POST)
        try:
            report = services.report_start(user=request.user, form=form, period_start=period)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("stats:report_list")
        return redirect(report.get_absolute_url())


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _date(value) -> datetime.date | None:
    """A report period's date; None for anything else (years far off are typing errors)."""
    try:
        day = datetime.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2099 else None


# --- one report ------------------------------------------------------------------------------


def report_context(request, report, *, errors=None, typed=None, review_error=None) -> dict:
    user = request.user
    own = report.org_id == user.home_unit_id
    editable = own and report.state in services.EDITABLE and user.has_perm("stats.change_report")
    return {
        "title": f"{report.org.name} · {report.form.name}",
        "report": report,
        "state_badge": state_badge(report),
        "grid": grid(report.form, report.shown_values(user), errors, typed),
        "general_errors": (errors or {}).get("__all__", []),
        "editable": editable,
        "can_submit": editable and user.has_perm("stats.submit_report"),
        "can_review": report.state == ReportState.SUBMITTED
        and report.org.parent_id == user.home_unit_id
        and user.has_perm("stats.review_report"),
        "can_correct": own
        and report.state == ReportState.ACCEPTED
        and user.has_perm("stats.submit_report")
        and user.has_perm("stats.add_report"),
        "review_error": review_error,
        "events": report.events.select_related("user"),
        "versions": selectors.history(report),
        "late": report.is_late and report.state in services.EDITABLE,
        "today": timezone.localdate(),
        "rules": list(report.form.rules.all()),
    }


class ReportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        if not request.user.has_perm("stats.view_report"):
            raise Http404
        report = selectors.report_open(request.user, pk)
        return render(request, T + "detail.html", report_context(request, report))


class ReportFillView(LoginRequiredMixin, View):
    """保存 / 重新计算 / 上报 of the grid; errors keep what was typed."""

    def post(self, request, pk):
        report = selectors.report_open(request.user, pk)
        typed = typed_values(request.POST)
        step = request.POST.get("step", "save")
        try:
            if step == "recompute":
                services.report_recompute(user=request.user, report=report)
                messages.success(request, _("已按最新统计数据重新计算。"))
            elif step == "submit":
                services.report_submit(user=request.user, report=report, values=typed)
                messages.success(request, _("报表已上报，等待上级审核。"))
            else:
                services.report_save(user=request.user, report=report, values=typed)
                messages.success(request, _("已保存。"))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            report.refresh_from_db()
            ctx = report_context(request, report, errors=errors, typed=typed)
            return render(request, T + "detail.html", ctx, status=200)
        return redirect(report.get_absolute_url())


class ReportReviewView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = selectors.report_open(request.user, pk)
        accept = request.POST.get("decision") == "accept"
        comment = request.POST.get("comment", "")
        try:
            services.report_review(user=request.user, report=report, accept=accept, comment=comment)
        except ValidationError as exc:
            ctx = report_context(request, report, review_error=" ".join(exc.messages))
            ctx["review_comment"] = comment
            return render(request, T + "detail.html", ctx)
        messages.success(request, _("已审核通过。") if accept else _("已退回。"))
        return redirect(report.get_absolute_url())


class ReportCorrectView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = selectors.report_open(request.user, pk)
        reason = request.POST.get("reason", "")
        try:
            new = services.report_correct(user=request.user, report=report, reason=reason)
        except ValidationError as exc:
            ctx = report_context(request, report)
            ctx["correct_error"], ctx["correct_reason"] = " ".join(exc.messages), reason
            return render(request, T + "detail.html", ctx)
        messages.success(request, _("已生成更正版本，请修改后重新上报。"))
        return redirect(new.get_absolute_url())


# --- the upper level ------------------------------------------------------------------------


class ReportOverviewView(LoginRequiredMixin, View):
    """A form and period seen from a unit: its children's reports, who has not filed, the
    consolidated figures and their Excel."""

    def get(self, request):
        user = request.user
        if not user.has_perm("stats.view_report"):
            raise Http404
        form = ReportForm.objects.filter(pk=_int(request.GET.get("form"))).first()
        if form is None:
            raise Http404
        start = _date(request.GET.get("period")) or services.last_closed_period(form).start
        if not services.valid_period_start(form, start):
            start = services.period_containing(form, start).start
        unit = _unit_for(user, request.GET.get("unit"))
        view = selectors.overview(user, unit, form, start)
        if request.GET.get("export") == "xlsx":
            return self.export(request, view)
        if request.GET.get("export") == "detail":
            return self.export_detail(request, view)
        return render(
            request,
            T + "overview.html",
            {
                "title": form.name,
                "view": view,
                "grid": grid(form, view.shown(user)),
                "previous": services.period_of(
                    form, add_months(start, -services.MONTHS[form.period_kind])
                ).start,
                "next": services.period_of(
                    form, add_months(start, services.MONTHS[form.period_kind])
                ).start,
                "can_export": user.has_perm("core.export"),
                "files": services.files(form, unit) and unit.pk == user.home_unit_id,
            },
        )

    def export(self, request, view):
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        cells = services.cells_of(view.form)
        user = request.user
        rows = [(r.org.name, r.shown_values(user)) for r in view.filed_reports]
        content = reports_excel.build(
            form=view.form,
            period=view.period,
            unit=view.unit,
            cells=cells,
            rows=rows,
            totals=view.shown(user),
        )
        audit.record_access(
            request.user,
            action="export",
            object_type="stats.report",
            rows=len(rows),
            filters={
                "form": view.form.code,
                "period": f"{view.period.start}",
                "unit": view.unit.pk,
            },
        )
        return xlsx_response(content, f"{view.unit.name}{view.form.name}{view.period.label}")

    def export_detail(self, request, view):
        """Every unit under the viewed one on one sheet, computed from the summary."""
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        user = request.user
        try:
            rows, totals = detail.detail(user, view.form, view.unit, view.period)
        except detail.TooManyUnits as exc:
            messages.error(request, str(exc))
            query = request.GET.copy()
            query.pop("export", None)
            return redirect(f"{request.path}?{query.urlencode()}")
        content = reports_excel.build(
            form=view.form,
            period=view.period,
            unit=view.unit,
            cells=services.cells_of(view.form),
            rows=[("\u3000" * (r.depth - 1) + r.name, r.values) for r in rows],
            totals=totals,
        )
        audit.record_access(
            user,
            action="export",
            object_type="stats.report_detail",
            rows=len(rows),
            filters={
                "form": view.form.code,
                "period": f"{view.period.start}",
                "unit": view.unit.pk,
            },
        )
        name = _("%(unit)s%(form)s%(period)s明细") % {
            "unit": view.unit.name,
            "form": view.form.name,
            "period": view.period.label,
        }
        return xlsx_response(content, name)


def _unit_for(user, unit_id) -> OrgUnit:
    if not user.home_path:
        raise Http404
    units = OrgUnit.objects.filter(path__subtree=user.home_path)
    if unit_id in (None, ""):
        return get_object_or_404(units, pk=user.home_unit_id)
    return get_object_or_404(units, pk=_int(unit_id) or 0)
