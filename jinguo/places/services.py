"""Writes of service places. Each checks the permission and restrict(), validates with Chinese
messages, writes in one transaction and records an audit event.

CONTRACT:
- place_create(*, user, org, kind, name, address="", opening_hours="", phone="", latitude=None,
  longitude=None, staff=(), volunteers="", is_public=False, is_active=True, shelter=None)
- place_update(*, user, place, **the same but org; address=None keeps the stored one)
- place_check(*, user, place, results: {item_id: bool}, checked_on, notes={}) -> Place
- activity_add(*, user, place, kind, held_on, title, attendance=0, note="") -> PlaceActivity
- kind_update(*, user, kind, name, description, confidential, is_active, items: list[str])
    The items replace the kind's active standard (matched by label; removed ones are
    deactivated, so past checks keep their meaning); every place of the kind is re-rated.
- refresh_standard(places) / refresh_kind(kind): recompute meets_standard.
"""

import re
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.scoping import grants_changed, may
from jinguo.protection.models import Shelter

from . import choices
from .models import Place, PlaceActivity, PlaceCheck, PlaceKind, StandardItem
from .selectors import forget_locatable

NAME_MAX = 100
ADDRESS_MAX = 200
HOURS_MAX = 100
VOLUNTEERS_MAX = 1000
TITLE_MAX = 100
NOTE_MAX = 2000
ITEM_MAX = 100
ATTENDANCE_MAX = 100000
PHONE_RE = re.compile(r"^[0-9+\-－ ()（）转,，、]{3,30}$")


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied


def _text(errors, key, value, *, limit, required=False, label=""):
    value = (value or "").strip()
    if required and not value:
        errors[key] = _("请填写%(label)s。") % {"label": label}
    elif len(value) > limit:
        errors[key] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit}
    return value


def _coordinate(errors, key, value, bound, label):
    if value in (None, ""):
        return None
    try:
        value = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (ArithmeticError, ValueError, TypeError):
        errors[key] = _("%(label)s须为数字。") % {"label": label}
        return None
    if not value.is_finite() or abs(value) > bound:
        errors[key] = _("%(label)s须在 -%(b)d 到 %(b)d 之间。") % {"label": label, "b": bound}
        return None
    return value


def _clean(user, errors, data: dict, *, creating: bool, place=None) -> dict:
    out = {}
    kind = data.get("kind") if creating else place.kind
    if creating:
        if kind is None or not isinstance(kind, PlaceKind) or not kind.is_active:
            errors["kind"] = _("请选择启用中的阵地类型。")
        org = data.get("org")
        if org is None:
            errors["org"] = _("请选择所属单位。")
        elif not (org.is_active and may(user, "view", org)):
            errors["org"] = _("所选单位不存在或不在您的管辖范围内。")
        out["kind"], out["org"] = kind, org
    out["name"] = _text(
        errors, "name", data.get("name"), limit=NAME_MAX, required=True, label=_("名称")
    )
    address = data.get("address")
    if address is not None:
        out["address"] = _text(errors, "address", address, limit=ADDRESS_MAX, label=_("地址"))
    out["opening_hours"] = _text(
        errors, "opening_hours", data.get("opening_hours"), limit=HOURS_MAX, label=_("开放时间")
    )
    phone = (data.get("phone") or "").strip()
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _(
            "电话只能包含数字、“-”、“转”和括号，3 到 30 位，例如 0512-12345678 或 12338。"
        )
    out["phone"] = phone
    out["volunteers"] = _text(
        errors, "volunteers", data.get("volunteers"), limit=VOLUNTEERS_MAX, label=_("志愿者")
    )
    out["latitude"] = _coordinate(errors, "latitude", data.get("latitude"), 90, _("纬度"))
    out["longitude"] = _coordinate(errors, "longitude", data.get("longitude"), 180, _("经度"))
    if (out["latitude"] is None) != (out["longitude"] is None) and not {
        "latitude",
        "longitude",
    } & set(errors):
        errors["longitude"] = _("经纬度须同时填写或同时留空。")
    User = get_user_model()
    staff = list(data.get("staff") or ())
    if any(not isinstance(u, User) or not u.is_active for u in staff):
        errors["staff"] = _("工作人员须为启用中的用户。")
    out["staff"] = staff
    confidential = bool(kind is not None and getattr(kind, "confidential", False))
    is_public = bool(data.get("is_public"))
    if is_public and confidential:
        errors["is_public"] = _("“%(kind)s”是保密场所，不能对外公开；求助者请拨打热线。") % {
            "kind": kind.name
        }
    out["is_public"] = is_public
    out["is_active"] = bool(data.get("is_active", True))
    shelter = data.get("shelter")
    if shelter is not None:
        if not confidential:
            errors["shelter"] = _("只有保密场所才能关联庇护场所。")
        elif not may(user, "view", shelter):
            errors["shelter"] = _("所选庇护场所不存在或不在您的范围内。")
    out["shelter"] = shelter
    return out


