"""Extensions of a case's finishing deadline: a worker asks, a leader approves or refuses."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.concurrency import check_version
from jinguo.core.notifications import notify, notify_unit_leaders

from .. import choices
from ..choices import EventKind
from ..deadlines import policy_for
from ..models import Extension
from .common import add_event, case_url, locked_case
from .workflow import HANDLING, _require_status, _step, _text


def extension_request(*, user, case, days, reason, version=None) -> Extension:
    reason = _text(reason, "reason", _("请填写申请延期的理由。"))
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if days < 1:
        raise ValidationError({"days": _("延期天数须为正整数。")})
    with transaction.atomic():
        case = locked_case(user, case, "change")
        check_version(case, version)
        _require_status(case, HANDLING, _("申请延期"))
        if case.extensions.filter(status=choices.ExtensionStatus.PENDING).exists():
            raise ValidationError(_("已有一份延期申请在等待审批，请等审批后再申请。"))
        limit = policy_for(case).max_extension_days
        if case.extension_days + days > limit:
            raise ValidationError(
                {
                    "days": _("延期总天数不能超过 %(limit)d 天；已延期 %(used)d 天。")
                    % {"limit": limit, "used": case.extension_days}
                }
            )
        extension = Extension.objects.create(case=case, days=days, reason=reason, requested_by=user)
        add_event(
            case,
            EventKind.EXTENSION_REQUESTED,
            user=user,
            note=reason,
            extension_id=extension.pk,
            days=days,
        )
        notify_unit_leaders(
            case.org,
            _("个案 %(number)s 申请延期 %(days)d 天，待审批")
            % {"number": case.number, "days": days},
            reason,
            case_url(case),
            "warning",
        )
        audit.record_change(
            user, case, "extension_request", after={"extension_id": extension.pk, "days": days}
        )
    return extension


def extension_decide(*, user, extension, approve, note="") -> Extension:
    note = _text(note, "note", "", required=False)
    if not approve and not note:
        raise ValidationError({"note": _("不批准时请填写审批意见。")})
    with transaction.atomic():
        case = locked_case(user, extension.case_id, "approve")
        extension = Extension.objects.select_for_update().get(pk=extension.pk, case=case)
        if extension.status != choices.ExtensionStatus.PENDING:
            raise ValidationError(_("该延期申请已审批过了。"))
        if extension.requested_by_id == user.pk:
            raise ValidationError(_("不能审批自己提出的延期申请。"))
        approved = bool(approve)
        extension.status = (
            choices.ExtensionStatus.APPROVED if approved else choices.ExtensionStatus.REJECTED
        )
        extension.decided_by, extension.decided_at = user, timezone.now()
        extension.decision_note = note
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        before = audit.snapshot(case)
        fields = []
        if approved:
            case.extension_days += extension.days
            fields.append("extension_days")
        _step(
            user,
            case,
            EventKind.EXTENSION_APPROVED if approved else EventKind.EXTENSION_REJECTED,
            before,
            fields,
            from_status=case.status,
            note=note,
            extension_id=extension.pk,
            days=extension.days,
        )
        if extension.requested_by.is_active:
            title = (
                _("个案 %(number)s 的延期申请已批准")
                if approved
                else _("个案 %(number)s 的延期申请未获批准")
            )
            notify(extension.requested_by, title % {"number": case.number}, note, case_url(case))
    return extension
