"""Every write of the notices app: issuing, acknowledging, completing, reminding, withdrawing.

CONTRACT:
- target_units(org, targets, *, target_kind="", units=()) -> list[OrgUnit]
- notice_issue(*, user, kind, title, body, targets, due_on=None, target_kind="", units=(),
  files=(), report_cell=None, report_period=None) -> Notice   (one Receipt per receiving
  unit; their users notified after commit; a task may feed a manual cell of a report form)
- receipt_acknowledge(*, user, receipt) -> Receipt          (签收)
- receipt_complete(*, user, receipt, note, figures=(), files=()) -> Receipt   (tasks only; a
  task feeding a report cell needs that figure, which fills the unit's report of the period)
- notice_remind(*, user, notice) -> int                     (units reminded)
- notice_withdraw(*, user, notice, reason) -> Notice
- remind_due(now=None) -> int   (the scheduler: tasks due within 2 days, then overdue; once each)

Each function checks its object through restrict(), validates with Chinese messages keyed by
field, writes in one transaction with its audit row, and notifies after commit. Only the
receiving unit's own users sign or complete its receipt: the levels above see it, but do not
answer for it.
"""

import datetime
import math
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.notifications import notify
from jinguo.core.scoping import permission_name
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.stats.services import prefill as report_prefill
from jinguo.stats.services.reports import period_containing

from .. import files as notice_files
from ..choices import NoticeKind, NoticeTargets, ReceiptState
from ..models import Notice, Receipt

TITLE_MAX = Notice._meta.get_field("title").max_length
BODY_MAX = 10000
NOTE_MAX = 5000
REASON_MAX = Notice._meta.get_field("withdraw_reason").max_length
LONGEST_TASK = datetime.timedelta(days=366)
REMIND_BEFORE = datetime.timedelta(days=2)
MAX_FIGURES = 30
FIGURE_KEY_MAX = 50
FIGURE_VALUE_MAX = Decimal("1e12")
MAX_RECEIVERS = 5000


def _require(user, action: str, model) -> None:
    if not user.has_perm(permission_name(model, action)):
        raise PermissionDenied


def _not_found(what: str) -> ValidationError:
    return ValidationError(
        _("该%(what)s不存在，或您无权进行此项操作。") % {"what": what}, code="not_found"
    )


def _locked(model, user, obj, action: str, what: str):
    pk = getattr(obj, "pk", obj)
    found = model.objects.restrict(user, action).select_for_update().filter(pk=pk).first()
    if found is None:
        raise _not_found(what)
    return found


def _text(value, field, label, errors, *, required=False, limit=NOTE_MAX) -> str:
    if value is not None and not isinstance(value, str):
        errors[field] = _("%(label)s格式不正确。") % {"label": label}
        return ""
    text = (value or "").strip()
    if required and not text:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(text) > limit:
        errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit}
    return text


# --- who receives ----------------------------------------------------------------------------


def _below(org: OrgUnit):
    return OrgUnit.objects.filter(path__subtree=org.path, is_active=True).exclude(pk=org.pk)


def target_units(org: OrgUnit, targets: str, *, target_kind: str = "", units=()) -> list:
    """The active units below ``org`` a notice with these targets goes to."""
    below = _below(org)
    if targets == NoticeTargets.CHILDREN:
        return list(below.filter(parent=org).order_by("path"))
    if targets == NoticeTargets.LEVEL:
        return list(below.filter(kind=target_kind).order_by("path"))
    ids = {getattr(u, "pk", u) for u in units}
    return list(below.filter(pk__in=ids).order_by("path"))


def _receivers(units, receipts_by_unit=None):
    """Active users homed in ``units`` who may sign for them."""
    return (
        get_user_model()
        .objects.filter(is_active=True, home_unit__in=units)
        .filter(
            roles__permissions__content_type__app_label="notices",
            roles__permissions__codename="acknowledge_receipt",
        )
        .distinct()
    )


