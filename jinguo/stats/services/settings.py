"""Writes of the report forms' settings (system administrator).

CONTRACT:
- reportcell_update(*, user, cell, kind, formula, required, min_value, max_value) -> ReportCell
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import CellKind
from ..indicators import FormulaError, check
from ..models import ReportCell

FIELDS = ["kind", "formula", "required", "min_value", "max_value"]


def reportcell_update(*, user, cell, kind, formula, required, min_value, max_value) -> ReportCell:
    if not user.has_perm("stats.change_reportcell"):
        raise PermissionDenied
    errors = {}
    formula = (formula or "").strip()
    if kind == CellKind.COMPUTED:
        try:
            check(formula)
        except FormulaError as exc:
            errors["formula"] = str(exc)
    elif formula:
        errors["formula"] = _("手工填报的单元格不需要公式。")
    if min_value is not None and max_value is not None and min_value > max_value:
        errors["max_value"] = _("最大值不能小于最小值。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cell = ReportCell.objects.select_for_update().get(pk=cell.pk)
        before = audit.snapshot(cell, FIELDS)
        cell.kind, cell.formula, cell.required = kind, formula, required
        cell.min_value, cell.max_value = min_value, max_value
        cell.save(update_fields=FIELDS)
        audit.record_change(
            user, cell, "reportcell_update", before=before, after=audit.snapshot(cell, FIELDS)
        )
    return cell
