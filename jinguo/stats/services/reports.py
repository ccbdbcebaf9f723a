"""Writes of the report forms: a unit's report from draft to accepted, and the reminders.

CONTRACT:
- report_start(*, user, form, period_start) -> Report   (her home unit's current version, or
  a new draft with the computed cells filled and manual numbers summed from the children)
- report_save(*, user, report, values) -> Report        (manual cells; a wrong number is refused)
- report_recompute(*, user, report) -> Report           (computed cells from the summary again)
- report_submit(*, user, report, values=None) -> Report (上报; every rule checked)
- report_review(*, user, report, accept, comment="") -> Report  (the parent unit: accept locks,
  return needs a comment)
- report_correct(*, user, report, reason) -> Report     (a new draft version of an accepted one)
- remind_overdue(now=None) -> int                       (the scheduler's job: units reminded)

Every function checks the report through restrict() and the unit relation (a unit fills its
own report; its parent reviews it), validates with Chinese messages keyed by cell, writes in
one transaction with its audit row and timeline event, and notifies after commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit, workdays
from jinguo.core.notifications import notify
from jinguo.core.serializers import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTER_RE
from jinguo.orgs.models import OrgUnit

from ..choices import CellKind, ReportEventKind, ReportState
from ..indicators import Evaluator, FormulaError
from ..models import Report, ReportEvent, ReportForm, ReportPrefill, ReportReminder
from ..periods import Period, add_months

TEXT_MAX = 500
COMMENT_MAX = 2000
LIVE = (ReportState.DRAFT, ReportState.SUBMITTED, ReportState.RETURNED, ReportState.ACCEPTED)
EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)
FILED = (ReportState.SUBMITTED, ReportState.ACCEPTED)
MONTHS = {"month": 1, "quarter": 3, "year": 12}


# --- periods and deadlines -----------------------------------------------------------------


def period_of(form: ReportForm, start: datetime.date) -> Period:
    return Period(form.period_kind, start, add_months(start, MONTHS[form.period_kind]))


def period_containing(form: ReportForm, day: datetime.date) -> Period:
    months = MONTHS[form.period_kind]
    index = (day.month - 1) // months * months
    return period_of(form, datetime.date(day.year, index + 1, 1))


def last_closed_period(form: ReportForm, today: datetime.date | None = None) -> Period:
    """The period most recently ended: the one a unit files now."""
    today = today or timezone.localdate()
    current = period_containing(form, today)
    return period_of(form, add_months(current.start, -MONTHS[form.period_kind]))


def due_on(form: ReportForm, period: Period) -> datetime.date:
    """The ``deadline_days``-th working day after the period's last day (holiday calendar)."""
    return workdays.add_days(period.last, form.deadline_days, working=True)


def valid_period_start(form: ReportForm, start) -> bool:
    return (
        isinstance(start, datetime.date)
        and start.day == 1
        and (start.month - 1) % MONTHS[form.period_kind] == 0
    )


def files(form: ReportForm, unit: OrgUnit) -> bool:
    return unit.kind in (form.unit_kinds or [])


# --- values ---------------------------------------------------------------------------------


def cells_of(form: ReportForm):
    return list(form.cells.select_related("row", "column"))


def compute(form: ReportForm, unit: OrgUnit, period: Period, cells=None) -> tuple[dict, list]:
    """The computed cells of ``unit``'s report for ``period``, from the summary, and the keys
    of those that count sensitive records or values."""
    cells = cells if cells is not None else cells_of(form)
    return evaluate_cells(Evaluator.for_unit(unit.path, period), cells)


def evaluate_cells(ev: Evaluator, cells) -> tuple[dict, list]:
    """The computed ``cells`` by ``ev`` (one unit and period): values, and the keys of those
    that count sensitive records or values. A formula that cannot be evaluated gives None."""
    values, sensitive = {}, []
    for cell in cells:
        if cell.kind != CellKind.COMPUTED:
            continue
        try:
            values[cell.key] = ev.evaluate(cell.formula)
        except (FormulaError, ArithmeticError):
            values[cell.key] = None
        if ev.sensitive:
            sensitive.append(cell.key)
    return values, sensitive


def children_reports(form: ReportForm, unit: OrgUnit, period_start, states=FILED):
    """The current filed reports of ``unit``'s children for the period (no scoping: callers
    scope; used to sum a consolidated report)."""
    return (
        Report.objects.filter(
            form__code=form.code, period_start=period_start, org__parent=unit, state__in=states
        )
        .select_related("org")
        .order_by("org__code")
    )