def _notify_receipts(receipts, title: str, body: str, level: str = "info") -> int:
    by_unit = {r.org_id: r for r in receipts}
    count = 0
    for user in _receivers([r.org_id for r in receipts]):
        receipt = by_unit[user.home_unit_id]
        notify(user, title, body, receipt.get_absolute_url(), level)
        count += 1
    return count


# --- issuing ---------------------------------------------------------------------------------


def _clean_due(kind, due_on, errors, today) -> datetime.date | None:
    if kind != NoticeKind.TASK:
        return None
    if not isinstance(due_on, datetime.date) or isinstance(due_on, datetime.datetime):
        errors["due_on"] = _("任务须填写完成期限。")
    elif due_on < today:
        errors["due_on"] = _("完成期限不能早于今天。")
    elif due_on > today + LONGEST_TASK:
        errors["due_on"] = _("完成期限不能晚于一年之后，请核对。")
    else:
        return due_on
    return None


def _report_link(kind, report_cell, report_period, due_on, receivers, errors):
    """(cell, period start) of a task feeding a report cell, or (None, None)."""
    if report_cell in (None, ""):
        return None, None
    pk = getattr(report_cell, "pk", report_cell)
    cell = (
        report_prefill.prefill_cells().filter(pk=pk).first()
        if isinstance(pk, int) and not isinstance(pk, bool)
        else None
    )
    if kind != NoticeKind.TASK:
        errors["report_cell"] = _("只有任务可以填入报表。")
    elif cell is None:
        errors["report_cell"] = _("请选择一个手工填报的数值单元格。")
    elif receivers and not {u.kind for u in receivers} & set(cell.form.unit_kinds or []):
        errors["report_cell"] = _("接收单位不填报《%(form)s》，请选择其他报表或发送范围。") % {
            "form": cell.form.name
        }
    if cell is None or "report_cell" in errors:
        return None, None
    day = report_period or due_on
    if not isinstance(day, datetime.date) or not 2000 <= day.year <= 2099:
        if report_period is not None:
            errors["report_period"] = _("请填写报告期内的一个日期。")
        return None, None
    return cell, period_containing(cell.form, day).start


def notice_issue(
    *,
    user,
    kind: str,
    title: str,
    body: str,
    targets: str,
    due_on=None,
    target_kind: str = "",
    units=(),
    files=(),
    report_cell=None,
    report_period=None,
) -> Notice:
    _require(user, "add", Notice)
    org = user.home_unit
    if org is None:
        raise PermissionDenied
    errors: dict = {}
    if kind not in NoticeKind.values:
        errors["kind"] = _("请选择是通知还是任务。")
    title = _text(title, "title", _("标题"), errors, required=True, limit=TITLE_MAX)
    body = _text(body, "body", _("正文"), errors, required=True, limit=BODY_MAX)
    due_on = _clean_due(kind, due_on, errors, timezone.localdate())
    receivers = []
    if targets not in NoticeTargets.values:
        errors["targets"] = _("请选择发送范围。")
    elif targets == NoticeTargets.LEVEL and target_kind not in UnitKind.values:
        errors["target_kind"] = _("请选择发送到哪一级单位。")
    elif targets == NoticeTargets.PICKED and not units:
        errors["units"] = _("请至少选择一个接收单位。")
    else:
        target_kind = target_kind if targets == NoticeTargets.LEVEL else ""
        receivers = target_units(org, targets, target_kind=target_kind, units=units)
        if targets == NoticeTargets.PICKED and len(receivers) != len({*units}):
            errors["units"] = _("所选单位中有不属于本单位下级的单位，请重新选择。")
        elif not receivers:
            key = {NoticeTargets.LEVEL: "target_kind"}.get(targets, "targets")
            errors[key] = _("本单位下没有符合条件的下级单位，请选择其他发送范围。")
        elif len(receivers) > MAX_RECEIVERS:
            errors["targets"] = _("接收单位超过 %(n)d 个，请分批发送或选择更高一级的单位。") % {
                "n": MAX_RECEIVERS
            }
    cell, period_start = _report_link(kind, report_cell, report_period, due_on, receivers, errors)
    try:
        checked = notice_files.check_uploads(files)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        checked = []
    if errors:
        raise ValidationError(errors)
    with notice_files.removed_on_failure() as written, transaction.atomic(), audit.batched():
        notice = Notice(
            org=org,
            kind=kind,
            title=title,
            body=body,
            due_on=due_on,
            targets=targets,
            target_kind=target_kind,
            issued_by=user,
            report_cell=cell,
            report_period=period_start,
            report_figure=report_prefill.source_key(cell) if cell else "",
        )
        notice.save(force_insert=True)
        receipts = Receipt.objects.bulk_create(
            [
                Receipt(notice=notice, org=u, org_path=u.path, kind=kind, due_on=due_on)
                for u in receivers
            ]
        )
        for one in checked:
            notice_files.store(one, notice=notice, user=user, written=written)
        audit.record_change(
            user,
            notice,
            "notice_issue",
            after=audit.snapshot(notice),
            units=len(receipts),
            files=len(checked),
        )
        what = NoticeKind(kind).label
        body_line = _("%(unit)s下发%(what)s，请及时签收。") % {"unit": org.name, "what": what}
        if due_on:
            body_line += _("完成期限：%(due)s。") % {"due": due_on.isoformat()}
        _notify_receipts(
            receipts, _("新的%(what)s：%(title)s") % {"what": what, "title": title}, body_line
        )
    return notice


