"""Writes of the shelter concern: shelters and their staff, stays (admission, change,
leaving, sharing the address with a colleague).

CONTRACT:
- shelter_create(*, user, org, name, address, phone="", rooms=0, beds=0, agency=None,
  is_active=True, staff=()) -> Shelter
- shelter_update(*, user, shelter, name, address="", phone=None, rooms, beds, agency=None,
  is_active=True, staff=()) -> Shelter   (an empty ``address`` keeps the stored one;
  ``phone=None`` keeps it: someone who may not see them can still edit the rest)
- stay_admit(*, user, shelter, person, admitted_at, planned_leave_on, reason, case=None,
  children=(), confirm_full=False) -> ShelterStay
    Refused (error on "confirm_full") when the beds free are fewer than she and her children
    need, unless ``confirm_full``: then admitted and marked ``over_capacity``.
- stay_update(*, user, stay, version, planned_leave_on, reason) -> ShelterStay
- stay_leave(*, user, stay, left_at, destination, destination_note="", version=None)
- stay_share_location(*, user, stay, grantee, reason, expires_at=None) -> list[Share]
    Only someone who may see the address herself (the shelter's staff) passes it on.
- stay_revoke_location(*, user, stay, share_id, reason) -> int
    The shelter's staff end a share of the address (every action granted to that person on
    the stay) before the stay ends; the reason is required and audited.
Every write checks restrict() and writes an audit row; errors are Chinese ValidationErrors.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.models import Agency, Case
from jinguo.core import audit
from jinguo.core.concurrency import check_version
from jinguo.core.identity import validate_phone
from jinguo.core.scoping import grants_changed, may
from jinguo.core.sharing import share_grant, share_revoke, shares_of
from jinguo.people.models import Person

from .. import choices
from ..models import Shelter, ShelterStay
from ..selectors.shelter import forget_locatable, may_locate, occupancy_of

NAME_MAX = 100
ADDRESS_MAX = 200
REASON_MAX = 2000
MAX_BEDS = 10000
MAX_STAY_DAYS = 730
LOCATE_SHARE_REASON_MAX = 200


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied


# --- shelters --------------------------------------------------------------------------------


def _clean_shelter(user, errors, *, name, address, phone, rooms, beds, agency, staff, org=None):
    name = (name or "").strip()
    if not name:
        errors["name"] = _("请填写庇护场所名称。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("名称不能超过 %(n)d 个字。") % {"n": NAME_MAX}
    address = (address or "").strip()
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("地址不能超过 %(n)d 个字。") % {"n": ADDRESS_MAX}
    if phone:
        try:
            phone = validate_phone(phone.strip())
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    for field, value in (("rooms", rooms), ("beds", beds)):
        if value is None or not isinstance(value, int) or value < 0 or value > MAX_BEDS:
            errors[field] = _("请填写 0 到 %(n)d 之间的整数。") % {"n": MAX_BEDS}
    if (
        agency is not None
        and not Agency.objects.restrict(user, "view").filter(pk=agency.pk).exists()
    ):
        errors["agency"] = _("所选机构不存在或不在您的范围内。")
    User = get_user_model()
    staff = list(staff or ())
    if any(not isinstance(u, User) or not u.is_active for u in staff):
        errors["staff"] = _("工作人员须为启用中的用户。")
    if org is not None and not (org.is_active and may(user, "view", org)):
        errors["org"] = _("所选单位不存在或不在您的管辖范围内。")
    return name, address, phone, staff


def shelter_create(
    *,
    user,
    org,
    name,
    address,
    phone="",
    rooms=0,
    beds=0,
    agency=None,
    is_active=True,
    staff=(),
) -> Shelter:
    _require(user, "protection.add_shelter")
    errors: dict = {}
    if org is None:
        errors["org"] = _("请选择所属单位。")
    name, address, phone, staff = _clean_shelter(
        user,
        errors,
        name=name,
        address=address,
        phone=phone,
        rooms=rooms,
        beds=beds,
        agency=agency,
        staff=staff,
        org=org,
    )
    if not address:
        errors["address"] = _("请填写地址（仅对本场所工作人员显示）。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        shelter = Shelter(
            org=org,
            name=name,
            address=address,
            phone=phone or "",
            rooms=rooms,
            beds=beds,
            agency=agency,
            is_active=bool(is_active),
        )
        shelter.save(force_insert=True)
        shelter.staff.set(staff)
        # Staff are the shelter's audience: memoised memberships must be read again.
        grants_changed()
        audit.record_change(
            user, shelter, "create", after=audit.snapshot(shelter), staff=[u.pk for u in staff]
        )
    forget_locatable(user)
    return shelter


def shelter_update(
    *,
    user,
    shelter,
    name,
    rooms,
    beds,
    address="",
    phone=None,
    agency=None,
    is_active=True,
    staff=(),
) -> Shelter:
    _require(user, "protection.change_shelter")
    errors: dict = {}
    name, address, phone, staff = _clean_shelter(
        user,
        errors,
        name=name,
        address=address,
        phone=phone,
        rooms=rooms,
        beds=beds,
        agency=agency,
        staff=staff,
    )
    with transaction.atomic():
        found = (
            Shelter.objects.restrict(user, "change")
            .select_for_update()
            .filter(pk=shelter.pk)
            .first()
        )
        if found is None:
            raise ValidationError(_("该庇护场所不存在，或您无权修改。"), code="not_found")
        if errors:
            raise ValidationError(errors)
        shelter = found
        before = audit.snapshot(shelter)
        staff_before = sorted(shelter.staff.values_list("pk", flat=True))
        shelter.name, shelter.rooms, shelter.beds = name, rooms, beds
        shelter.agency, shelter.is_active = agency, bool(is_active)
        fields = ["name", "rooms", "beds", "agency", "is_active"]
        if address:
            shelter.address = address
            fields.append("address")
        if phone is not None:
            shelter.phone = phone or ""
            fields.append("phone")
        shelter.save(update_fields=fields)
        shelter.staff.set(staff)
        grants_changed()
        staff_after = sorted(u.pk for u in staff)
        detail = {"staff": staff_after} if staff_after != staff_before else {}
        audit.record_change(
            user, shelter, "update", before=before, after=audit.snapshot(shelter), **detail
        )
    forget_locatable(user)
    return shelter


# --- stays ----------------------------------------------------------------------------------


def _visible_person(user, person, errors, field):
    if person is None:
        return None
    pk = person.pk if isinstance(person, Person) else person
    found = Person.objects.restrict(user, "view").filter(pk=pk, is_active=True).first()
    if found is None:
        errors[field] = _("所选人员档案不存在或您无权查看。")
    return found


def _open_stay_of(person_ids, exclude=None):
    rows = ShelterStay.objects.filter(left_at__isnull=True).select_related("shelter")
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    as_guest = rows.filter(person_id__in=person_ids).first()
    return as_guest or rows.filter(children__in=person_ids).first()


def _clean_planned(admitted_at, planned_leave_on, errors):
    if planned_leave_on is None:
        errors["planned_leave_on"] = _("请填写计划离开日期。")
    elif admitted_at is not None:
        day = timezone.localdate(admitted_at)
        if planned_leave_on < day:
            errors["planned_leave_on"] = _("计划离开日期不能早于入住日期。")
        elif planned_leave_on > day + timedelta(days=MAX_STAY_DAYS):
            errors["planned_leave_on"] = _("计划入住时间不能超过两年，请核对日期。")


def _clean_reason(reason, errors) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("请填写入住原因。")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("入住原因不能超过 %(n)d 个字。") % {"n": REASON_MAX}
    return reason


def stay_admit(
    *,
    user,
    shelter,
    person,
    admitted_at,
    planned_leave_on,
    reason,
    case=None,
    children=(),
    confirm_full=False,
) -> ShelterStay:
    _require(user, "protection.add_shelterstay")
    now = timezone.now()
    errors: dict = {}
    person = _visible_person(user, person, errors, "person")
    kids = []
    for child in children or ():
        found = _visible_person(user, child, errors, "children")
        if found is not None and found not in kids:
            kids.append(found)
    if person is not None and person in kids:
        errors["children"] = _("随住子女中不能包含当事人本人。")
    if case is not None and not Case.objects.restrict(user, "view").filter(pk=case.pk).exists():
        errors["case"] = _("所选个案不存在或您无权查看。")
    if admitted_at is None:
        errors["admitted_at"] = _("请填写入住时间。")
    elif admitted_at > now + timedelta(minutes=5):
        errors["admitted_at"] = _("入住时间不能晚于现在。")
    _clean_planned(admitted_at, planned_leave_on, errors)
    reason = _clean_reason(reason, errors)
    with transaction.atomic():
        # The shelter's row is locked so two admissions cannot both take the last bed. Its
        # staff reach it through a join, so the visibility check and the lock are two reads.
        visible = Shelter.objects.restrict(user, "view").filter(pk=getattr(shelter, "pk", None))
        found = (
            Shelter.objects.select_for_update()
            .filter(pk__in=list(visible.values_list("pk", flat=True)))
            .first()
        )
        if found is None:
            errors["shelter"] = _("所选庇护场所不存在或您无权查看。")
        elif not found.is_active:
            errors["shelter"] = _("该庇护场所已停用，不能安排入住。")
        if person is not None:
            other = _open_stay_of([person.pk, *(k.pk for k in kids)])
            if other is not None:
                errors["person"] = _("当事人或随住子女尚在庇护中（%(d)s 入住），请先登记离开。") % {
                    "d": timezone.localtime(other.admitted_at).strftime("%Y-%m-%d")
                }
        if errors:
            raise ValidationError(errors)
        shelter = found
        needed = 1 + len(kids)
        free = shelter.beds - occupancy_of(shelter)
        over = needed > free
        if over and not confirm_full:
            raise ValidationError(
                {
                    "confirm_full": _(
                        "%(name)s 现有空床位 %(free)d 张，本次需要 %(need)d 张（当事人及随住子女）。"
                        "如确需临时超员安置，请勾选“确认超员入住”后再提交。"
                    )
                    % {"name": shelter.name, "free": max(free, 0), "need": needed}
                }
            )
        org = case.org if case is not None else person.org
        stay = ShelterStay(
            org=org,
            person=person,
            case=case,
            shelter=shelter,
            admitted_at=admitted_at,
            planned_leave_on=planned_leave_on,
            reason=reason,
            over_capacity=over,
            created_by=user,
            created_at=now,
        )
        stay.save(force_insert=True)
        stay.children.set(kids)
        audit.record_change(
            user, stay, "create", after=audit.snapshot(stay), children=[k.pk for k in kids]
        )
    return stay


def _locked_stay(user, stay, action="change") -> ShelterStay:
    found = (
        ShelterStay.objects.restrict(user, action)
        .select_for_update()
        .filter(pk=getattr(stay, "pk", stay))
        .first()
    )
    if found is None:
        raise ValidationError(_("该入住记录不存在，或您无权进行此项操作。"), code="not_found")
    return found


def stay_update(*, user, stay, version, planned_leave_on, reason) -> ShelterStay:
    errors: dict = {}
    reason = _clean_reason(reason, errors)
    with transaction.atomic():
        stay = _locked_stay(user, stay)
        check_version(stay, version)
        if stay.left_at is not None:
            errors["__all__"] = _("已登记离开的入住记录不能再修改。")
        _clean_planned(stay.admitted_at, planned_leave_on, errors)
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(stay)
        stay.planned_leave_on, stay.reason = planned_leave_on, reason
        stay.version += 1
        stay.save(update_fields=["planned_leave_on", "reason", "version", "updated_at"])
        audit.record_change(user, stay, "update", before=before, after=audit.snapshot(stay))
    return stay


def stay_leave(*, user, stay, left_at, destination, destination_note="", version=None):
    errors: dict = {}
    now = timezone.now()
    if destination not in choices.StayDestination.values:
        errors["destination"] = _("请选择离开后的去向。")
    destination_note = (destination_note or "").strip()
    if len(destination_note) > REASON_MAX:
        errors["destination_note"] = _("去向说明不能超过 %(n)d 个字。") % {"n": REASON_MAX}
    if left_at is None:
        errors["left_at"] = _("请填写离开时间。")
    elif left_at > now + timedelta(minutes=5):
        errors["left_at"] = _("离开时间不能晚于现在。")
    with transaction.atomic():
        stay = _locked_stay(user, stay)
        check_version(stay, version)
        if stay.left_at is not None:
            raise ValidationError(_("该入住记录已登记离开。"))
        if left_at is not None and left_at < stay.admitted_at:
            errors["left_at"] = _("离开时间不能早于入住时间。")
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(stay)
        stay.left_at, stay.destination, stay.destination_note = (
            left_at,
            destination,
            destination_note,
        )
        stay.version += 1
        stay.save(
            update_fields=["left_at", "destination", "destination_note", "version", "updated_at"]
        )
        audit.record_change(user, stay, "leave", before=before, after=audit.snapshot(stay))
    return stay


def stay_share_location(*, user, stay, grantee, reason, expires_at=None):
    """Let ``grantee`` (e.g. the worker accompanying her) see the stay and its shelter's
    address while the stay is open; only the shelter's staff may pass the address on."""
    stay = ShelterStay.objects.restrict(user, "view").filter(pk=getattr(stay, "pk", stay)).first()
    if stay is None or not may_locate(user, stay.shelter):
        raise ValidationError(_("只有本庇护场所的工作人员可以共享地址。"), code="not_found")
    if stay.left_at is not None:
        raise ValidationError(_("当事人已离开庇护场所，无需再共享地址。"))
    if grantee is None or not getattr(grantee, "is_active", False):
        raise ValidationError({"grantee": _("请选择一位启用中的用户。")})
    if grantee.pk == user.pk:
        raise ValidationError({"grantee": _("不能共享给自己。")})
    reason = (reason or "").strip()
    if len(reason) > LOCATE_SHARE_REASON_MAX:
        raise ValidationError({"reason": _("原因不能超过 200 个字。")})
    shares = share_grant(
        obj=stay,
        user=grantee,
        actions=("view", "locate"),
        reason=reason,
        granted_by=user,
        expires_at=expires_at,
    )
    forget_locatable(grantee)
    return shares


def location_shares(stay):
    """Active shares of the stay's address (the ``locate`` rows), newest first."""
    return shares_of(stay).filter(action="locate", user__isnull=False)


def stay_revoke_location(*, user, stay, share_id, reason) -> int:
    """End a colleague's access to the stay and its shelter's address (its ``view`` and
    ``locate`` shares). Only the shelter's own staff do it, as only they grant it."""
    stay = ShelterStay.objects.restrict(user, "view").filter(pk=getattr(stay, "pk", stay)).first()
    if stay is None or not may_locate(user, stay.shelter):
        raise ValidationError(_("只有本庇护场所的工作人员可以撤销地址共享。"), code="not_found")
    share = location_shares(stay).filter(pk=share_id).select_related("user").first()
    if share is None:
        raise ValidationError(_("该共享不存在或已经结束。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    if len(reason) > LOCATE_SHARE_REASON_MAX:
        raise ValidationError({"reason": _("原因不能超过 200 个字。")})
    revoked = share_revoke(
        obj=stay, user=share.user, reason=reason, revoked_by=user, actions=("view", "locate")
    )
    forget_locatable(share.user)
    return revoked