def sum_values(cells, reports) -> dict:
    totals: dict[str, object] = {}
    for cell in cells:
        if not cell.is_numeric:
            continue
        got = [r.values.get(cell.key) for r in reports]
        numbers = [Decimal(str(v)) for v in got if isinstance(v, int | float)]
        totals[cell.key] = _tidy(sum(numbers)) if numbers else None
    return totals


def _tidy(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


def parse_number(raw) -> tuple[object, str | None]:
    """(value, error) of a typed number; empty is None."""
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, _("请输入数字。")
    if isinstance(raw, int | float):
        raw = str(raw)
    if not isinstance(raw, str):
        return None, _("请输入数字。")
    text = raw.strip().replace(",", "").replace("，", "")
    if not text:
        return None, None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, _("“%(v)s”不是数字。") % {"v": text[:20]}
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        return None, _("数值超出范围。")
    return _tidy(number.quantize(Decimal("0.01"))), None


def clean_manual(cells, data) -> tuple[dict, dict]:
    """(values, errors) of the manual cells typed in ``data`` (cell key → text)."""
    values, errors = {}, {}
    if not hasattr(data, "get"):
        return values, {"__all__": [_("填报数据格式不正确。")]}
    for cell in cells:
        if not cell.is_manual or cell.key not in data:
            continue
        raw = data.get(cell.key)
        if cell.kind == CellKind.TEXT:
            text = raw.strip() if isinstance(raw, str) else ("" if raw is None else None)
            if text is None:
                errors[cell.key] = _("请填写文字。")
            elif CONTROL_CHARACTER_RE.search(text):
                errors[cell.key] = str(CONTROL_CHARACTER_MESSAGE)
            elif len(text) > TEXT_MAX:
                errors[cell.key] = _("不能超过 %(n)d 个字。") % {"n": TEXT_MAX}
            else:
                values[cell.key] = text
            continue
        value, error = parse_number(raw)
        if error:
            errors[cell.key] = error
            continue
        if value is not None:
            if cell.min_value is not None and Decimal(str(value)) < cell.min_value:
                errors[cell.key] = _("不能小于 %(n)s。") % {"n": _tidy(cell.min_value)}
            elif cell.max_value is not None and Decimal(str(value)) > cell.max_value:
                errors[cell.key] = _("不能大于 %(n)s。") % {"n": _tidy(cell.max_value)}
        values[cell.key] = value
    return values, errors


def check_complete(form: ReportForm, cells, values: dict) -> dict:
    """Errors that stop a submission: required cells empty, rules (sums) not met."""
    errors: dict[str, list | str] = {}
    labels = {c.key: f"{c.row.label} · {c.column.header}" for c in cells}
    for cell in cells:
        if cell.required and values.get(cell.key) in (None, ""):
            errors[cell.key] = _("此项必填。")
    general = []
    for rule in form.rules.all():
        keys = [rule.total, *rule.part_keys]
        if any(k not in labels for k in keys):
            continue
        numbers = [values.get(k) for k in keys]
        if all(n is None for n in numbers):
            continue
        total, *parts = (Decimal(str(n or 0)) for n in numbers)
        if total != sum(parts):
            general.append(
                rule.message
                or _("“%(total)s”应等于%(parts)s之和（现为 %(t)s，各项之和为 %(s)s）。")
                % {
                    "total": labels[rule.total],
                    "parts": "、".join(f"“{labels[k]}”" for k in rule.part_keys),
                    "t": _tidy(total),
                    "s": _tidy(sum(parts)),
                }
            )
            errors.setdefault(rule.total, _("与分项之和不等。"))
    if general:
        errors["__all__"] = general
    return errors


# --- access ---------------------------------------------------------------------------------


def _not_found() -> ValidationError:
    return ValidationError(_("该报表不存在，或您无权进行此项操作。"), code="not_found")


def _locked(user, report, action: str) -> Report:
    pk = getattr(report, "pk", report)
    found = (
        Report.objects.restrict(user, action)
        .select_for_update()
        .select_related("form", "org")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise _not_found()
    return found


def _own(user, report: Report) -> None:
    """A unit fills and submits only its own report."""
    if report.org_id != user.home_unit_id:
        raise _not_found()


def _event(report, kind, user, comment="") -> None:
    ReportEvent.objects.create(report=report, kind=kind, user=user, comment=comment)


def _reviewers(unit: OrgUnit | None):
    if unit is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            home_unit=unit,
            is_active=True,
            roles__permissions__content_type__app_label="stats",
            roles__permissions__codename="review_report",
        )
        .distinct()
    )


def _fillers(units):
    return (
        get_user_model()
        .objects.filter(
            home_unit__in=units,
            is_active=True,
            roles__permissions__content_type__app_label="stats",
            roles__permissions__codename="submit_report",
        )
        .distinct()
    )


