"""Households and their members: create, edit, add and remove a member, the head.

A household's unit is chosen within the actor's own subtree; its members may come from any
unit she can see. Sensitivity follows the members (``household_refresh_sensitivity``).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.scoping import may
from jinguo.orgs.models import OrgUnit

from ..choices import Relationship
from ..models import Household, HouseholdMember, Person
from ..selectors.common import require_permission
from ..selectors.households import visible_households
from ..selectors.persons import visible_persons
from .derived import household_refresh_sensitivity

NAME_MAX = Household._meta.get_field("name").max_length
ADDRESS_MAX = 200


def _unit_in_scope(user, org: OrgUnit | None) -> bool:
    if org is None:
        return False
    return user is None or may(user, "view", org)


def _check_fields(errors: dict, *, name: str, address: str | None) -> None:
    if not name:
        errors["name"] = _("请填写户名。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("户名不能超过 %(n)d 个字。") % {"n": NAME_MAX}
    if address is not None and len(address) > ADDRESS_MAX:
        errors["address"] = _("住址不能超过 %(n)d 个字。") % {"n": ADDRESS_MAX}


def household_create(
    *, user, org: OrgUnit, name: str, address: str = "", notes: str = ""
) -> Household:
    require_permission(user, "add", Household)
    name, address, notes = (name or "").strip(), (address or "").strip(), (notes or "").strip()
    errors: dict[str, str] = {}
    if not _unit_in_scope(user, org):
        errors["org"] = _("所属单位不存在或不在您的管辖范围内。")
    _check_fields(errors, name=name, address=address)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        household = Household(org=org, name=name, address=address, notes=notes)
        household.save(force_insert=True)
        # Re-check through restrict(): the new record must lie where the actor may add it.
        if (
            user is not None
            and not visible_households(user, "add").filter(pk=household.pk).exists()
        ):
            raise ValidationError({"org": _("所属单位不存在或不在您的管辖范围内。")})
        audit.record_change(user, household, "create", after=audit.snapshot(household))
    return household


def _locked(user, household: Household, action: str = "change") -> Household:
    locked = visible_households(user, action).select_for_update().filter(pk=household.pk).first()
    if locked is None:
        raise ValidationError(_("该家庭不存在或不在您的管辖范围内。"))
    return locked


def household_update(
    *,
    user,
    household: Household,
    name: str,
    address: str | None = None,
    notes: str = "",
) -> Household:
    """Change name, notes and (when ``address`` is not None) the address."""
    require_permission(user, "change", Household)
    name, notes = (name or "").strip(), (notes or "").strip()
    address = address.strip() if address is not None else None
    errors: dict[str, str] = {}
    _check_fields(errors, name=name, address=address)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(user, household)
        values = {"name": name, "notes": notes}
        if address is not None:
            values["address"] = address
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        before = audit.snapshot(locked)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.save(update_fields=[*changed, "updated_at"])
        audit.record_change(user, locked, "update", before=before, after=audit.snapshot(locked))
    return locked


def household_member_add(
    *,
    user,
    household: Household,
    person: Person,
    relationship: str,
    joined_on: date | None = None,
) -> HouseholdMember:
    """Add a person to a household; "户主" also makes her the head (one head per household)."""
    require_permission(user, "change", Household)
    errors: dict[str, str] = {}
    if relationship not in Relationship.values:
        errors["relationship"] = _("请选择与户主的关系。")
    joined_on = joined_on or timezone.localdate()
    if joined_on > timezone.localdate():
        errors["joined_on"] = _("加入日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(user, household)
        person = visible_persons(user).filter(pk=getattr(person, "pk", None)).first()
        if person is None:
            raise ValidationError({"person": _("该人员不存在或不在您的管辖范围内。")})
        if HouseholdMember.objects.filter(household=locked, person=person).exists():
            raise ValidationError({"person": _("该人员已是这个家庭的成员。")})
        if relationship == Relationship.HEAD and locked.head_id not in (None, person.pk):
            raise ValidationError(
                {"relationship": _("该家庭已有户主；请先移除原户主或更改其关系后再设置。")}
            )
        before = audit.snapshot(locked)
        member = HouseholdMember(
            household=locked, person=person, relationship=relationship, joined_on=joined_on
        )
        try:
            with transaction.atomic():
                member.save(force_insert=True)
        except IntegrityError as exc:
            raise ValidationError({"person": _("该人员已是这个家庭的成员。")}) from exc
        if relationship == Relationship.HEAD:
            locked.head = person
            locked.save(update_fields=["head", "updated_at"])
        household_refresh_sensitivity(locked)
        audit.record_change(
            user,
            locked,
            "update",
            before=before,
            after={**audit.snapshot(locked), "member_added": audit.snapshot(member)},
        )
    return member


def household_member_remove(
    *, user, household: Household, member: HouseholdMember, reason: str = ""
) -> Household:
    require_permission(user, "change", Household)
    with transaction.atomic():
        locked = _locked(user, household)
        member = HouseholdMember.objects.filter(pk=member.pk, household=locked).first()
        if member is None:
            raise ValidationError(_("该成员不在这个家庭中。"))
        before = {**audit.snapshot(locked), "member_removed": audit.snapshot(member)}
        if locked.head_id == member.person_id:
            locked.head = None
            locked.save(update_fields=["head", "updated_at"])
        member.delete()
        household_refresh_sensitivity(locked)
        audit.record_change(
            user,
            locked,
            "update",
            before=before,
            after=audit.snapshot(locked),
            reason=(reason or "").strip()[:200],
        )
    return locked