# --- the receiving unit ----------------------------------------------------------------------


def _own_receipt(user, receipt, action: str) -> Receipt:
    found = _locked(Receipt, user, receipt, action, _("回执"))
    if found.org_id != user.home_unit_id:
        # The levels above see the receipt, but only the unit itself answers for it.
        raise _not_found(_("回执"))
    return found


def receipt_acknowledge(*, user, receipt) -> Receipt:
    with transaction.atomic():
        receipt = _own_receipt(user, receipt, "acknowledge")
        notice = receipt.notice
        if notice.withdrawn_at is not None:
            raise ValidationError(_("该%(what)s已被撤回。") % {"what": notice.get_kind_display()})
        if receipt.state != ReceiptState.PENDING:
            raise ValidationError(_("本单位已经签收过了。"), code="done")
        receipt.state = ReceiptState.ACKNOWLEDGED
        receipt.acknowledged_at = timezone.now()
        receipt.acknowledged_by = user
        receipt.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        audit.record_change(
            user, receipt, "receipt_acknowledge", after={"state": receipt.state}, notice=notice.pk
        )
    return receipt


def _number(raw) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or abs(value) >= FIGURE_VALUE_MAX:
        return None
    return value


def clean_figures(figures, errors: dict) -> list[dict]:
    """[(key, value)] or [{"key", "value"}] → [{"key": str, "value": int|float}]; blank rows
    are dropped; every problem is listed under "figures"."""
    rows, problems, seen = [], [], set()
    if figures is None:
        figures = ()
    if not isinstance(figures, list | tuple):
        errors["figures"] = [_("数据格式不正确。")]
        return []
    for n, item in enumerate(figures, start=1):
        if isinstance(item, dict):
            key, raw = item.get("key"), item.get("value")
        elif isinstance(item, list | tuple) and len(item) == 2:
            key, raw = item
        else:
            problems.append(_("第 %(n)d 项格式不正确。") % {"n": n})
            continue
        key = key.strip() if isinstance(key, str) else key
        if key in (None, "") and raw in (None, ""):
            continue
        if not isinstance(key, str) or not key:
            problems.append(_("第 %(n)d 项缺少名称。") % {"n": n})
            continue
        if len(key) > FIGURE_KEY_MAX:
            problems.append(
                _("第 %(n)d 项的名称不能超过 %(m)d 个字。") % {"n": n, "m": FIGURE_KEY_MAX}
            )
            continue
        if key in seen:
            problems.append(_("“%(key)s”重复填写了。") % {"key": key})
            continue
        value = _number(raw)
        if value is None:
            problems.append(_("“%(key)s”的数值须是一个数字。") % {"key": key})
            continue
        seen.add(key)
        integral = value == value.to_integral_value()
        rows.append({"key": key, "value": int(value) if integral else float(value)})
    if len(rows) > MAX_FIGURES:
        problems.append(_("最多填写 %(n)d 项数据。") % {"n": MAX_FIGURES})
    if problems:
        errors["figures"] = problems
    return [r for r in rows if math.isfinite(r["value"])]