def place_create(*, user, **data) -> Place:
    _require(user, "places.add_place")
    errors: dict = {}
    cleaned = _clean(user, errors, data, creating=True)
    if errors:
        raise ValidationError(errors)
    staff = cleaned.pop("staff")
    with transaction.atomic():
        place = Place(**cleaned)
        place.save(force_insert=True)
        place.staff.set(staff)
        refresh_standard([place.pk])
        place.refresh_from_db()
        grants_changed()
        audit.record_change(
            user, place, "create", after=audit.snapshot(place), staff=[u.pk for u in staff]
        )
    forget_locatable(user)
    return place


def place_update(*, user, place: Place, **data) -> Place:
    _require(user, "places.change_place")
    if not may(user, "change", place):
        raise PermissionDenied
    errors: dict = {}
    cleaned = _clean(user, errors, data, creating=False, place=place)
    if errors:
        raise ValidationError(errors)
    staff = cleaned.pop("staff")
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        before = audit.snapshot(place)
        for name, value in cleaned.items():
            setattr(place, name, value)
        place.save(update_fields=[*cleaned, "updated_at"])
        old_staff = set(place.staff.values_list("pk", flat=True))
        place.staff.set(staff)
        grants_changed()
        audit.record_change(
            user,
            place,
            "update",
            before=before,
            after=audit.snapshot(place),
            staff_before=sorted(old_staff),
            staff=sorted(u.pk for u in staff),
        )
    forget_locatable(user)
    return place


# --- the standard -----------------------------------------------------------------------------


def refresh_standard(place_ids) -> None:
    """meets_standard := every active item of the place's kind is checked as met (a kind with
    no active item is met by nobody: there is nothing to vouch for the place)."""
    place_ids = list(place_ids)
    if not place_ids:
        return
    items = StandardItem.objects.filter(kind_id=OuterRef("kind_id"), is_active=True)
    unmet = StandardItem.objects.filter(kind_id=OuterRef("kind_id"), is_active=True).exclude(
        pk__in=PlaceCheck.objects.filter(place_id=OuterRef(OuterRef("pk")), met=True).values(
            "item_id"
        )
    )
    qs = Place.objects.filter(pk__in=place_ids)
    qs.filter(Exists(items), ~Exists(unmet)).exclude(meets_standard=True).update(
        meets_standard=True
    )
    qs.filter(~Exists(items) | Exists(unmet)).exclude(meets_standard=False).update(
        meets_standard=False
    )


def refresh_kind(kind: PlaceKind) -> None:
    refresh_standard(Place.objects.filter(kind=kind).values_list("pk", flat=True))


