"""Consent (单独同意) to processing and to sharing with each kind of partner.

A child under 14 on the day of consent cannot consent herself: the guardian's name and
relationship are required (PIPL art. 31). Withdrawal ends a consent from that day on; the
record stays. ``selectors.consents.consent_allows`` answers whether a purpose is covered.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import ConsentMethod, ConsentPurpose
from ..models import Consent, Person
from ..selectors.common import require_permission, visible
from ..selectors.persons import visible_persons

GUARDIAN_AGE = 14
SCOPE_MAX = Consent._meta.get_field("scope").max_length


def needs_guardian(person: Person, on: date) -> bool:
    age = person.age(on)
    return age is not None and age < GUARDIAN_AGE


def consent_record(
    *,
    user,
    person: Person,
    purpose: str,
    method: str,
    given_on: date | None = None,
    scope: str = "",
    guardian_name: str = "",
    guardian_relation: str = "",
) -> Consent:
    require_permission(user, "add", Consent)
    today = timezone.localdate()
    given_on = given_on or today
    scope = (scope or "").strip()
    guardian_name, guardian_relation = (
        (guardian_name or "").strip(),
        (guardian_relation or "").strip(),
    )
    errors: dict[str, str] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = _("请选择同意事项。")
    if method not in ConsentMethod.values:
        errors["method"] = _("请选择同意方式。")
    if given_on > today:
        errors["given_on"] = _("同意日期不能晚于今天。")
    if len(scope) > SCOPE_MAX:
        errors["scope"] = _("范围说明不能超过 %(n)d 个字。") % {"n": SCOPE_MAX}
    with transaction.atomic():
        person = visible_persons(user).filter(pk=getattr(person, "pk", None)).first()
        if person is None:
            errors["person"] = _("该人员不存在或不在您的管辖范围内。")
        elif needs_guardian(person, given_on):
            if not guardian_name:
                errors["guardian_name"] = _(
                    "未满 14 周岁的未成年人须由监护人同意，请填写监护人姓名。"
                )
            if not guardian_relation:
                errors["guardian_relation"] = _("请填写监护人与本人的关系。")
        if errors:
            raise ValidationError(errors)
        consent = Consent(
            person=person,
            org=person.org,
            purpose=purpose,
            method=method,
            given_on=given_on,
            scope=scope,
            guardian_name=guardian_name,
            guardian_relation=guardian_relation,
            recorded_by=user,
            is_sensitive=person.is_sensitive,
        )
        consent.save(force_insert=True)
        audit.record_change(user, consent, "create", after=audit.snapshot(consent))
    return consent


def consent_withdraw(
    *, user, consent: Consent, withdrawn_on: date | None = None, reason: str = ""
) -> Consent:
    require_permission(user, "change", Consent)
    today = timezone.localdate()
    withdrawn_on = withdrawn_on or today
    if withdrawn_on > today:
        raise ValidationError({"withdrawn_on": _("撤回日期不能晚于今天。")})
    with transaction.atomic():
        locked = visible(Consent, user, "change").select_for_update().filter(pk=consent.pk).first()
        if locked is None:
            raise ValidationError(_("该同意记录不存在或不在您的管辖范围内。"))
        if locked.withdrawn_on is not None:
            raise ValidationError(_("该同意已于 %(d)s 撤回。") % {"d": locked.withdrawn_on})
        if withdrawn_on < locked.given_on:
            raise ValidationError({"withdrawn_on": _("撤回日期不能早于同意日期。")})
        before = audit.snapshot(locked)
        locked.withdrawn_on = withdrawn_on
        locked.save(update_fields=["withdrawn_on"])
        audit.record_change(
            user,
            locked,
            "update",
            before=before,
            after=audit.snapshot(locked),
            step="withdraw",
            reason=(reason or "").strip()[:200],
        )
    return locked
