"""States and transitions of a case.

CONTRACT (each takes keyword arguments, returns the updated Case unless said otherwise, raises
ValidationError with a Chinese message for a forbidden transition, StaleVersion (alias
ConflictError) for a stale ``version`` when one is given, and writes a CaseEvent + audit row):
- case_accept(*, user, case, note="", version=None)            registered → accepted
- case_decline(*, user, case, reason, version=None)            registered → declined
- case_assign(*, user, case, worker, note="", version=None)    accepted/assigned/in_progress → assigned
- case_start(*, user, case, version=None)                      assigned → in_progress
- case_resolve(*, user, case, outcome, outcome_note, version=None)  in_progress → resolved
- case_follow_up(*, user, case, satisfaction, result, note="", version=None) -> FollowUp
      resolved → closed (result closed/unreachable) | in_progress (reopened) | escalated;
      an unreachable victim of a violence case does not close it: the case stays resolved
      and the unit's leaders are warned (家暴回访: never a closing reason)
- case_close(*, user, case, note, version=None)                resolved → closed
- case_reopen(*, user, case, reason, version=None)             closed/declined → in_progress/registered
- case_pass_down(*, user, case, unit, note="", version=None)   to a unit below the owner
- case_escalate(*, user, case, note="", version=None)          to the owner's parent
- case_transfer(*, user, case, unit, note, version=None)       to any other unit
- extension_request(*, user, case, days, reason, version=None) -> Extension
- extension_decide(*, user, extension, approve, note="") -> Extension
- allowed_actions(user, case) -> set[str] of: accept decline assign start note resolve
  follow_up close reopen pass_down escalate transfer request_extension approve_extension
  refer mediate attach edit print

Permissions (through restrict(user, action) on the locked row): accept, decline, assign and the
moves need "dispatch"; start, resolve and extension requests "change"; follow-up, close and
reopen "close"; deciding an extension "approve". The assignee is shared view and change
("承办人") until she is replaced or the case moves; a unit the case leaves keeps a view share.
Moving keeps a registered case registered; any other open case becomes accepted, unassigned.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.concurrency import check_version
from jinguo.core.notifications import notify, notify_unit_leaders
from jinguo.core.sharing import share_grant, share_revoke

from .. import choices
from ..choices import EventKind, Status
from ..deadlines import apply_deadlines
from ..models import Attachment, FollowUp, Mediation, Referral
from ..selectors import (  # noqa: F401  (allowed_actions: part of this module's contract)
    HANDLING,
    MOVABLE,
    allowed_actions,
    assignable_workers,
    escalate_target,
    is_violence_case,
    pass_down_targets,
    transfer_targets,
)
from ..signals import case_resolved
from .common import add_event, audit_change, bump, case_url, locked_case

ASSIGNEE_REASON = "承办人"
ASSIGNEE_ACTIONS = ("view", "change")
MOVED_FROM_REASON = "原办理单位"
NOTE_MAX = 2000


def _text(value, field: str, message: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > NOTE_MAX:
        raise ValidationError({field: _("不能超过 %(n)d 个字。") % {"n": NOTE_MAX}})
    return value


def _require_status(case, allowed, verb: str) -> None:
    if case.status not in allowed:
        raise ValidationError(
            _("个案当前状态为“%(status)s”，不能%(verb)s。")
            % {"status": case.get_status_display(), "verb": verb}
        )


def _step(user, case, kind, before: dict, fields: list[str], *, from_status, note="", **data):
    """Save a transition: deadlines, version, timeline event, and the audit row last."""
    fields = list(dict.fromkeys([*fields, *apply_deadlines(case)]))
    bump(case, fields)
    add_event(
        case, kind, user=user, from_status=from_status, to_status=case.status, note=note, **data
    )
    audit_change(user, case, "update", before, step=kind)
    return case


def _grant_assignee(user, case, worker) -> None:
    share_grant(
        obj=case, user=worker, actions=ASSIGNEE_ACTIONS, reason=ASSIGNEE_REASON, granted_by=user
    )


def _revoke_assignee(user, case, reason: str) -> None:
    if case.assigned_to_id:
        share_revoke(
            obj=case,
            user=case.assigned_to,
            reason=reason,
            revoked_by=user,
            grant_reason=ASSIGNEE_REASON,
        )


# --- registered ----------------------------------------------------------------------------


def case_accept(*, user, case, note="", version=None):
    note = _text(note, "note", "", required=False)
    with transaction.atomic():
        case = locked_case(user, case, "dispatch")
        check_version(case, version)
        _require_status(case, (Status.REGISTERED,), _("受理"))
        before, from_status = audit.snapshot(case), case.status
        case.status, case.accepted_at = Status.ACCEPTED, timezone.now()
        return _step(
            user,
            case,
            EventKind.ACCEPTED,
            before,
            ["status", "accepted_at"],
            from_status=from_status,
            note=note,
        )


def case_decline(*, user, case, reason, version=None):
    reason = _text(reason, "reason", _("请填写不予受理的理由，它会写入告知诉求人的通知书。"))
    with transaction.atomic():
        case = locked_case(user, case, "dispatch")
        check_version(case, version)
        _require_status(case, (Status.REGISTERED,), _("不予受理"))
        before, from_status = audit.snapshot(case), case.status
        case.status, case.decline_reason = Status.DECLINED, reason
        _step(
            user,
            case,
            EventKind.DECLINED,
            before,
            ["status", "decline_reason"],
            from_status=from_status,
            note=reason,
        )
        if case.created_by_id and case.created_by_id != user.pk:
            notify(
                case.created_by,
                _("您登记的诉求 %(number)s 不予受理") % {"number": case.number},
                reason,
                case_url(case),
            )
    return case


# --- handling ------------------------------------------------------------------------------


def case_assign(*, user, case, worker, note="", version=None):
    note = _text(note, "note", "", required=False)
    with transaction.atomic():
        case = locked_case(user, case, "dispatch")
        check_version(case, version)
        _require_status(case, HANDLING, _("分派"))
        if worker is None or not assignable_workers(user, case).filter(pk=worker.pk).exists():
            raise ValidationError({"worker": _("请选择本单位或下级单位中可以办理个案的人员。")})
        if case.assigned_to_id == worker.pk and case.status == Status.ASSIGNED:
            raise ValidationError({"worker": _("该个案已分派给此人。")})
        before, from_status = audit.snapshot(case), case.status
        previous = case.assigned_to_id
        if previous and previous != worker.pk:
            _revoke_assignee(user, case, _("个案改派给他人"))
        if previous != worker.pk:
            _grant_assignee(user, case, worker)
        case.assigned_to, case.status = worker, Status.ASSIGNED
        _step(
            user,
            case,
            EventKind.ASSIGNED,
            before,
            ["assigned_to", "status"],
            from_status=from_status,
            note=note,
            worker_id=worker.pk,
            worker=worker.real_name,
            previous_id=previous,
        )
        notify(
            worker,
            _("个案 %(number)s 已分派给您") % {"number": case.number},
            case.summary,
            case_url(case),
            "danger" if case.urgency == choices.Urgency.URGENT else "info",
        )
    return case


def case_start(*, user, case, version=None):
    with transaction.atomic():
        case = locked_case(user, case, "change")
        check_version(case, version)
        _require_status(case, (Status.ASSIGNED,), _("开始办理"))
        before, from_status = audit.snapshot(case), case.status
        case.status = Status.IN_PROGRESS
        return _step(user, case, EventKind.STARTED, before, ["status"], from_status=from_status)


def case_resolve(*, user, case, outcome, outcome_note, version=None):
    if outcome not in choices.Outcome.values:
        raise ValidationError({"outcome": _("请选择办理结果。")})
    outcome_note = _text(outcome_note, "outcome_note", _("请填写办结情况。"))
    with transaction.atomic():
        case = locked_case(user, case, "change")
        check_version(case, version)
        _require_status(case, (Status.IN_PROGRESS,), _("办结"))
        before, from_status = audit.snapshot(case), case.status
        case.status, case.resolved_at = Status.RESOLVED, timezone.now()
        case.outcome, case.outcome_note = outcome, outcome_note
        _step(
            user,
            case,
            EventKind.RESOLVED,
            before,
            ["status", "resolved_at", "outcome", "outcome_note"],
            from_status=from_status,
            outcome=outcome,
        )
        resolved = case
        transaction.on_commit(
            lambda: case_resolved.send(sender=resolved.__class__, case=resolved, user=user)
        )
        return case


# --- follow-up, close, reopen --------------------------------------------------------------


def case_follow_up(*, user, case, satisfaction, result, note="", version=None) -> FollowUp:
    R, S = choices.FollowUpResult, choices.Satisfaction
    errors = {}
    if result not in R.values:
        errors["result"] = _("请选择回访结果。")
    if result != R.UNREACHABLE and satisfaction not in S.values:
        errors["satisfaction"] = _("请选择诉求人的满意度。")
    if satisfaction and satisfaction not in S.values:
        errors["satisfaction"] = _("请选择有效的满意度。")
    if satisfaction == S.UNSATISFIED and result == R.CLOSED:
        errors["result"] = _("诉求人不满意时不能直接结案，请选择“重新办理”或“上报上级”。")
    if errors:
        raise ValidationError(errors)
    note = _text(note, "note", "", required=False)
    with transaction.atomic():
        case = locked_case(user, case, "close")
        check_version(case, version)
        _require_status(case, (Status.RESOLVED,), _("回访"))
        target = escalate_target(case) if result == R.ESCALATED else None
        if result == R.ESCALATED and target is None:
            raise ValidationError({"result": _("本单位没有上级单位，不能上报。")})
        follow_up = FollowUp.objects.create(
            case=case, caller=user, satisfaction=satisfaction or "", result=result, note=note
        )
        before, from_status = audit.snapshot(case), case.status
        case.satisfaction = satisfaction or ""
        fields = ["satisfaction"]
        add_event(
            case,
            EventKind.FOLLOWED_UP,
            user=user,
            note=note,
            follow_up_id=follow_up.pk,
            satisfaction=satisfaction or None,
            result=result,
        )
        if result == R.UNREACHABLE and is_violence_case(case):
            # Not reaching a victim of violence is a danger sign, never a reason to close.
            bump(case, fields)
            audit_change(user, case, "update", before, step=EventKind.FOLLOWED_UP)
            notify_unit_leaders(
                case.org,
                _("家暴个案 %(number)s 回访未联系上当事人") % {"number": case.number},
                _("个案保持“已办结待回访”，请安排再次回访或上门核实当事人安全。"),
                case_url(case),
                "warning",
            )
        elif result in (R.CLOSED, R.UNREACHABLE):
            case.status, case.closed_at = Status.CLOSED, timezone.now()
            _step(
                user,
                case,
                EventKind.CLOSED,
                before,
                [*fields, "status", "closed_at"],
                from_status=from_status,
                follow_up_id=follow_up.pk,
            )
        elif result == R.REOPENED:
            _reopen_handling(case)
            _step(
                user,
                case,
                EventKind.REOPENED,
                before,
                [*fields, "status", "resolved_at", "outcome"],
                from_status=from_status,
                note=note,
                follow_up_id=follow_up.pk,
            )
            if case.assigned_to_id:
                notify(
                    case.assigned_to,
                    _("个案 %(number)s 回访不满意，需重新办理") % {"number": case.number},
                    note,
                    case_url(case),
                    "warning",
                )
        else:
            case.resolved_at, case.outcome = None, ""
            _move(
                user,
                case,
                target,
                EventKind.ESCALATED,
                note,
                before,
                [*fields, "resolved_at", "outcome"],
                follow_up_id=follow_up.pk,
            )
    return follow_up


def _reopen_handling(case) -> None:
    """Back to work with the same worker when she is still active, else to the unit."""
    worker = case.assigned_to if case.assigned_to_id else None
    case.status = Status.IN_PROGRESS if worker and worker.is_active else Status.ACCEPTED
    if case.status == Status.ACCEPTED:
        case.assigned_to = None
    case.resolved_at, case.outcome = None, ""


def case_close(*, user, case, note, version=None):
    note = _text(note, "note", _("请填写结案说明（例如为何未回访）。"))
    with transaction.atomic():
        case = locked_case(user, case, "close")
        check_version(case, version)
        _require_status(case, (Status.RESOLVED,), _("结案"))
        before, from_status = audit.snapshot(case), case.status
        case.status, case.closed_at = Status.CLOSED, timezone.now()
        return _step(
            user,
            case,
            EventKind.CLOSED,
            before,
            ["status", "closed_at"],
            from_status=from_status,
            note=note,
        )


def case_reopen(*, user, case, reason, version=None):
    reason = _text(reason, "reason", _("请填写重新办理的理由。"))
    with transaction.atomic():
        case = locked_case(user, case, "close")
        check_version(case, version)
        _require_status(case, (Status.CLOSED, Status.DECLINED), _("重新办理"))
        before, from_status = audit.snapshot(case), case.status
        if case.status == Status.DECLINED:
            case.status, case.decline_reason = Status.REGISTERED, ""
            fields = ["status", "decline_reason"]
        else:
            _reopen_handling(case)
            case.closed_at = None
            fields = ["status", "assigned_to", "resolved_at", "outcome", "closed_at"]
        return _step(
            user, case, EventKind.REOPENED, before, fields, from_status=from_status, note=reason
        )


# --- moving between units ------------------------------------------------------------------


def _move(user, case, unit, kind, note, before, fields, **data):
    """Hand the case to ``unit``: the worker's share ends, the unit it leaves keeps a view
    share, the receiving unit's leaders hear of it. Saves through _step."""
    old = case.org
    from_status = case.status
    if case.assigned_to_id:
        _revoke_assignee(user, case, _("个案已移交其他单位"))
    case.assigned_to = None
    if case.status != Status.REGISTERED:
        case.status = Status.ACCEPTED
    case.org = unit
    if not unit.path.startswith(old.path):
        share_grant(
            obj=case, unit=old, actions=("view",), reason=MOVED_FROM_REASON, granted_by=user
        )
    # Records read through the case follow it, so the new owner sees them too.
    for model in (Referral, Mediation, Attachment):
        model.objects.filter(case=case).update(org=unit, org_path=unit.path)
    _step(
        user,
        case,
        kind,
        before,
        [*fields, "org", "status", "assigned_to"],
        from_status=from_status,
        note=note,
        from_unit_id=old.pk,
        from_unit=old.name,
        to_unit_id=unit.pk,
        to_unit=unit.name,
    )
    title = {
        EventKind.PASSED_DOWN: _("上级交办个案 %(number)s"),
        EventKind.ESCALATED: _("下级上报个案 %(number)s"),
        EventKind.TRANSFERRED: _("转来个案 %(number)s"),
    }[kind] % {"number": case.number}
    notify_unit_leaders(unit, title, note or case.summary, case_url(case), "info")
    return case