# --- the workflow ---------------------------------------------------------------------------


def current_report(form, org, period_start) -> Report | None:
    return (
        Report.objects.filter(form__code=form.code, org=org, period_start=period_start)
        .exclude(state=ReportState.SUPERSEDED)
        .order_by("-version")
        .first()
    )


def report_start(*, user, form: ReportForm, period_start) -> Report:
    if not user.has_perm("stats.add_report") or user.home_unit_id is None:
        raise PermissionDenied
    if not form.is_active:
        raise ValidationError(_("该报表已停用。"))
    if not valid_period_start(form, period_start):
        raise ValidationError({"period": _("报告期不正确。")})
    unit = user.home_unit
    if not files(form, unit):
        raise ValidationError(_("本单位不需要填报该报表。"))
    period = period_of(form, period_start)
    if period.start > timezone.localdate():
        raise ValidationError({"period": _("报告期尚未开始，不能填报。")})
    with transaction.atomic():
        existing = current_report(form, unit, period_start)
        if existing is not None:
            return existing
        cells = cells_of(form)
        values, sensitive = compute(form, unit, period, cells)
        values.update(
            {
                k: v
                for k, v in sum_values(cells, children_reports(form, unit, period_start)).items()
                if k not in values
            }
        )
        prefilled = _prefills(form, unit, period_start, cells, values)
        values.update(prefilled)
        report = Report.objects.create(
            org=unit,
            form=form,
            period_start=period_start,
            values=values,
            sensitive_cells=sensitive,
            due_on=due_on(form, period),
            computed_at=timezone.now(),
        )
        _event(report, ReportEventKind.CREATED, user)
        if prefilled:
            _event(report, ReportEventKind.PREFILLED, user, "、".join(sorted(prefilled)))
        audit.record_change(user, report, "report_start", after=audit.snapshot(report))
    return report


def _editable(user, report, action="change") -> Report:
    report = _locked(user, report, action)
    _own(user, report)
    if report.state not in EDITABLE:
        raise ValidationError(_("该报表已上报或已审核通过，不能修改。"))
    return report


def _store(user, report, values: dict, errors: dict) -> Report:
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(report, ["values"])
    report.values = {**report.values, **values}
    report.save(update_fields=["values"])
    return before


def report_save(*, user, report, values) -> Report:
    with transaction.atomic():
        report = _editable(user, report)
        cells = cells_of(report.form)
        clean, errors = clean_manual(cells, values)
        before = _store(user, report, clean, errors)
        _event(report, ReportEventKind.SAVED, user)
        audit.record_change(
            user, report, "report_save", before=before, after={"values": report.values}
        )
    return report


def report_recompute(*, user, report) -> Report:
    with transaction.atomic():
        report = _editable(user, report)
        cells = cells_of(report.form)
        before = audit.snapshot(report, ["values"])
        computed, report.sensitive_cells = compute(report.form, report.org, report.period, cells)
        report.values = {**report.values, **computed}
        report.computed_at = timezone.now()
        report.save(update_fields=["values", "sensitive_cells", "computed_at"])
        _event(report, ReportEventKind.RECOMPUTED, user)
        audit.record_change(
            user, report, "report_recompute", before=before, after={"values": report.values}
        )
    return report


def report_submit(*, user, report, values=None) -> Report:
    with transaction.atomic():
        report = _editable(user, report, "submit")
        form = report.form
        cells = cells_of(form)
        if values is not None:
            clean, errors = clean_manual(cells, values)
            if errors:
                raise ValidationError(errors)
            report.values = {**report.values, **clean}
        errors = check_complete(form, cells, report.values)
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(report)
        report.state = ReportState.SUBMITTED
        report.submitted_at, report.submitted_by = timezone.now(), user
        report.save(update_fields=["values", "state", "submitted_at", "submitted_by"])
        _event(report, ReportEventKind.SUBMITTED, user)
        audit.record_change(
            user, report, "report_submit", before=before, after=audit.snapshot(report)
        )
        for reviewer in _reviewers(report.org.parent):
            notify(
                reviewer,
                _("%(unit)s已上报%(form)s") % {"unit": report.org.name, "form": form.name},
                _("%(period)s，请审核。") % {"period": report.period_label},
                report.get_absolute_url(),
            )
    return report


