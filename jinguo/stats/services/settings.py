"""Writes of the report forms' settings: a form's header, rows, columns, cells and rules.

CONTRACT:
- reportform_create(*, user, code, name, period_kind, description="", unit_kinds=(),
  deadline_days=5) -> ReportForm
- reportform_update(*, user, form, name, description, unit_kinds, deadline_days, is_active)
  -> ReportForm                              (header only: never a new version)
- reportrow_save(*, user, form, row=None, code, label, sort=100) -> ReportRow
- reportrow_delete(*, user, form, row) -> ReportForm
- reportcolumn_save(*, user, form, column=None, code, header, sort=100) -> ReportColumn
- reportcolumn_delete(*, user, form, column) -> ReportForm
- reportcell_save(*, user, form, row, column, kind, formula, required, min_value, max_value)
  -> ReportCell                              (creates the cell at row × column or changes it)
- reportcell_update(*, user, cell, kind, formula, required, min_value, max_value) -> ReportCell
- reportcell_delete(*, user, form, cell) -> ReportForm
- reportrule_save(*, user, form, total, parts, message="") -> ReportRule
- reportrule_delete(*, user, form, rule) -> ReportForm

Every change of the layout goes through ``_working_copy``: a form that units have already
submitted reports on is not changed in place — its next version is made (rows, columns, cells
and rules copied, the old one kept for its reports and no longer filled) and the change lands
there. The objects passed in may belong to the old version; they are found again in the new
one by their codes. Each function returns what it changed, so the caller follows the version.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.serializers import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTER_RE
from jinguo.orgs.choices import UnitKind

from ..choices import CellKind, PeriodKind, ReportState
from ..indicators import FormulaError, check
from ..models import Report, ReportCell, ReportColumn, ReportForm, ReportRow, ReportRule

FIELDS = ["kind", "formula", "required", "min_value", "max_value"]
HEADER_FIELDS = ["name", "description", "unit_kinds", "deadline_days", "is_active"]
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LIMIT = Decimal("1e12")
MAX_ROWS = 200
MAX_COLUMNS = 60


# --- checks ---------------------------------------------------------------------------------


def _may(user) -> None:
    if not user.has_perm("stats.change_reportform"):
        raise PermissionDenied


def _text(value, field, label, errors, *, max_length, required=True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        errors[field] = _("%(label)s须是文字。") % {"label": label}
    elif required and not text:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(text) > max_length:
        errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}
    elif CONTROL_CHARACTER_RE.search(text):
        errors[field] = str(CONTROL_CHARACTER_MESSAGE)
    return text


def _code(value, errors, field="code") -> str:
    code = value.strip() if isinstance(value, str) else ""
    if not CODE_RE.match(code):
        errors[field] = _("代码须以小写字母开头，只含小写字母、数字和下划线，不超过 40 个字符。")
    return code


def _sort(value, errors) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 32767:
        return value
    errors["sort"] = _("排序须是 0 到 32767 之间的整数。")
    return 0


def _bound(value, field, errors):
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite() or abs(number) >= LIMIT:
        errors[field] = _("数值超出范围。")
        return None
    return number


def used(form: ReportForm) -> bool:
    """Whether units have submitted reports on this version (its layout is then frozen)."""
    return Report.objects.filter(form=form).exclude(state=ReportState.DRAFT).exists()


def rule_refs(form: ReportForm) -> set[str]:
    keys = set()
    for rule in form.rules.all():
        keys.add(rule.total)
        keys.update(rule.part_keys)
    return keys


# --- versions -------------------------------------------------------------------------------


def _clone(user, old: ReportForm, *, is_active: bool) -> ReportForm:
    new = ReportForm.objects.create(
        code=old.code,
        name=old.name,
        period_kind=old.period_kind,
        description=old.description,
        unit_kinds=list(old.unit_kinds or []),
        deadline_days=old.deadline_days,
        is_active=is_active,
        is_builtin=old.is_builtin,
        sort=old.sort,
        version=old.version + 1,
        previous=old,
        is_current=True,
    )
    rows = {
        r.pk: ReportRow.objects.create(form=new, code=r.code, label=r.label, sort=r.sort)
        for r in old.rows.all()
    }
    columns = {
        c.pk: ReportColumn.objects.create(form=new, code=c.code, header=c.header, sort=c.sort)
        for c in old.columns.all()
    }
    ReportCell.objects.bulk_create(
        [
            ReportCell(
                form=new,
                row=rows[c.row_id],
                column=columns[c.column_id],
                **{f: getattr(c, f) for f in FIELDS},
            )
            for c in old.cells.all()
        ]
    )
    ReportRule.objects.bulk_create(
        [
            ReportRule(form=new, total=r.total, parts=r.parts, message=r.message)
            for r in old.rules.all()
        ]
    )
    audit.record_change(
        user,
        new,
        "reportform_version",
        after={"code": new.code, "version": new.version, "previous": old.pk},
    )
    return new


def _working_copy(user, form) -> ReportForm:
    """The version a layout change may be made on (inside the caller's transaction)."""
    _may(user)
    pk = getattr(form, "pk", form)
    found = ReportForm.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("该报表不存在。"), code="not_found")
    if not found.is_current:
        raise ValidationError(_("这是报表的历史版本，不能修改；请修改当前版本。"))
    if not used(found):
        return found
    active = found.is_active
    found.is_current = False
    found.is_active = False
    found.save(update_fields=["is_current", "is_active"])
    return _clone(user, found, is_active=active)