def _report_figure(notice, figures, errors):
    """The figure of a task that feeds a report cell (required then), else None."""
    if notice.report_cell_id is None or notice.report_period is None:
        return None
    for row in figures:
        if row["key"] == notice.report_figure:
            return row["value"]
    errors.setdefault(
        "figures",
        [
            _("请填写“%(key)s”的数值：它将填入本单位的《%(form)s》。")
            % {"key": notice.report_figure, "form": notice.report_cell.form.name}
        ],
    )
    return None


def receipt_complete(*, user, receipt, note: str, figures=(), files=()) -> Receipt:
    errors: dict = {}
    note = _text(note, "note", _("完成情况"), errors, required=True)
    figures = clean_figures(figures, errors)
    try:
        checked = notice_files.check_uploads(files)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        checked = []
    with notice_files.removed_on_failure() as written, transaction.atomic():
        receipt = _own_receipt(user, receipt, "complete")
        notice = receipt.notice
        if notice.withdrawn_at is not None:
            raise ValidationError(_("该任务已被撤回。"))
        if receipt.kind != NoticeKind.TASK:
            raise ValidationError(_("通知只需签收，无需报告完成情况。"))
        if receipt.state == ReceiptState.COMPLETED:
            raise ValidationError(_("本单位已经报告过完成情况了。"), code="done")
        reported = _report_figure(notice, figures, errors)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        before = receipt.state
        if receipt.acknowledged_at is None:
            receipt.acknowledged_at, receipt.acknowledged_by = now, user
        receipt.state = ReceiptState.COMPLETED
        receipt.completed_at, receipt.completed_by = now, user
        receipt.note, receipt.figures = note, figures
        receipt.is_late = receipt.due_on is not None and timezone.localdate(now) > receipt.due_on
        receipt.save(
            update_fields=[
                "state",
                "acknowledged_at",
                "acknowledged_by",
                "completed_at",
                "completed_by",
                "note",
                "figures",
                "is_late",
            ]
        )
        for one in checked:
            notice_files.store(one, notice=notice, receipt=receipt, user=user, written=written)
        if reported is not None:
            report_prefill.report_prefill(
                user=user,
                org=receipt.org,
                cell=notice.report_cell,
                period_start=notice.report_period,
                value=reported,
                source=_("任务“%(title)s”") % {"title": notice.title[:60]},
            )
        audit.record_change(
            user,
            receipt,
            "receipt_complete",
            before={"state": before},
            after={"state": receipt.state, "is_late": receipt.is_late, "figures": figures},
            notice=notice.pk,
            files=len(checked),
        )
    return receipt


# --- the issuer ------------------------------------------------------------------------------


def _outstanding(notice, receipts):
    """Receipts still waiting: not signed (a notice) or not completed (a task)."""
    if notice.kind == NoticeKind.TASK:
        return receipts.exclude(state=ReceiptState.COMPLETED)
    return receipts.filter(state=ReceiptState.PENDING)


