"""Mediation sessions.

CONTRACT:
- mediation_create(*, user, case, held_at, mode, parties, mediators, outcome, place="",
  statements="", agreement="") -> Mediation
- mediation_update(*, user, mediation, **same fields) -> Mediation

A session takes its case's unit and sensitivity. Parties, statements and the agreement are
encrypted narratives; the printable agreement is built from them by the UI.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import EventKind, MediationMode, MediationOutcome
from ..models import Case, Mediation
from .common import add_event, locked_case, require_perm

TEXT_MAX = 10000
# A clock a few minutes ahead on the worker's phone must not block the record.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
NEEDS_AGREEMENT = (MediationOutcome.AGREED, MediationOutcome.PARTIAL)
FIELDS = (
    "held_at",
    "mode",
    "place",
    "parties",
    "mediators",
    "statements",
    "outcome",
    "agreement",
)


def _clean(values: dict) -> dict:
    """Validate a full set of mediation fields; every problem at once, keyed by field."""
    errors: dict[str, str] = {}
    cleaned = {
        k: (values.get(k) or "").strip()
        for k in ("place", "parties", "mediators", "statements", "agreement")
    }
    held_at = values.get("held_at")
    if held_at is None:
        errors["held_at"] = _("请填写调解时间。")
    elif not isinstance(held_at, datetime.datetime):
        errors["held_at"] = _("调解时间格式不正确。")
    else:
        if timezone.is_naive(held_at):
            held_at = timezone.make_aware(held_at)
        if held_at > timezone.now() + FUTURE_TOLERANCE:
            errors["held_at"] = _("调解时间不能晚于现在。")
    cleaned["held_at"] = held_at
    mode, outcome = values.get("mode"), values.get("outcome")
    if mode not in MediationMode.values:
        errors["mode"] = _("请选择调解方式。")
    if outcome not in MediationOutcome.values:
        errors["outcome"] = _("请选择调解结果。")
    cleaned["mode"], cleaned["outcome"] = mode, outcome
    if not cleaned["parties"]:
        errors["parties"] = _("请填写参加调解的当事人。")
    if not cleaned["mediators"]:
        errors["mediators"] = _("请填写调解员。")
    if outcome in NEEDS_AGREEMENT and not cleaned["agreement"]:
        errors["agreement"] = _("达成协议时请填写协议内容，以便打印调解协议书。")
    for field in ("place", "mediators"):
        limit = Mediation._meta.get_field(field).max_length
        if len(cleaned[field]) > limit and field not in errors:
            errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {
                "label": Mediation._meta.get_field(field).verbose_name,
                "n": limit,
            }
    for field in ("parties", "statements", "agreement"):
        if len(cleaned[field]) > TEXT_MAX and field not in errors:
            errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {
                "label": Mediation._meta.get_field(field).verbose_name,
                "n": TEXT_MAX,
            }
    if errors:
        raise ValidationError(errors)
    return cleaned


def _event(user, case: Case, mediation: Mediation, *, updated: bool) -> None:
    add_event(
        case,
        EventKind.MEDIATION,
        user=user,
        note=_("修改调解记录") if updated else "",
        mediation_id=mediation.pk,
        mode=mediation.mode,
        outcome=mediation.outcome,
        outcome_label=str(MediationOutcome(mediation.outcome).label),
        updated=updated or None,
    )


def mediation_create(
    *,
    user,
    case: Case,
    held_at,
    mode: str,
    parties: str,
    mediators: str,
    outcome: str,
    place: str = "",
    statements: str = "",
    agreement: str = "",
) -> Mediation:
    require_perm(user, "add", Mediation)
    cleaned = _clean(
        {
            "held_at": held_at,
            "mode": mode,
            "parties": parties,
            "mediators": mediators,
            "outcome": outcome,
            "place": place,
            "statements": statements,
            "agreement": agreement,
        }
    )
    with transaction.atomic():
        case = locked_case(user, case, "change")
        if not case.is_open:
            raise ValidationError(
                _("该个案已结案或不予受理，不能再登记调解。"), code="case_not_open"
            )
        mediation = Mediation(
            case=case,
            org=case.org,
            is_sensitive=case.is_sensitive,
            recorded_by=user,
            **cleaned,
        )
        mediation.save(force_insert=True)
        _event(user, case, mediation, updated=False)
        audit.record_change(
            user, mediation, "create", after=audit.snapshot(mediation), case_id=case.pk
        )
    return mediation


def mediation_update(
    *,
    user,
    mediation: Mediation,
    held_at=None,
    mode: str | None = None,
    parties: str | None = None,
    mediators: str | None = None,
    outcome: str | None = None,
    place: str | None = None,
    statements: str | None = None,
    agreement: str | None = None,
) -> Mediation:
    """Change a session's record; None leaves a field as it is."""
    require_perm(user, "change", Mediation)
    given = {
        "held_at": held_at,
        "mode": mode,
        "parties": parties,
        "mediators": mediators,
        "outcome": outcome,
        "place": place,
        "statements": statements,
        "agreement": agreement,
    }
    with transaction.atomic():
        pk = getattr(mediation, "pk", mediation)
        found = Mediation.objects.restrict(user, "change").select_for_update().filter(pk=pk).first()
        if found is None:
            raise ValidationError(_("该调解记录不存在，或您无权进行此项操作。"), code="not_found")
        mediation = found
        case = locked_case(user, mediation.case_id, "change")
        current = {f: getattr(mediation, f) for f in FIELDS}
        cleaned = _clean({**current, **{k: v for k, v in given.items() if v is not None}})
        changed = [f for f in FIELDS if cleaned[f] != current[f]]
        if not changed:
            return mediation
        before = audit.snapshot(mediation)
        for field in changed:
            setattr(mediation, field, cleaned[field])
        mediation.save(update_fields=changed)
        _event(user, case, mediation, updated=True)
        audit.record_change(
            user, mediation, "update", before=before, after=audit.snapshot(mediation)
        )
    return mediation
