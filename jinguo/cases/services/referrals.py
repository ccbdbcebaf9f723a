"""Referrals to partner agencies.

CONTRACT:
- agencies_for(user) -> QuerySet[Agency]: active agencies the user may refer to (kept by her
  home unit, an ancestor of it, or a unit below it).
- referral_create(*, user, case, agency, request, share_identity=True) -> Referral
    Checks the consent of each victim/complainant on file for agency.consent_purpose when
    share_identity; a missing consent is a ValidationError naming what is missing.
- referral_accept(*, user, referral, note="") -> Referral          (agency member)
- referral_decline(*, user, referral, reason) -> Referral          (agency member)
- referral_report(*, user, referral, report) -> Referral           (agency member)
- referral_close(*, user, referral, note="") -> Referral           (agency member or case worker)
- referral_withdraw(*, user, referral, reason) -> Referral         (case worker)
- referral_urge(*, user, referral) -> Referral   (overdue only; urge_count += 1, event)
- referral_allowed_actions(user, referral) -> set[str] of: accept decline report close
  withdraw urge

Two sides act on a referral. The agency's members answer through
``Referral.objects.restrict(user, "respond")`` (their agency's referrals only); the referring
federation acts through ``restrict(user, "change")`` (its subtree). Neither side can reach a
referral the other way round, and out of reach reads the same as not existing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.notifications import notify

from ..choices import EventKind, ReferralStatus
from ..deadlines import referral_due_at
from ..models import Agency, AgencyMember, Case, Referral
from ..models.partners import OPEN_REFERRAL
from .agencies import CONSENT_ROLES, agencies_for, check_sharing_consent, missing_consents
from .common import add_event, locked_case, require_perm

__all__ = [  # agencies_for and the consent helpers are part of this module's contract
    "CONSENT_ROLES",
    "agencies_for",
    "missing_consents",
    "referral_accept",
    "referral_allowed_actions",
    "referral_close",
    "referral_create",
    "referral_decline",
    "referral_report",
    "referral_urge",
    "referral_url",
    "referral_withdraw",
]

TEXT_MAX = 5000
AGENCY_SIDE = {
    ReferralStatus.SENT: {"accept", "decline"},
    ReferralStatus.ACCEPTED: {"report", "close"},
    ReferralStatus.REPORTED: {"report", "close"},
}


def _not_found() -> ValidationError:
    return ValidationError(_("该转介不存在，或您无权进行此项操作。"), code="not_found")


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def referral_url(referral: Referral) -> str:
    try:
        return referral.get_absolute_url()
    except NoReverseMatch:  # the referral pages are not wired yet
        return ""


def _text(value: str, field: str, *, label: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if len(value) > TEXT_MAX:
        raise ValidationError(
            {field: _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": TEXT_MAX}}
        )
    return value


# --- notifications --------------------------------------------------------------------------


def _notify_agency(referral: Referral, title: str, level: str = "info") -> None:
    url = referral_url(referral)
    members = AgencyMember.objects.filter(agency_id=referral.agency_id, user__is_active=True)
    for member in members.select_related("user"):
        notify(member.user, title, url=url, level=level)


def _notify_federation(referral: Referral, case: Case, title: str, level: str = "info") -> None:
    url = referral_url(referral)
    seen = set()
    for recipient in (referral.sent_by, case.assigned_to):
        if recipient is not None and recipient.is_active and recipient.pk not in seen:
            seen.add(recipient.pk)
            notify(recipient, title, url=url, level=level)


# --- the federation side --------------------------------------------------------------------


def referral_create(
    *, user, case: Case, agency: Agency, request: str, share_identity: bool = True
) -> Referral:
    require_perm(user, "add", Referral)
    request = _text(request, "request", label=_("转介事项"), required=True)
    with transaction.atomic():
        case = locked_case(user, case, "change")
        if not case.is_open:
            raise ValidationError(_("该个案已结案或不予受理，不能再转介。"), code="case_not_open")
        found = agencies_for(user).filter(pk=getattr(agency, "pk", agency)).first()
        if found is None:
            raise ValidationError({"agency": _("请选择您可以转介的合作机构。")})
        agency = found
        if Referral.objects.filter(OPEN_REFERRAL, case=case, agency=agency).exists():
            raise ValidationError(
                {"agency": _("该个案已转介给“%(agency)s”且尚未完结。") % {"agency": agency.name}}
            )
        share_identity = bool(share_identity)
        if share_identity:
            check_sharing_consent(case, agency.consent_purpose)
        now = timezone.now()
        referral = Referral(
            case=case,
            agency=agency,
            request=request,
            status=ReferralStatus.SENT,
            consent_purpose=agency.consent_purpose,
            share_identity=share_identity,
            sent_at=now,
            sent_by=user,
            due_at=referral_due_at(case, now),
            is_sensitive=case.is_sensitive,
            org=case.org,
        )
        referral.save(force_insert=True)
        add_event(
            case,
            EventKind.REFERRED,
            user=user,
            at=now,
            referral_id=referral.pk,
            agency_id=agency.pk,
            agency=agency.name,
            share_identity=share_identity,
        )
        _notify_agency(
            referral, _("收到新的转介：个案 %(number)s") % {"number": case.number}, "warning"
        )
        audit.record_change(
            user, referral, "refer", after=audit.snapshot(referral), case_id=case.pk
        )
    return referral


def _federation_referral(user, referral: Referral | int) -> Referral:
    pk = getattr(referral, "pk", referral)
    found = Referral.objects.restrict(user, "change").select_for_update().filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found


def _wrong_state(referral: Referral) -> ValidationError:
    return ValidationError(
        _("该转介当前为“%(status)s”，不能进行此项操作。")
        % {"status": referral.get_status_display()},
        code="invalid_transition",
    )


def _finish(
    user,
    referral: Referral,
    before: dict,
    fields: list[str],
    *,
    kind: str,
    step: str,
    from_status: str,
    note: str = "",
    action: str = "update",
) -> Referral:
    """Save the changed fields, put the step on the case's timeline and audit it (last)."""
    referral.save(update_fields=fields)
    add_event(
        referral.case,
        kind,
        user=user,
        from_status=from_status,
        to_status=referral.status,
        note=note,
        referral_id=referral.pk,
        agency_id=referral.agency_id,
        agency=referral.agency.name,
    )
    audit.record_change(
        user,
        referral,
        action,
        before=before,
        after=audit.snapshot(referral),
        step=step,
        case_id=referral.case_id,
    )
    return referral