def _same(model, form: ReportForm, obj, **lookup):
    """``obj`` (possibly of the previous version) found again in ``form``."""
    found = model.objects.filter(form=form, **lookup).first()
    if found is None or (obj.form_id != form.pk and obj.form_id != form.previous_id):
        raise ValidationError(_("该项不属于这张报表。"), code="not_found")
    return found


# --- the form's header ----------------------------------------------------------------------


def _header(data: dict, errors: dict) -> dict:
    out = {
        "name": _text(data.get("name"), "name", _("名称"), errors, max_length=80),
        "description": _text(
            data.get("description") or "",
            "description",
            _("填报说明"),
            errors,
            max_length=2000,
            required=False,
        ),
    }
    kinds = data.get("unit_kinds") or []
    if not isinstance(kinds, list | tuple) or any(k not in UnitKind.values for k in kinds):
        errors["unit_kinds"] = _("请选择填报单位类型。")
        kinds = []
    elif not kinds:
        errors["unit_kinds"] = _("请至少选择一种填报单位类型。")
    out["unit_kinds"] = sorted(set(kinds))
    days = data.get("deadline_days")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 60:
        errors["deadline_days"] = _("截止日须是期末后 0 到 60 个工作日。")
        days = 5
    out["deadline_days"] = days
    return out


def reportform_create(
    *, user, code, name, period_kind, description="", unit_kinds=(), deadline_days=5
) -> ReportForm:
    _may(user)
    errors: dict = {}
    code = _code(code, errors)
    data = _header(
        {
            "name": name,
            "description": description,
            "unit_kinds": list(unit_kinds or []),
            "deadline_days": deadline_days,
        },
        errors,
    )
    if period_kind not in PeriodKind.values:
        errors["period_kind"] = _("请选择报送周期。")
    if "code" not in errors and ReportForm.objects.filter(code=code).exists():
        errors["code"] = _("已有代码为“%(code)s”的报表。") % {"code": code}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        form = ReportForm.objects.create(code=code, period_kind=period_kind, **data)
        audit.record_change(user, form, "reportform_create", after=audit.snapshot(form))
    return form


