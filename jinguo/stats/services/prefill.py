"""Figures reported elsewhere (a task's completion in the notices app) that fill a manual cell
of a unit's report. The stats app knows nothing of where they come from: the caller passes a
cell, the unit, a date in the period and a label of the source.

CONTRACT:
- prefill_cells(form=None) -> QuerySet[ReportCell]   (manual numeric cells of current forms)
- report_prefill(*, user, org, cell, period_start, value, source) -> Report | None
  (kept for when the unit begins that report; put at once into its report of the period if it
  is still being filled and the cell is empty; returns the report it filled, if any)
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import CellKind, ReportEventKind, ReportState
from ..models import Report, ReportCell, ReportForm, ReportPrefill
from .reports import EDITABLE, _event, _tidy, parse_number, period_containing


def prefill_cells(form: ReportForm | None = None):
    """Manual numeric cells of the current, active forms (what a task may feed)."""
    cells = ReportCell.objects.filter(
        kind=CellKind.NUMBER, form__is_current=True, form__is_active=True
    ).select_related("form", "row", "column")
    return cells.filter(form=form) if form is not None else cells


def source_key(cell: ReportCell) -> str:
    """The name a figure for ``cell`` goes by where it is reported (at most 50 characters)."""
    return f"{cell.row.label} · {cell.column.levels[-1]}"[:50]


def report_prefill(*, user, org, cell, period_start, value, source: str) -> Report | None:
    """Called inside the caller's transaction (e.g. a task's completion), which is audited
    there; this records what it filled in the report's own timeline and audit."""
    if cell.kind != CellKind.NUMBER:
        raise ValidationError(_("只有手工填报的数值单元格可以由任务数据填入。"))
    number, error = parse_number(value)
    if error or number is None:
        raise ValidationError({"figures": error or _("请填写数字。")})
    amount = Decimal(str(number))
    if cell.min_value is not None and amount < cell.min_value:
        raise ValidationError(
            {
                "figures": _("“%(key)s”不能小于 %(n)s。")
                % {"key": source_key(cell), "n": _tidy(cell.min_value)}
            }
        )
    if cell.max_value is not None and amount > cell.max_value:
        raise ValidationError(
            {
                "figures": _("“%(key)s”不能大于 %(n)s。")
                % {"key": source_key(cell), "n": _tidy(cell.max_value)}
            }
        )
    form = cell.form
    period = period_containing(form, period_start)
    ReportPrefill.objects.update_or_create(
        form_code=form.code,
        org=org,
        period_start=period.start,
        key=cell.key,
        defaults={"value": Decimal(str(number)), "source": (source or "")[:200]},
    )
    report = (
        Report.objects.select_for_update()
        .filter(form__code=form.code, org=org, period_start=period.start)
        .exclude(state=ReportState.SUPERSEDED)
        .order_by("-version")
        .first()
    )
    if report is None or report.state not in EDITABLE:
        return None
    if not report.form.cells.filter(
        kind=CellKind.NUMBER, row__code=cell.row.code, column__code=cell.column.code
    ).exists():
        return None
    if report.values.get(cell.key) not in (None, ""):
        _event(
            report,
            ReportEventKind.PREFILLED,
            user,
            _("%(source)s报来的“%(key)s”为 %(v)s，未覆盖已填的数值。")
            % {"source": source, "key": cell.key, "v": number},
        )
        return None
    before = audit.snapshot(report, ["values"])
    report.values = {**report.values, cell.key: number}
    report.save(update_fields=["values"])
    _event(report, ReportEventKind.PREFILLED, user, f"{source}：{cell.key} = {number}")
    audit.record_change(
        user, report, "report_prefill", before=before, after={"values": report.values}
    )
    return report