def place_check(*, user, place: Place, results: dict, checked_on: date, notes=None) -> Place:
    """Record a check of the place against its kind's standard: for each active item whether
    it is met. Items not in ``results`` keep their last state."""
    _require(user, "places.check_place")
    if not may(user, "change", place):
        raise PermissionDenied
    notes = notes or {}
    errors: dict = {}
    today = timezone.localdate()
    if not isinstance(checked_on, date):
        errors["checked_on"] = _("请填写核查日期。")
    elif checked_on > today:
        errors["checked_on"] = _("核查日期不能晚于今天。")
    elif checked_on.year < 2000:
        errors["checked_on"] = _("核查日期不能早于 2000 年。")
    items = {i.pk: i for i in StandardItem.objects.filter(kind=place.kind_id, is_active=True)}
    if not items:
        errors["__all__"] = _("该类型尚未设置建设标准，请先由系统管理员在“阵地类型与标准”中设置。")
    if any(pk not in items for pk in results):
        errors["__all__"] = _("标准项已被修改，请刷新页面后重新核查。")
    for pk, note in notes.items():
        if len(note or "") > 200:
            errors[f"note_{pk}"] = _("说明不能超过 200 个字。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        before = {"meets_standard": place.meets_standard}
        for pk, met in results.items():
            PlaceCheck.objects.update_or_create(
                place=place,
                item_id=pk,
                defaults={
                    "met": bool(met),
                    "checked_on": checked_on,
                    "checked_by": user,
                    "note": (notes.get(pk) or "").strip(),
                },
            )
        if place.last_checked_on is None or checked_on > place.last_checked_on:
            place.last_checked_on = checked_on
            place.save(update_fields=["last_checked_on", "updated_at"])
        refresh_standard([place.pk])
        place.refresh_from_db()
        audit.record_change(
            user,
            place,
            "place_check",
            before=before,
            after={"meets_standard": place.meets_standard},
            checked_on=checked_on.isoformat(),
            items={str(items[pk].label): bool(met) for pk, met in results.items()},
        )
    return place


def activity_add(
    *, user, place: Place, kind, held_on, title, attendance=0, note=""
) -> PlaceActivity:
    _require(user, "places.add_placeactivity")
    if not may(user, "change", place):
        raise PermissionDenied
    errors: dict = {}
    if kind not in choices.ActivityKind.values:
        errors["kind"] = _("请选择活动类型。")
    if not isinstance(held_on, date):
        errors["held_on"] = _("请填写活动日期。")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("活动日期不能晚于今天（计划中的活动请在开展后登记）。")
    elif held_on.year < 2000:
        errors["held_on"] = _("活动日期不能早于 2000 年。")
    title = _text(errors, "title", title, limit=TITLE_MAX, required=True, label=_("主题"))
    note = _text(errors, "note", note, limit=NOTE_MAX, label=_("说明"))
    if not isinstance(attendance, int) or attendance < 0 or attendance > ATTENDANCE_MAX:
        errors["attendance"] = _("参加人数须为 0 到 %(n)d 之间的整数。") % {"n": ATTENDANCE_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity = PlaceActivity.objects.create(
            place=place,
            kind=kind,
            held_on=held_on,
            title=title,
            attendance=attendance,
            note=note,
            recorded_by=user,
        )
        audit.record_change(
            user,
            place,
            "place_activity",
            after=audit.snapshot(activity),
            activity=activity.pk,
        )
    return activity


# --- kinds and their standards (a sysadmin's configuration) ------------------------------------


def kind_update(
    *, user, kind: PlaceKind, name, description="", confidential=False, is_active=True, items=()
) -> PlaceKind:
    _require(user, "places.change_placekind")
    errors: dict = {}
    name = _text(errors, "name", name, limit=50, required=True, label=_("名称"))
    description = _text(errors, "description", description, limit=200, label=_("说明"))
    if name and PlaceKind.objects.filter(name=name).exclude(pk=kind.pk).exists():
        errors["name"] = _("已有同名的阵地类型。")
    labels = []
    for raw in items:
        label = (raw or "").strip()
        if not label:
            continue
        if len(label) > ITEM_MAX:
            errors["items"] = _("每个标准项不能超过 %(n)d 个字。") % {"n": ITEM_MAX}
        elif label in labels:
            errors["items"] = _("标准项“%(label)s”重复。") % {"label": label}
        labels.append(label)
    if not labels:
        errors["items"] = _("请至少填写一个标准项（每行一项）。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        kind = PlaceKind.objects.select_for_update().get(pk=kind.pk)
        before = audit.snapshot(kind)
        before_items = list(kind.items.filter(is_active=True).values_list("label", flat=True))
        kind.name, kind.description = name, description
        kind.confidential, kind.is_active = bool(confidential), bool(is_active)
        kind.save(update_fields=["name", "description", "confidential", "is_active"])
        existing = {i.label: i for i in kind.items.all()}
        for order, label in enumerate(labels, start=1):
            item = existing.pop(label, None)
            if item is None:
                StandardItem.objects.create(kind=kind, label=label, order=order)
            elif item.order != order or not item.is_active:
                item.order, item.is_active = order, True
                item.save(update_fields=["order", "is_active"])
        for item in existing.values():
            if item.is_active:
                item.is_active = False
                item.save(update_fields=["is_active"])
        if kind.confidential:
            # A kind that has become confidential takes its places off the public list.
            Place.objects.filter(kind=kind, is_public=True).update(is_public=False)
        refresh_kind(kind)
        audit.record_change(
            user,
            kind,
            "update",
            before={**before, "items": before_items},
            after={**audit.snapshot(kind), "items": labels},
        )
    return kind


def shelters_for(user):
    return Shelter.objects.restrict(user, "view").filter(is_active=True)
