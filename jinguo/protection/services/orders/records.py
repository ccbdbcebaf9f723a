"""Breaches of an order and injury examinations.

CONTRACT:
- breach_create(*, user, order, occurred_at, description, police_response="",
  sanction="pending") -> OrderBreach
- breach_update(*, user, breach, police_response=None, sanction=None) -> OrderBreach
  (the police's response and the sanction arrive later)
- injury_create(*, user, person, examined_by, examined_at, result, examiner="",
  severity="pending", case=None) -> InjuryRecord
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit

from ...choices import InjurySeverity, OrderStatus, Sanction
from ...models import InjuryRecord, OrderBreach, ProtectionOrder
from .common import (
    aware,
    check_case_person,
    locked,
    not_future,
    require_perm,
    text,
    visible_case,
    visible_person,
)

# An order that protected someone at some time: a breach then may be recorded afterwards.
ONCE_IN_FORCE = (
    OrderStatus.GRANTED,
    OrderStatus.PARTLY,
    OrderStatus.EXPIRED,
    OrderStatus.REVOKED,
)


def _moment(value, errors, field, label):
    value = aware(value)
    if not isinstance(value, datetime.datetime):
        errors[field] = _("请填写%(label)s。") % {"label": label}
        return None
    not_future(value, errors, field, label)
    return value


def breach_create(
    *,
    user,
    order,
    occurred_at,
    description: str,
    police_response: str = "",
    sanction: str = Sanction.PENDING,
) -> OrderBreach:
    require_perm(user, "add", OrderBreach)
    errors: dict = {}
    occurred_at = _moment(occurred_at, errors, "occurred_at", _("发生时间"))
    description = text({"d": description}, errors, "d", _("违反情况"), required=True)
    if "d" in errors:
        errors["description"] = errors.pop("d")
    police_response = text(
        {"police_response": police_response}, errors, "police_response", _("公安机关处置")
    )
    if sanction not in Sanction.values:
        errors["sanction"] = _("请选择处罚情况。")
    with transaction.atomic():
        order = locked(user, ProtectionOrder, order, "change")
        if order.status not in ONCE_IN_FORCE:
            errors["order"] = _("该保护令未签发，不存在违反保护令的情形。")
        elif occurred_at is not None:
            day = timezone.localdate(occurred_at)
            if day < order.effective_from or day > order.effective_until:
                errors["occurred_at"] = _(
                    "发生时间不在保护令有效期（%(start)s 至 %(end)s）内。"
                ) % {
                    "start": order.effective_from.isoformat(),
                    "end": order.effective_until.isoformat(),
                }
        if errors:
            raise ValidationError(errors)
        breach = OrderBreach(
            order=order,
            person_id=order.person_id,
            org_id=order.org_id,
            occurred_at=occurred_at,
            description=description,
            police_response=police_response,
            sanction=sanction,
            recorded_by=user,
            is_sensitive=order.is_sensitive,
        )
        breach.save(force_insert=True)
        audit.record_change(user, breach, "create", after=audit.snapshot(breach), order_id=order.pk)
    return breach


def breach_update(*, user, breach, police_response=None, sanction=None) -> OrderBreach:
    require_perm(user, "change", OrderBreach)
    errors: dict = {}
    with transaction.atomic():
        breach = locked(user, OrderBreach, breach, "change")
        changed = []
        if police_response is not None:
            value = text(
                {"police_response": police_response},
                errors,
                "police_response",
                _("公安机关处置"),
            )
            if value != breach.police_response:
                breach.police_response = value
                changed.append("police_response")
        if sanction is not None:
            if sanction not in Sanction.values:
                errors["sanction"] = _("请选择处罚情况。")
            elif sanction != breach.sanction:
                breach.sanction = sanction
                changed.append("sanction")
        if errors:
            raise ValidationError(errors)
        if not changed:
            return breach
        before = audit.snapshot(OrderBreach.objects.get(pk=breach.pk))
        breach.save(update_fields=changed)
        audit.record_change(user, breach, "update", before=before, after=audit.snapshot(breach))
    return breach


def injury_create(
    *,
    user,
    person,
    examined_by: str,
    examined_at,
    result: str,
    examiner: str = "",
    severity: str = InjurySeverity.PENDING,
    case=None,
) -> InjuryRecord:
    require_perm(user, "add", InjuryRecord)
    errors: dict = {}
    victim = visible_person(user, person, errors, "person", _("当事人"))
    examined_by = text(
        {"examined_by": examined_by},
        errors,
        "examined_by",
        _("鉴定/诊疗机构"),
        required=True,
        limit=100,
    )
    examiner = text({"examiner": examiner}, errors, "examiner", _("鉴定人/医生"), limit=50)
    result = text({"result": result}, errors, "result", _("伤情描述"), required=True)
    examined_at = _moment(examined_at, errors, "examined_at", _("检查时间"))
    if severity not in InjurySeverity.values:
        errors["severity"] = _("请选择鉴定结论。")
    found_case = visible_case(user, case, errors)
    check_case_person(found_case, victim, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = InjuryRecord(
            person=victim,
            case=found_case,
            org=found_case.org if found_case is not None else victim.org,
            created_by=user,
            examined_by=examined_by,
            examiner=examiner,
            examined_at=examined_at,
            severity=severity,
            result=result,
        )
        record.save(force_insert=True)
        audit.record_change(user, record, "create", after=audit.snapshot(record))
    return record