def referral_withdraw(*, user, referral: Referral, reason: str) -> Referral:
    reason = _text(reason, "reason", label=_("撤回原因"), required=True)
    with transaction.atomic():
        referral = _federation_referral(user, referral)
        if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
            raise _wrong_state(referral)
        before, old = audit.snapshot(referral), referral.status
        referral.status = ReferralStatus.WITHDRAWN
        referral.closed_at = timezone.now()
        _notify_agency(
            referral,
            _("转介已被撤回：个案 %(number)s") % {"number": referral.case.number},
        )
        return _finish(
            user,
            referral,
            before,
            ["status", "closed_at"],
            kind=EventKind.REFERRAL_WITHDRAWN,
            step="withdraw",
            from_status=old,
            note=reason,
            action="withdraw",
        )


def referral_urge(*, user, referral: Referral) -> Referral:
    with transaction.atomic():
        referral = _federation_referral(user, referral)
        if not referral.is_overdue:
            raise ValidationError(
                _("只有超过答复期限仍未接收的转介才能督促办理。"), code="not_overdue"
            )
        before = audit.snapshot(referral)
        referral.urge_count += 1
        referral.last_urged_at = timezone.now()
        _notify_agency(
            referral,
            _("督促办理：个案 %(number)s 的转介已超过答复期限") % {"number": referral.case.number},
            "danger",
        )
        return _finish(
            user,
            referral,
            before,
            ["urge_count", "last_urged_at"],
            kind=EventKind.REFERRAL_URGED,
            step="urge",
            from_status=referral.status,
        )


# --- the agency side ------------------------------------------------------------------------


def _agency_referral(user, referral: Referral | int) -> Referral:
    require_perm(user, "respond", Referral)
    pk = getattr(referral, "pk", referral)
    found = Referral.objects.restrict(user, "respond").select_for_update().filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found