def _moving(user, case, unit, kind, note, version, targets=None):
    with transaction.atomic():
        case = locked_case(user, case, "dispatch")
        check_version(case, version)
        _require_status(case, MOVABLE, _("移交"))
        if kind == EventKind.ESCALATED:
            unit = escalate_target(case)
            if unit is None:
                raise ValidationError(_("本单位没有上级单位，不能上报。"))
        elif unit is None or not targets(user, case).filter(pk=unit.pk).exists():
            raise ValidationError({"unit": _("请选择可以接收该个案的单位。")})
        return _move(user, case, unit, kind, note, audit.snapshot(case), [])


def case_pass_down(*, user, case, unit, note="", version=None):
    note = _text(note, "note", "", required=False)
    return _moving(user, case, unit, EventKind.PASSED_DOWN, note, version, pass_down_targets)


def case_escalate(*, user, case, note="", version=None):
    note = _text(note, "note", "", required=False)
    return _moving(user, case, None, EventKind.ESCALATED, note, version)


def case_transfer(*, user, case, unit, note, version=None):
    note = _text(note, "note", _("请填写转办的理由。"))
    return _moving(user, case, unit, EventKind.TRANSFERRED, note, version, transfer_targets)


# Extensions live in their own module; they stay reachable here as part of the contract.
from .extensions import extension_decide, extension_request  # noqa: E402, F401
