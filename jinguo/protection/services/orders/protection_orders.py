"""人身安全保护令: the state machine from application to expiry.

CONTRACT:
- order_create(*, user, person, applicant_kind, applicant_name="", respondent=None,
  respondent_description="", help_drafting=False, help_evidence=False,
  help_accompanying=False, court=None, case=None, notes="") -> ProtectionOrder  (preparing)
- order_update(*, user, order, version=None, **same fields but person) -> ProtectionOrder  (before the ruling)
- order_apply(*, user, order, applied_at, court=None)                 preparing → applied
- order_accept(*, user, order, accepted_at, urgent, court=None, court_case_number="")
                                                            preparing/applied → accepted
- order_rule(*, user, order, outcome, ruled_at, ban_violence=False, ban_contact=False,
  move_out=False, other_measures="", effective_from=None, effective_until=None, note="")
                                                   accepted → granted / partly / refused
- order_withdraw(*, user, order, note)                   before the ruling → withdrawn
- order_extend(*, user, order, new_until, at=None, note="")                   in force
- order_vary(*, user, order, note, at=None, <measures>=None, effective_until=None) in force
- order_revoke(*, user, order, note, at=None)                        in force → revoked
- order_reconsider(*, user, order, note, at=None)    ruled, within 5 days of the ruling, once
- decision_due(accepted_at, urgent) -> datetime
- orders_sweep(now=None) -> dict  (expire orders past their end; warn of expiry, see below)

Rules (反家庭暴力法 arts. 28–30; SPC provisions 2022):
- The court rules within 72 hours of accepting, 24 hours when urgent, on the calendar clock:
  weekends and public holidays count like any other hour.
- A ruling's period is at most six months, both ends counted (1 January → 30 June).
- An extension is a new ruling: it continues the order from the day after its current end
  for at most another six months, and is recorded while the order is in force. So an order
  runs longer than six months from ``effective_from`` only through recorded extensions.
- A variation changes the measures (and may shorten the period, never lengthen it).
- Reconsideration is asked once, within 5 days (calendar) of the ruling.
- Fourteen days before an order in force ends, while the person's latest risk assessment is
  medium or high, the worker who registered it is warned once for that end date.
Every step writes an OrderEvent (the order's timeline) and an audit row.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.choices import AgencyKind
from jinguo.core import audit
from jinguo.core.concurrency import check_version
from jinguo.core.notifications import notify

from ...choices import ORDER_IN_FORCE, ApplicantKind, OrderChange, OrderStatus, RiskLevel
from ...models import AlertRule, OrderEvent, ProtectionOrder, RiskAssessment
from .common import (
    aware,
    check_agency,
    check_case_person,
    locked,
    not_future,
    require_perm,
    ruling_max_until,
    text,
    visible_case,
    visible_person,
)

URGENT_HOURS = 24
NORMAL_HOURS = 72
RECONSIDER_DAYS = 5
EXPIRY_WARNING_DAYS = 14
RISK_WORTH_EXTENDING = (RiskLevel.MEDIUM, RiskLevel.HIGH)
BEFORE_RULING = (OrderStatus.PREPARING, OrderStatus.APPLIED, OrderStatus.ACCEPTED)
RULED = (*ORDER_IN_FORCE, OrderStatus.REFUSED)
MEASURES = ("ban_violence", "ban_contact", "move_out", "other_measures")
APPLICATION_FIELDS = (
    "applicant_kind",
    "applicant_name",
    "respondent",
    "respondent_description",
    "help_drafting",
    "help_evidence",
    "help_accompanying",
    "court",
    "case",
    "notes",
)


def decision_due(accepted_at: datetime.datetime, urgent: bool) -> datetime.datetime:
    """When the court must have ruled: plain hours after acceptance (calendar clock)."""
    return accepted_at + datetime.timedelta(hours=URGENT_HOURS if urgent else NORMAL_HOURS)


def _event(order, kind, user, *, at=None, from_status="", note="", **fields) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        at=at or timezone.now(),
        by=user if getattr(user, "pk", None) else None,
        from_status=from_status,
        to_status=order.status,
        note=note or "",
        **fields,
    )


def _save(order, fields: list[str]) -> None:
    order.version += 1
    order.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def _state_error(order) -> ValidationError:
    return ValidationError(
        _("保护令当前状态为“%(status)s”，不能进行这项操作。")
        % {"status": order.get_status_display()},
        code="state",
    )


# --- application ------------------------------------------------------------------------------


def _clean_application(user, values: dict, *, person) -> dict:
    errors: dict[str, str] = {}
    kind = values.get("applicant_kind")
    if kind not in ApplicantKind.values:
        errors["applicant_kind"] = _("请选择申请人。")
    cleaned = {
        "applicant_kind": kind,
        "applicant_name": text(values, errors, "applicant_name", _("代为申请人"), limit=200),
        "respondent_description": text(values, errors, "respondent_description", _("被申请人情况")),
        "notes": text(values, errors, "notes", _("备注")),
    }
    if kind and kind != ApplicantKind.VICTIM and not cleaned["applicant_name"]:
        errors.setdefault(
            "applicant_name",
            _("代为申请时请填写申请人姓名或单位。"),
        )
    for flag in ("help_drafting", "help_evidence", "help_accompanying"):
        cleaned[flag] = bool(values.get(flag))
    cleaned["respondent"] = visible_person(
        user, values.get("respondent"), errors, "respondent", _("被申请人"), required=False
    )
    respondent = cleaned["respondent"]
    if respondent is not None and person is not None and respondent.pk == person.pk:
        errors["respondent"] = _("被申请人不能是受保护人本人。")
    if values.get("respondent") is None and not cleaned["respondent_description"]:
        errors.setdefault(
            "respondent_description", _("请选择已建档的被申请人，或填写被申请人情况。")
        )
    cleaned["court"] = check_agency(
        user, values.get("court"), AgencyKind.COURT, errors, "court", _("法院"), required=False
    )
    cleaned["case"] = visible_case(user, values.get("case"), errors)
    check_case_person(cleaned["case"], person, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def order_create(*, user, person, applicant_kind, **values) -> ProtectionOrder:
    require_perm(user, "add", ProtectionOrder)
    unknown = set(values) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    errors: dict = {}
    protected = visible_person(user, person, errors, "person", _("受保护人"))
    if errors:
        raise ValidationError(errors)
    cleaned = _clean_application(
        user, {**values, "applicant_kind": applicant_kind}, person=protected
    )
    with transaction.atomic():
        order = ProtectionOrder(
            person=protected,
            org=cleaned["case"].org if cleaned["case"] is not None else protected.org,
            created_by=user,
            status=OrderStatus.PREPARING,
            **cleaned,
        )
        order.save(force_insert=True)
        _event(order, OrderChange.CREATED, user)
        audit.record_change(user, order, "create", after=audit.snapshot(order))
    return order


def order_update(*, user, order, version=None, **values) -> ProtectionOrder:
    require_perm(user, "change", ProtectionOrder)
    unknown = set(values) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        order = locked(user, ProtectionOrder, order, "change")
        check_version(order, version)
        if order.status not in BEFORE_RULING:
            raise ValidationError(_("法院已作出裁定，申请情况不能再修改。"), code="state")
        current = {f: getattr(order, f) for f in APPLICATION_FIELDS}
        cleaned = _clean_application(user, {**current, **values}, person=order.person)
        changed = [f for f in APPLICATION_FIELDS if cleaned[f] != current[f]]
        if not changed:
            return order
        before = audit.snapshot(order)
        for field in changed:
            setattr(order, field, cleaned[field])
        _save(order, changed)
        audit.record_change(user, order, "update", before=before, after=audit.snapshot(order))
    return order


def _transition(user, order, allowed, action: str):
    require_perm(user, "change", ProtectionOrder)
    order = locked(user, ProtectionOrder, order, "change")
    if order.status not in allowed:
        raise _state_error(order)
    return order, audit.snapshot(order), order.status


def _finish(user, order, fields, kind, before, from_status, action, *, at=None, note="", **ev):
    _save(order, fields)
    _event(order, kind, user, at=at, from_status=from_status, note=note, **ev)
    audit.record_change(
        user, order, action, before=before, after=audit.snapshot(order), step=str(kind)
    )
    return order


def _when(value, errors, field, label, *, required=True):
    value = aware(value)
    if value is None:
        if required:
            errors[field] = _("请填写%(label)s。") % {"label": label}
        return None
    if not isinstance(value, datetime.datetime):
        errors[field] = _("%(label)s格式不正确。") % {"label": label}
        return None
    not_future(value, errors, field, label)
    return value


def order_apply(*, user, order, applied_at, court=None) -> ProtectionOrder:
    errors: dict = {}
    applied_at = _when(applied_at, errors, "applied_at", _("申请时间"))
    with transaction.atomic():
        order, before, was = _transition(user, order, (OrderStatus.PREPARING,), "order_apply")
        court = check_agency(
            user, court or order.court, AgencyKind.COURT, errors, "court", _("法院"), required=False
        )
        if errors:
            raise ValidationError(errors)
        order.applied_at, order.court, order.status = applied_at, court, OrderStatus.APPLIED
        return _finish(
            user,
            order,
            ["applied_at", "court", "status"],
            OrderChange.APPLIED,
            before,
            was,
            "order_apply",
            at=applied_at,
        )


def order_accept(
    *, user, order, accepted_at, urgent: bool, court=None, court_case_number: str = ""
) -> ProtectionOrder:
    errors: dict = {}
    accepted_at = _when(accepted_at, errors, "accepted_at", _("受理时间"))
    number = text(
        {"court_case_number": court_case_number}, errors, "court_case_number", _("案号"), limit=60
    )
    with transaction.atomic():
        order, before, was = _transition(
            user, order, (OrderStatus.PREPARING, OrderStatus.APPLIED), "accept"
        )
        court = check_agency(
            user, court or order.court, AgencyKind.COURT, errors, "court", _("受理法院")
        )
        if accepted_at and order.applied_at and accepted_at < order.applied_at:
            errors["accepted_at"] = _("受理时间不能早于申请时间。")
        if errors:
            raise ValidationError(errors)
        order.accepted_at, order.urgent, order.court = accepted_at, bool(urgent), court
        order.court_case_number = number or order.court_case_number
        order.decision_due_at = decision_due(accepted_at, order.urgent)
        order.status = OrderStatus.ACCEPTED
        if order.applied_at is None:
            order.applied_at = accepted_at
        return _finish(
            user,
            order,
            [
                "accepted_at",
                "urgent",
                "court",
                "court_case_number",
                "decision_due_at",
                "status",
                "applied_at",
            ],
            OrderChange.ACCEPTED,
            before,
            was,
            "order_accept",
            at=accepted_at,
        )


def _clean_measures(values: dict, errors: dict) -> dict:
    cleaned = {m: bool(values.get(m)) for m in ("ban_violence", "ban_contact", "move_out")}
    cleaned["other_measures"] = text(values, errors, "other_measures", _("其他措施"))
    return cleaned


def _check_period(start, until, errors, *, start_field="effective_from"):
    if not isinstance(start, datetime.date):
        errors[start_field] = _("请填写生效日期。")
        return
    if not isinstance(until, datetime.date):
        errors["effective_until"] = _("请填写有效期至。")
        return
    if until < start:
        errors["effective_until"] = _("有效期至不能早于生效日期。")
    elif until > ruling_max_until(start):
        errors["effective_until"] = _(
            "人身安全保护令的有效期不超过六个月：自 %(start)s 起最长至 %(max)s。"
            "需要更长保护的，请在期满前申请延长。"
        ) % {"start": start.isoformat(), "max": ruling_max_until(start).isoformat()}


def order_rule(
    *,
    user,
    order,
    outcome: str,
    ruled_at,
    effective_from=None,
    effective_until=None,
    note: str = "",
    **measures,
) -> ProtectionOrder:
    unknown = set(measures) - set(MEASURES)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    errors: dict = {}
    if outcome not in RULED:
        errors["outcome"] = _("请选择裁定结果。")
    ruled_at = _when(ruled_at, errors, "ruled_at", _("裁定时间"))
    note = text({"note": note}, errors, "note", _("说明"))
    cleaned = _clean_measures(measures, errors)
    if outcome in ORDER_IN_FORCE:
        if not any(cleaned.values()):
            errors["ban_violence"] = _("签发保护令时请至少选择一项保护措施。")
        _check_period(effective_from, effective_until, errors)
        if (
            ruled_at
            and isinstance(effective_from, datetime.date)
            and effective_from < timezone.localdate(ruled_at)
        ):
            errors["effective_from"] = _("生效日期不能早于裁定日期。")
    else:
        cleaned = {m: False for m in ("ban_violence", "ban_contact", "move_out")}
        cleaned["other_measures"] = ""
        effective_from = effective_until = None
    with transaction.atomic():
        order, before, was = _transition(user, order, (OrderStatus.ACCEPTED,), "order_rule")
        if ruled_at and order.accepted_at and ruled_at < order.accepted_at:
            errors["ruled_at"] = _("裁定时间不能早于受理时间。")
        if errors:
            raise ValidationError(errors)
        for field, value in cleaned.items():
            setattr(order, field, value)
        order.ruled_at, order.status = ruled_at, outcome
        order.effective_from, order.effective_until = effective_from, effective_until
        return _finish(
            user,
            order,
            ["ruled_at", "status", "effective_from", "effective_until", *cleaned],
            OrderChange.RULED,
            before,
            was,
            "order_rule",
            at=ruled_at,
            note=note,
            new_until=effective_until,
        )


def order_withdraw(*, user, order, note: str) -> ProtectionOrder:
    errors: dict = {}
    note = text({"note": note}, errors, "note", _("撤回原因"), required=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order, before, was = _transition(user, order, BEFORE_RULING, "order_withdraw")
        order.status = OrderStatus.WITHDRAWN
        return _finish(
            user, order, ["status"], OrderChange.WITHDRAWN, before, was, "order_withdraw", note=note
        )


def _change_at(at, errors):
    at = aware(at) or timezone.now()
    if not isinstance(at, datetime.datetime):
        errors["at"] = _("时间格式不正确。")
        return timezone.now()
    not_future(at, errors, "at", _("时间"))
    return at


def order_extend(*, user, order, new_until, at=None, note: str = "") -> ProtectionOrder:
    errors: dict = {}
    at = _change_at(at, errors)
    note = text({"note": note}, errors, "note", _("说明"))
    with transaction.atomic():
        order, before, was = _transition(user, order, ORDER_IN_FORCE, "order_extend")
        old = order.effective_until
        if timezone.localdate(at) > old:
            errors["at"] = _("保护令已于 %(day)s 期满，不能再延长；请重新申请。") % {
                "day": old.isoformat()
            }
        if not isinstance(new_until, datetime.date):
            errors["new_until"] = _("请填写延长后的有效期至。")
        elif new_until <= old:
            errors["new_until"] = _("延长后的有效期须晚于原有效期（%(day)s）。") % {
                "day": old.isoformat()
            }
        else:
            start = old + datetime.timedelta(days=1)
            if new_until > ruling_max_until(start):
                errors["new_until"] = _(
                    "每次延长视为新的裁定，期限不超过六个月：自 %(start)s 起最长至 %(max)s。"
                ) % {"start": start.isoformat(), "max": ruling_max_until(start).isoformat()}
        if errors:
            raise ValidationError(errors)
        order.effective_until = new_until
        return _finish(
            user,
            order,
            ["effective_until"],
            OrderChange.EXTENSION,
            before,
            was,
            "order_extend",
            at=at,
            note=note,
            new_until=new_until,
            old_until=old,
        )


def order_vary(
    *, user, order, note: str, at=None, effective_until=None, **measures
) -> ProtectionOrder:
    unknown = set(measures) - set(MEASURES)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    errors: dict = {}
    at = _change_at(at, errors)
    note = text({"note": note}, errors, "note", _("变更内容"), required=True)
    with transaction.atomic():
        order, before, was = _transition(user, order, ORDER_IN_FORCE, "order_vary")
        current = {m: getattr(order, m) for m in MEASURES}
        cleaned = _clean_measures(
            {**current, **{k: v for k, v in measures.items() if v is not None}}, errors
        )
        if not any(cleaned.values()):
            errors["ban_violence"] = _("变更后仍须至少保留一项保护措施；终止保护请登记撤销。")
        old = order.effective_until
        if effective_until is not None:
            if effective_until > old:
                errors["effective_until"] = _("变更不能延长有效期，请登记延长。")
            elif effective_until < order.effective_from:
                errors["effective_until"] = _("有效期至不能早于生效日期。")
        if errors:
            raise ValidationError(errors)
        for field, value in cleaned.items():
            setattr(order, field, value)
        order.effective_until = effective_until or old
        return _finish(
            user,
            order,
            [*MEASURES, "effective_until"],
            OrderChange.VARIATION,
            before,
            was,
            "order_vary",
            at=at,
            note=note,
            new_until=order.effective_until,
            old_until=old,
        )


def order_revoke(*, user, order, note: str, at=None) -> ProtectionOrder:
    errors: dict = {}
    at = _change_at(at, errors)
    note = text({"note": note}, errors, "note", _("撤销原因"), required=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order, before, was = _transition(user, order, ORDER_IN_FORCE, "order_revoke")
        order.status = OrderStatus.REVOKED
        return _finish(
            user,
            order,
            ["status"],
            OrderChange.REVOCATION,
            before,
            was,
            "order_revoke",
            at=at,
            note=note,
        )


def reconsider_deadline(order) -> datetime.datetime | None:
    return order.ruled_at + datetime.timedelta(days=RECONSIDER_DAYS) if order.ruled_at else None


def order_reconsider(*, user, order, note: str, at=None) -> ProtectionOrder:
    """A request for reconsideration of the ruling, once, within five days of it. Its result
    is recorded as what the court then does (a variation or a revocation)."""
    errors: dict = {}
    at = _change_at(at, errors)
    note = text({"note": note}, errors, "note", _("复议请求及结果"), required=True)
    with transaction.atomic():
        order, before, was = _transition(user, order, RULED, "order_reconsider")
        deadline = reconsider_deadline(order)
        if order.events.filter(kind=OrderChange.RECONSIDERATION).exists():
            errors["at"] = _("对该裁定已申请过复议，只能申请一次。")
        elif at < order.ruled_at:
            errors["at"] = _("复议申请时间不能早于裁定时间。")
        elif at > deadline:
            errors["at"] = _("复议须在裁定后 5 日内申请（截至 %(deadline)s），已超过期限。") % {
                "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
            }
        if errors:
            raise ValidationError(errors)
        return _finish(
            user,
            order,
            [],
            OrderChange.RECONSIDERATION,
            before,
            was,
            "order_reconsider",
            at=at,
            note=note,
        )


# --- the scheduler's part ---------------------------------------------------------------------


def latest_risk_level():
    """The ``level`` of the person's latest risk assessment, as a subquery on an order."""
    return Subquery(
        RiskAssessment.objects.filter(person_id=OuterRef("person_id"))
        .order_by("-assessed_at", "-id")
        .values("level")[:1]
    )