def reportform_update(
    *, user, form, name, description, unit_kinds, deadline_days, is_active
) -> ReportForm:
    """The header does not change the layout: the current version is changed in place."""
    _may(user)
    errors: dict = {}
    data = _header(
        {
            "name": name,
            "description": description,
            "unit_kinds": list(unit_kinds or []),
            "deadline_days": deadline_days,
        },
        errors,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        form = ReportForm.objects.select_for_update().filter(pk=form.pk, is_current=True).first()
        if form is None:
            raise ValidationError(_("这是报表的历史版本，不能修改；请修改当前版本。"))
        before = audit.snapshot(form, HEADER_FIELDS)
        for key, value in data.items():
            setattr(form, key, value)
        form.is_active = bool(is_active)
        form.save(update_fields=HEADER_FIELDS)
        audit.record_change(
            user,
            form,
            "reportform_update",
            before=before,
            after=audit.snapshot(form, HEADER_FIELDS),
        )
    return form


# --- rows and columns -----------------------------------------------------------------------


def _line_save(user, form, obj, model, *, code, label_field, label, label_name, sort, limit):
    errors: dict = {}
    code = _code(code, errors)
    label_max = model._meta.get_field(label_field).max_length
    label = _text(label, label_field, label_name, errors, max_length=label_max)
    sort = _sort(sort, errors)
    if errors:
        raise ValidationError(errors)
    related = "rows" if model is ReportRow else "columns"
    with transaction.atomic():
        form = _working_copy(user, form)
        if obj is not None:
            obj = _same(model, form, obj, code=obj.code)
        siblings = getattr(form, related).exclude(pk=getattr(obj, "pk", None))
        if siblings.filter(code=code).exists():
            raise ValidationError(
                {"code": _("本报表已有代码为“%(code)s”的行或列。") % {"code": code}}
            )
        if obj is None and siblings.count() >= limit:
            raise ValidationError(
                _("一张报表最多 %(n)d 行、%(m)d 列。") % {"n": MAX_ROWS, "m": MAX_COLUMNS}
            )
        if obj is not None and obj.code != code:
            prefix = obj.code
            refs = rule_refs(form)
            part = 0 if model is ReportRow else 1
            if any(k.split(".")[part] == prefix for k in refs if "." in k):
                raise ValidationError(
                    {"code": _("校验规则引用了这一代码，请先修改或删除相关规则。")}
                )
        before = audit.snapshot(obj, ["code", label_field, "sort"]) if obj else None
        obj = obj or model(form=form)
        obj.code, obj.sort = code, sort
        setattr(obj, label_field, label)
        obj.save()
        audit.record_change(
            user,
            obj,
            f"report{model.__name__[6:].lower()}_save",
            before=before,
            after=audit.snapshot(obj, ["code", label_field, "sort"]),
            form=form.pk,
        )
    return obj


def _line_delete(user, form, obj, model) -> ReportForm:
    with transaction.atomic():
        form = _working_copy(user, form)
        obj = _same(model, form, obj, code=obj.code)
        part = 0 if model is ReportRow else 1
        if any(k.split(".")[part] == obj.code for k in rule_refs(form) if "." in k):
            raise ValidationError(_("校验规则引用了这一行或列，请先删除相关规则。"))
        audit.record_change(
            user,
            obj,
            f"report{model.__name__[6:].lower()}_delete",
            before=audit.snapshot(obj, ["code", "sort"]),
            form=form.pk,
        )
        obj.delete()
    return form


def reportrow_save(*, user, form, row=None, code, label, sort=100) -> ReportRow:
    return _line_save(
        user,
        form,
        row,
        ReportRow,
        code=code,
        label_field="label",
        label=label,
        label_name=_("行名称"),
        sort=sort,
        limit=MAX_ROWS,
    )


def reportrow_delete(*, user, form, row) -> ReportForm:
    return _line_delete(user, form, row, ReportRow)


def reportcolumn_save(*, user, form, column=None, code, header, sort=100) -> ReportColumn:
    column = _line_save(
        user,
        form,
        column,
        ReportColumn,
        code=code,
        label_field="header",
        label=header,
        label_name=_("列标题"),
        sort=sort,
        limit=MAX_COLUMNS,
    )
    return column


def reportcolumn_delete(*, user, form, column) -> ReportForm:
    return _line_delete(user, form, column, ReportColumn)


# --- cells ----------------------------------------------------------------------------------


def _cell_values(kind, formula, required, min_value, max_value) -> dict:
    errors: dict = {}
    formula = formula.strip() if isinstance(formula, str) else ""
    if kind not in CellKind.values:
        errors["kind"] = _("请选择单元格类型。")
    elif kind == CellKind.COMPUTED:
        try:
            check(formula)
        except FormulaError as exc:
            errors["formula"] = str(exc)
    elif formula:
        errors["formula"] = _("手工填报的单元格不需要公式。")
    min_value = _bound(min_value, "min_value", errors)
    max_value = _bound(max_value, "max_value", errors)
    if kind != CellKind.NUMBER and (min_value is not None or max_value is not None):
        errors.setdefault("min_value", _("只有手工填报的数值可以限定范围。"))
    if min_value is not None and max_value is not None and min_value > max_value:
        errors["max_value"] = _("最大值不能小于最小值。")
    if errors:
        raise ValidationError(errors)
    required = bool(required) and kind != CellKind.COMPUTED
    return {
        "kind": kind,
        "formula": formula,
        "required": required,
        "min_value": min_value,
        "max_value": max_value,
    }


def reportcell_save(
    *, user, form, row, column, kind, formula, required, min_value, max_value
) -> ReportCell:
    values = _cell_values(kind, formula, required, min_value, max_value)
    with transaction.atomic():
        form = _working_copy(user, form)
        row = _same(ReportRow, form, row, code=row.code)
        column = _same(ReportColumn, form, column, code=column.code)
        cell = ReportCell.objects.filter(row=row, column=column).first()
        before = audit.snapshot(cell, FIELDS) if cell else None
        cell = cell or ReportCell(form=form, row=row, column=column)
        for key, value in values.items():
            setattr(cell, key, value)
        cell.save()
        audit.record_change(
            user,
            cell,
            "reportcell_update" if before else "reportcell_create",
            before=before,
            after=audit.snapshot(cell, FIELDS),
            form=form.pk,
        )
    return cell


def reportcell_update(*, user, cell, kind, formula, required, min_value, max_value) -> ReportCell:
    return reportcell_save(
        user=user,
        form=cell.form,
        row=cell.row,
        column=cell.column,
        kind=kind,
        formula=formula,
        required=required,
        min_value=min_value,
        max_value=max_value,
    )


def reportcell_delete(*, user, form, cell) -> ReportForm:
    with transaction.atomic():
        form = _working_copy(user, form)
        cell = _same(ReportCell, form, cell, row__code=cell.row.code, column__code=cell.column.code)
        if cell.key in rule_refs(form):
            raise ValidationError(_("校验规则引用了这个单元格，请先删除相关规则。"))
        audit.record_change(
            user, cell, "reportcell_delete", before=audit.snapshot(cell, FIELDS), form=form.pk
        )
        cell.delete()
    return form


# --- rules ----------------------------------------------------------------------------------


def reportrule_save(*, user, form, total, parts, message="") -> ReportRule:
    """``total`` (a numeric cell key ``row.column``) must equal the sum of ``parts``
    (keys separated by ``+``)."""
    errors: dict = {}
    total = _text(total, "total", _("合计单元格"), errors, max_length=90)
    parts = _text(parts, "parts", _("分项单元格"), errors, max_length=1000)
    message = _text(message or "", "message", _("提示"), errors, max_length=200, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        form = _working_copy(user, form)
        numeric = {c.key for c in form.cells.select_related("row", "column") if c.is_numeric}
        part_keys = [p.strip() for p in parts.split("+") if p.strip()]
        if total not in numeric:
            errors["total"] = _("“%(key)s”不是本报表的数值单元格（写作 行代码.列代码）。") % {
                "key": total[:90]
            }
        unknown = [k for k in part_keys if k not in numeric]
        if not part_keys:
            errors["parts"] = _("请填写分项单元格，用 + 连接。")
        elif unknown:
            errors["parts"] = _("这些不是本报表的数值单元格：%(keys)s") % {
                "keys": "、".join(unknown)[:200]
            }
        elif total in part_keys:
            errors["parts"] = _("合计单元格不能同时是分项。")
        if errors:
            raise ValidationError(errors)
        rule = ReportRule.objects.create(
            form=form, total=total, parts=" + ".join(part_keys), message=message
        )
        audit.record_change(
            user,
            rule,
            "reportrule_create",
            after=audit.snapshot(rule, ["total", "parts", "message"]),
            form=form.pk,
        )
    return rule


def reportrule_delete(*, user, form, rule) -> ReportForm:
    with transaction.atomic():
        form = _working_copy(user, form)
        rule = _same(ReportRule, form, rule, total=rule.total, parts=rule.parts)
        audit.record_change(
            user,
            rule,
            "reportrule_delete",
            before=audit.snapshot(rule, ["total", "parts", "message"]),
            form=form.pk,
        )
        rule.delete()
    return form