def _respond(
    user,
    referral,
    step: str,
    *,
    kind: str,
    to: str,
    title: str,
    note: str = "",
    set_fields=None,
) -> Referral:
    with transaction.atomic():
        referral = _agency_referral(user, referral)
        if step not in AGENCY_SIDE.get(referral.status, set()):
            raise _wrong_state(referral)
        before, old = audit.snapshot(referral), referral.status
        now = timezone.now()
        fields = ["status"]
        referral.status = to
        for name, value in (set_fields(referral, now) if set_fields else {}).items():
            setattr(referral, name, value)
            fields.append(name)
        case = referral.case
        _notify_federation(referral, case, title % {"number": case.number})
        return _finish(
            user, referral, before, fields, kind=kind, step=step, from_status=old, note=note
        )


def referral_accept(*, user, referral: Referral, note: str = "") -> Referral:
    note = _text(note, "note", label=_("接收意见"), required=False)
    return _respond(
        user,
        referral,
        "accept",
        kind=EventKind.REFERRAL_ACCEPTED,
        to=ReferralStatus.ACCEPTED,
        title=_("合作机构已接收转介：个案 %(number)s"),
        note=note,
        set_fields=lambda r, now: {
            "responded_at": now,
            "responded_by": user,
            "response_note": note,
        },
    )


def referral_decline(*, user, referral: Referral, reason: str) -> Referral:
    reason = _text(reason, "reason", label=_("退回理由"), required=True)
    return _respond(
        user,
        referral,
        "decline",
        kind=EventKind.REFERRAL_DECLINED,
        to=ReferralStatus.DECLINED,
        title=_("合作机构退回了转介：个案 %(number)s"),
        note=reason,
        set_fields=lambda r, now: {
            "responded_at": now,
            "responded_by": user,
            "response_note": reason,
            "closed_at": now,
        },
    )


def _appended_report(referral: Referral, text: str, now) -> str:
    # Each report is kept: a later one is added below the earlier ones with its time.
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    entry = f"【{stamp}】{text}"
    return f"{referral.report}\n\n{entry}" if referral.report else entry


def referral_report(*, user, referral: Referral, report: str) -> Referral:
    report = _text(report, "report", label=_("办理情况"), required=True)
    return _respond(
        user,
        referral,
        "report",
        kind=EventKind.REFERRAL_REPORTED,
        to=ReferralStatus.REPORTED,
        title=_("合作机构反馈了办理情况：个案 %(number)s"),
        note=report,
        set_fields=lambda r, now: {"report": _appended_report(r, report, now), "reported_at": now},
    )


def _is_agency_member(user) -> bool:
    return AgencyMember.objects.filter(user_id=user.pk).exists()


def referral_close(*, user, referral: Referral, note: str = "") -> Referral:
    """Close the referral: its agency once it accepted it, or the referring federation once
    the agency reported back."""
    note = _text(note, "note", label=_("完结说明"), required=False)
    if _active(user) and _is_agency_member(user):
        return _respond(
            user,
            referral,
            "close",
            kind=EventKind.REFERRAL_CLOSED,
            to=ReferralStatus.CLOSED,
            title=_("合作机构已完结转介：个案 %(number)s"),
            note=note,
            set_fields=lambda r, now: {"closed_at": now},
        )
    with transaction.atomic():
        referral = _federation_referral(user, referral)
        if referral.status != ReferralStatus.REPORTED:
            raise ValidationError(
                _("合作机构反馈办理情况后才能完结转介。"), code="invalid_transition"
            )
        before, old = audit.snapshot(referral), referral.status
        referral.status = ReferralStatus.CLOSED
        referral.closed_at = timezone.now()
        _notify_agency(
            referral, _("转介已完结：个案 %(number)s") % {"number": referral.case.number}
        )
        return _finish(
            user,
            referral,
            before,
            ["status", "closed_at"],
            kind=EventKind.REFERRAL_CLOSED,
            step="close",
            from_status=old,
            note=note,
        )


def referral_allowed_actions(user, referral: Referral) -> set[str]:
    """What ``user`` may do with ``referral`` now (buttons on the referral page)."""
    if not _active(user):
        return set()
    if _is_agency_member(user):
        if not user.has_perm("cases.respond_referral"):
            return set()
        if not Referral.objects.restrict(user, "respond").filter(pk=referral.pk).exists():
            return set()
        return set(AGENCY_SIDE.get(referral.status, set()))
    if not Referral.objects.restrict(user, "change").filter(pk=referral.pk).exists():
        return set()
    actions = set()
    if referral.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        actions.add("withdraw")
    if referral.status == ReferralStatus.REPORTED:
        actions.add("close")
    if referral.is_overdue:
        actions.add("urge")
    return actions