def _reminder_text(notice, today) -> tuple[str, str, str]:
    what = notice.get_kind_display()
    if notice.kind == NoticeKind.TASK and notice.due_on and notice.due_on < today:
        return (
            _("任务已逾期：%(title)s") % {"title": notice.title},
            _("完成期限是 %(due)s，请尽快报告完成情况。") % {"due": notice.due_on.isoformat()},
            "warning",
        )
    if notice.kind == NoticeKind.TASK:
        return (
            _("请按时完成任务：%(title)s") % {"title": notice.title},
            _("完成期限：%(due)s。") % {"due": notice.due_on.isoformat() if notice.due_on else "—"},
            "info",
        )
    return (
        _("请签收%(what)s：%(title)s") % {"what": what, "title": notice.title},
        _("%(unit)s提醒您签收。") % {"unit": notice.org.name},
        "info",
    )


def notice_remind(*, user, notice) -> int:
    """Remind every receiving unit that has not yet signed (a notice) or completed (a task)."""
    now = timezone.now()
    with transaction.atomic():
        notice = _locked(Notice, user, notice, "change", _("通知任务"))
        if notice.withdrawn_at is not None:
            raise ValidationError(_("已撤回的通知任务不能再提醒。"))
        waiting = list(
            _outstanding(notice, Receipt.objects.restrict(user, "view").filter(notice=notice))
        )
        if not waiting:
            raise ValidationError(_("所有单位都已办结，无需提醒。"))
        title, body, level = _reminder_text(notice, timezone.localdate(now))
        _notify_receipts(waiting, title, body, level)
        Receipt.objects.filter(pk__in=[r.pk for r in waiting]).update(reminded_at=now)
        audit.record_change(user, notice, "notice_remind", after={"units": len(waiting)})
    return len(waiting)


def notice_withdraw(*, user, notice, reason: str) -> Notice:
    errors: dict = {}
    reason = _text(reason, "reason", _("撤回原因"), errors, required=True, limit=REASON_MAX)
    with transaction.atomic():
        notice = _locked(Notice, user, notice, "change", _("通知任务"))
        if notice.withdrawn_at is not None:
            raise ValidationError(_("该通知任务已经撤回。"))
        if errors:
            raise ValidationError(errors)
        notice.withdrawn_at = timezone.now()
        notice.withdraw_reason = reason
        notice.save(update_fields=["withdrawn_at", "withdraw_reason"])
        audit.record_change(
            user,
            notice,
            "notice_withdraw",
            after={"withdrawn_at": notice.withdrawn_at, "withdraw_reason": reason},
        )
        waiting = list(_outstanding(notice, notice.receipts.all()))
        _notify_receipts(
            waiting,
            _("已撤回：%(title)s") % {"title": notice.title},
            _("撤回原因：%(reason)s") % {"reason": reason},
            "warning",
        )
    return notice


# --- the scheduler ---------------------------------------------------------------------------


def remind_due(now=None) -> int:
    """Tasks not yet completed are reminded once when due within two days and once more when
    overdue. Returns the number of receipts reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_tasks = Receipt.objects.filter(
        kind=NoticeKind.TASK, notice__withdrawn_at__isnull=True, due_on__isnull=False
    ).exclude(state=ReceiptState.COMPLETED)
    sweeps = (
        (
            "reminded_soon",
            open_tasks.filter(
                reminded_soon=False, due_on__gte=today, due_on__lte=today + REMIND_BEFORE
            ),
        ),
        ("reminded_overdue", open_tasks.filter(reminded_overdue=False, due_on__lt=today)),
    )
    total = 0
    for flag, receipts in sweeps:
        by_notice: dict[int, list] = {}
        for receipt in receipts.select_related("notice", "notice__org").order_by("pk"):
            by_notice.setdefault(receipt.notice_id, []).append(receipt)
        for group in by_notice.values():
            notice = group[0].notice
            with transaction.atomic():
                title, body, level = _reminder_text(notice, today)
                _notify_receipts(group, title, body, level)
                Receipt.objects.filter(pk__in=[r.pk for r in group]).update(
                    **{flag: True, "reminded_at": now}
                )
                audit.record_change(
                    None, notice, "notice_remind", after={"units": len(group)}, sweep=flag
                )
            total += len(group)
    return total