def expiring_orders(queryset, today: datetime.date):
    """Orders in force ending within EXPIRY_WARNING_DAYS while the person's current risk is
    medium or high, soonest first."""
    return (
        queryset.filter(
            status__in=ORDER_IN_FORCE,
            effective_until__gte=today,
            effective_until__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .annotate(current_risk=latest_risk_level())
        .filter(current_risk__in=RISK_WORTH_EXTENDING)
        .order_by("effective_until", "pk")
    )


def orders_sweep(now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    expired = 0
    for order in ProtectionOrder.objects.filter(
        status__in=ORDER_IN_FORCE, effective_until__lt=today
    ):
        with transaction.atomic():
            before = audit.snapshot(order)
            was = order.status
            order.status = OrderStatus.EXPIRED
            _save(order, ["status"])
            _event(order, OrderChange.EXPIRED, None, from_status=was)
            audit.record_change(
                None, order, "order_expire", before=before, after=audit.snapshot(order)
            )
        expired += 1
    warned = 0
    # While the early-warning rule for expiring orders is on, its warning is the one notice
    # (to the case's worker, or the order's maker); this job only tells the maker without it.
    if AlertRule.objects.filter(code="order_expiring", is_active=True).exists():
        return {"expired": expired, "warned": warned}
    for order in expiring_orders(ProtectionOrder.objects.all(), today).select_related("created_by"):
        if order.expiry_warned_for == order.effective_until:
            continue
        with transaction.atomic():
            ProtectionOrder.objects.filter(pk=order.pk).update(
                expiry_warned_for=order.effective_until
            )
            worker = order.created_by
            if worker is not None and worker.is_active:
                notify(
                    worker,
                    _("保护令即将到期：请考虑申请延长"),
                    _(
                        "保护令将于 %(day)s 到期，当事人目前风险等级为%(level)s，请评估是否需要申请延长。"
                    )
                    % {
                        "day": order.effective_until.isoformat(),
                        "level": RiskLevel(order.current_risk).label,
                    },
                    url=reverse("protection:protectionorder_detail", args=[order.pk]),
                    level="warning",
                )
                warned += 1
    return {"expired": expired, "warned": warned}


def describe_sweep(result: dict) -> str:
    return "expired {expired}, warned {warned}".format(**result)