def report_review(*, user, report, accept: bool, comment: str = "") -> Report:
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _("审核意见不能超过 %(n)d 个字。") % {"n": COMMENT_MAX}})
    if not accept and not comment:
        raise ValidationError({"comment": _("退回时请写明需要修改的内容。")})
    if CONTROL_CHARACTER_RE.search(comment):
        raise ValidationError({"comment": str(CONTROL_CHARACTER_MESSAGE)})
    with transaction.atomic():
        report = _locked(user, report, "review")
        if report.org.parent_id != user.home_unit_id:
            raise _not_found()
        if report.state != ReportState.SUBMITTED:
            raise ValidationError(_("只有已上报待审核的报表可以审核。"))
        before = audit.snapshot(report)
        report.state = ReportState.ACCEPTED if accept else ReportState.RETURNED
        report.reviewed_at, report.reviewed_by = timezone.now(), user
        report.review_comment = comment
        report.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_comment"])
        kind = ReportEventKind.ACCEPTED if accept else ReportEventKind.RETURNED
        _event(report, kind, user, comment)
        audit.record_change(
            user,
            report,
            "report_accept" if accept else "report_return",
            before=before,
            after=audit.snapshot(report),
        )
        if report.submitted_by_id and report.submitted_by.is_active:
            notify(
                report.submitted_by,
                (_("%(form)s已审核通过") if accept else _("%(form)s被退回"))
                % {"form": report.form.name},
                comment or report.period_label,
                report.get_absolute_url(),
                level="success" if accept else "warning",
            )
    return report


def report_correct(*, user, report, reason: str) -> Report:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    if CONTROL_CHARACTER_RE.search(reason):
        raise ValidationError({"reason": str(CONTROL_CHARACTER_MESSAGE)})
    if len(reason) > COMMENT_MAX:
        raise ValidationError({"reason": _("更正原因不能超过 %(n)d 个字。") % {"n": COMMENT_MAX}})
    with transaction.atomic():
        old = _locked(user, report, "submit")
        _own(user, old)
        if not user.has_perm("stats.add_report"):
            raise PermissionDenied
        if old.state != ReportState.ACCEPTED:
            raise ValidationError(_("只有已审核通过的报表需要以新版本更正。"))
        before = audit.snapshot(old)
        old.state = ReportState.SUPERSEDED
        old.save(update_fields=["state"])
        new = Report.objects.create(
            org=old.org,
            form=old.form,
            period_start=old.period_start,
            version=old.version + 1,
            values=dict(old.values),
            sensitive_cells=list(old.sensitive_cells),
            due_on=old.due_on,
            computed_at=old.computed_at,
            correction_reason=reason,
            previous=old,
        )
        _event(new, ReportEventKind.CORRECTED, user, reason)
        audit.record_change(user, old, "report_supersede", before=before, after=audit.snapshot(old))
        audit.record_change(user, new, "report_correct", after=audit.snapshot(new), reason=reason)
    return new


# --- figures reported elsewhere -------------------------------------------------------------


def _prefills(form, unit, period_start, cells, values) -> dict:
    """Stored figures for the manual cells of a new report that are still empty."""
    manual = {c.key for c in cells if c.kind == CellKind.NUMBER}
    out = {}
    for row in ReportPrefill.objects.filter(
        form_code=form.code, org=unit, period_start=period_start
    ):
        if row.key in manual and values.get(row.key) is None:
            out[row.key] = _tidy(row.value)
    return out


# --- reminders ------------------------------------------------------------------------------


def remind_overdue(now=None) -> int:
    """Remind each unit that has not filed the last closed period's report once its deadline
    has passed; once per form, unit and period."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    reminded = 0
    for form in ReportForm.objects.filter(is_active=True):
        period = last_closed_period(form, today)
        if today <= due_on(form, period):
            continue
        filed = Report.objects.filter(
            form__code=form.code, period_start=period.start, state__in=FILED
        ).values("org_id")
        done = ReportReminder.objects.filter(
            form__code=form.code, period_start=period.start
        ).values("org_id")
        units = list(
            OrgUnit.objects.filter(kind__in=form.unit_kinds or [], is_active=True)
            .exclude(pk__in=filed)
            .exclude(pk__in=done)
            .only("pk", "name")
        )
        if not units:
            continue
        with transaction.atomic():
            ReportReminder.objects.bulk_create(
                [ReportReminder(form=form, org=u, period_start=period.start) for u in units],
                ignore_conflicts=True,
            )
            url = reverse("stats:report_start") + f"?form={form.pk}&period={period.start:%Y-%m-%d}"
            for user in _fillers(units):
                notify(
                    user,
                    _("%(form)s逾期未报") % {"form": form.name},
                    _("%(period)s的报表已过截止日期（%(due)s），请尽快填报上报。")
                    % {"period": period.label, "due": f"{due_on(form, period):%Y-%m-%d}"},
                    url,
                    level="warning",
                )
        reminded += len(units)
    return reminded
