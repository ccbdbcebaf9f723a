"""Key-focus tag types (data) and tags on persons: add, review, edit, end.

A tag's unit and sensitivity are its person's. Its responsible worker gets a view share on the
person, so she can follow a person she would not otherwise see (a sensitive record, or one in
another unit); changing or ending the tag takes that share back.
"""

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jinguo.core import audit
from jinguo.core.sharing import share_grant, share_revoke

from ..models import FocusTagType, Person, PersonTag
from ..selectors.common import assignable_workers, can, require_permission, visible
from ..selectors.persons import visible_persons
from .derived import person_refresh_sensitivity

# code, name, review days, sensitive, description
DEFAULT_TAG_TYPES = [
    ("left_behind_woman", _("留守妇女"), 90, False, _("配偶长期外出务工、留在户籍地生活的妇女")),
    (
        "left_behind_child",
        _("留守儿童"),
        30,
        True,
        _("父母双方外出务工或一方外出另一方无监护能力的未成年人"),
    ),
    ("floating_woman", _("流动妇女"), 90, False, _("离开户籍地居住半年以上的妇女")),
    (
        "child_in_difficulty",
        _("困境儿童"),
        30,
        True,
        _("孤儿、事实无人抚养儿童及因贫困、残疾等陷入困境的儿童"),
    ),
    ("single_mother", _("单亲母亲"), 90, False, _("独自抚养未成年子女的母亲")),
    ("poor_mother", _("贫困母亲"), 90, False, _("纳入低保、特困或防止返贫监测的母亲")),
    ("disabled_woman", _("残疾妇女"), 90, False, _("持有残疾人证的妇女")),
    ("two_cancers", _("两癌患病妇女"), 60, True, _("患宫颈癌、乳腺癌的妇女")),
    ("dv_victim", _("家庭暴力受害人"), 7, True, _("遭受或正在遭受家庭暴力的人员，须重点跟进回访")),
    ("landless_unemployed", _("失业失地妇女"), 90, False, _("失去工作或失去承包土地的妇女")),
    ("elderly_alone", _("独居高龄妇女"), 30, False, _("80 岁以上独自居住的妇女")),
]


def ensure_default_tag_types(*, using: str = "default") -> int:
    created = 0
    with transaction.atomic(using=using):
        for sort, (code, name, days, sensitive, description) in enumerate(DEFAULT_TAG_TYPES):
            _obj, was_created = FocusTagType.objects.using(using).get_or_create(
                code=code,
                defaults={
                    "name": str(name),
                    "review_days": days,
                    "sensitive": sensitive,
                    "description": str(description),
                    "is_builtin": True,
                    "sort": sort * 10,
                },
            )
            created += was_created
    return created


MAX_REVIEW_DAYS = 3650
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
REASON_MAX = PersonTag._meta.get_field("reason").max_length


def _review_days_error(days) -> str | None:
    if not isinstance(days, int) or not 1 <= days <= MAX_REVIEW_DAYS:
        return gettext("复核周期须为 1 至 %(n)d 天。") % {"n": MAX_REVIEW_DAYS}
    return None


def _refresh_holders(tag_type: FocusTagType) -> None:
    """A type's sensitivity changed: recompute every person holding it."""
    person_ids = PersonTag.objects.filter(tag_type=tag_type, ended_on__isnull=True).values(
        "person_id"
    )
    for person in Person.objects.filter(pk__in=person_ids):
        person_refresh_sensitivity(person)


def tagtype_create(
    *,
    user,
    code: str,
    name: str,
    review_days: int = 90,
    sensitive: bool = False,
    description: str = "",
    sort: int = 100,
) -> FocusTagType:
    require_permission(user, "add", FocusTagType)
    code, name, description = (
        (code or "").strip(),
        (name or "").strip(),
        (description or "").strip(),
    )
    errors: dict[str, str] = {}
    if not CODE_RE.match(code):
        errors["code"] = gettext("代码须以小写英文字母开头，只含小写字母、数字和下划线，2–40 位。")
    elif FocusTagType.objects.filter(code=code).exists():
        errors["code"] = gettext("代码“%(code)s”已被使用。") % {"code": code}
    if not name:
        errors["name"] = gettext("请填写名称。")
    elif FocusTagType.objects.filter(name=name).exists():
        errors["name"] = gettext("名称“%(name)s”已被使用。") % {"name": name}
    if msg := _review_days_error(review_days):
        errors["review_days"] = msg
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        tag_type = FocusTagType(
            code=code,
            name=name,
            description=description,
            review_days=review_days,
            sensitive=bool(sensitive),
            sort=sort,
            is_builtin=False,
        )
        try:
            with transaction.atomic():
                tag_type.save(force_insert=True)
        except IntegrityError as exc:
            raise ValidationError(gettext("代码或名称已被使用。")) from exc
        audit.record_change(user, tag_type, "create", after=audit.snapshot(tag_type))
    return tag_type


def tagtype_update(
    *,
    user,
    tag_type: FocusTagType,
    name: str,
    review_days: int,
    sensitive: bool,
    description: str = "",
    sort: int = 100,
    is_active: bool = True,
) -> FocusTagType:
    """Edit a type; its code never changes and a shipped sensitive type stays sensitive."""
    require_permission(user, "change", FocusTagType)
    name, description = (name or "").strip(), (description or "").strip()
    with transaction.atomic():
        locked = FocusTagType.objects.select_for_update().get(pk=tag_type.pk)
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = gettext("请填写名称。")
        elif FocusTagType.objects.filter(name=name).exclude(pk=locked.pk).exists():
            errors["name"] = gettext("名称“%(name)s”已被使用。") % {"name": name}
        if msg := _review_days_error(review_days):
            errors["review_days"] = msg
        if locked.is_builtin and locked.sensitive and not sensitive:
            errors["sensitive"] = gettext("系统内置的敏感标签类型不能取消敏感标记。")
        if errors:
            raise ValidationError(errors)
        values = {
            "name": name,
            "description": description,
            "review_days": review_days,
            "sensitive": bool(sensitive),
            "sort": sort,
            "is_active": bool(is_active),
        }
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        before = audit.snapshot(locked)
        for field, value in values.items():
            setattr(locked, field, value)
        locked.save(update_fields=changed)
        if "sensitive" in changed:
            _refresh_holders(locked)
        audit.record_change(user, locked, "update", before=before, after=audit.snapshot(locked))
    return locked


def tagtype_deactivate(*, user, tag_type: FocusTagType) -> FocusTagType:
    """Stop offering a type for new tags; tags already given keep it."""
    require_permission(user, "change", FocusTagType)
    with transaction.atomic():
        locked = FocusTagType.objects.select_for_update().get(pk=tag_type.pk)
        if not locked.is_active:
            return locked
        before = audit.snapshot(locked)
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit.record_change(user, locked, "deactivate", before=before, after=audit.snapshot(locked))
    return locked


def tagtype_delete(*, user, tag_type: FocusTagType) -> None:
    """Delete a type a federation added by mistake; shipped or used types can only be disabled."""
    require_permission(user, "delete", FocusTagType)
    with transaction.atomic():
        locked = FocusTagType.objects.select_for_update().get(pk=tag_type.pk)
        if locked.is_builtin:
            raise ValidationError(gettext("系统内置的标签类型不能删除，可以停用。"))
        if PersonTag.objects.filter(tag_type=locked).exists():
            raise ValidationError(gettext("已有人员使用该标签类型，不能删除，可以停用。"))
        before = audit.snapshot(locked)
        audit.record_change(user, locked, "delete", before=before)
        locked.delete()


# --- tags on persons ------------------------------------------------------------------------


def responsible_share_reason(tag: PersonTag) -> str:
    # Stored, and matched when revoking: a fixed text, never translated.
    return f"关注标签责任人 #{tag.pk}"


def _grant_responsible(user, tag: PersonTag) -> None:
    if tag.responsible_id:
        share_grant(
            obj=tag.person,
            user=tag.responsible,
            actions=("view",),
            reason=responsible_share_reason(tag),
            granted_by=user,
        )


def _revoke_responsible(user, tag: PersonTag, responsible, why: str) -> None:
    if responsible is not None:
        share_revoke(
            obj=tag.person,
            user=responsible,
            reason=why,
            revoked_by=user,
            grant_reason=responsible_share_reason(tag),
        )


def _responsible_error(user, responsible) -> str | None:
    if responsible is None:
        return None
    if not assignable_workers(user).filter(pk=responsible.pk).exists():
        return gettext("责任人不存在、已停用或不在您的管辖范围内。")
    return None


def _duplicate_message(tag_type: FocusTagType) -> str:
    return gettext("该人员已有一个有效的“%(name)s”标签；请复核或先解除原标签。") % {
        "name": tag_type.name
    }


def tag_add(
    *,
    user,
    person: Person,
    tag_type: FocusTagType,
    reason: str = "",
    since: date | None = None,
    responsible=None,
    review_days: int | None = None,
) -> PersonTag:
    """Put a person under key focus; the first review falls ``review_days`` after today."""
    require_permission(user, "add", PersonTag)
    today = timezone.localdate()
    since = since or today
    reason = (reason or "").strip()
    review_days = review_days or (tag_type.review_days if tag_type else None)
    errors: dict[str, str] = {}
    if tag_type is None or not tag_type.is_active:
        errors["tag_type"] = gettext("请选择一个启用的关注类型。")
    if since > today:
        errors["since"] = gettext("关注起始日期不能晚于今天。")
    if len(reason) > REASON_MAX:
        errors["reason"] = gettext("关注原因不能超过 %(n)d 个字。") % {"n": REASON_MAX}
    if msg := _review_days_error(review_days):
        errors["review_days"] = msg
    if msg := _responsible_error(user, responsible):
        errors["responsible"] = msg
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = (
            visible_persons(user).select_for_update().filter(pk=getattr(person, "pk", None)).first()
        )
        if person is None:
            raise ValidationError({"person": gettext("该人员不存在或不在您的管辖范围内。")})
        if PersonTag.objects.filter(
            person=person, tag_type=tag_type, ended_on__isnull=True
        ).exists():
            raise ValidationError({"tag_type": _duplicate_message(tag_type)})
        tag = PersonTag(
            person=person,
            org=person.org,
            tag_type=tag_type,
            since=since,
            reason=reason,
            responsible=responsible,
            review_days=review_days,
            next_review_on=max(since, today) + timedelta(days=review_days),
            is_sensitive=person.is_sensitive,
        )
        try:
            with transaction.atomic():
                tag.save(force_insert=True)
        except IntegrityError as exc:
            # Two workers tagged her at the same moment: the constraint keeps one.
            raise ValidationError({"tag_type": _duplicate_message(tag_type)}) from exc
        person_refresh_sensitivity(person)
        tag.refresh_from_db(fields=["is_sensitive"])
        _grant_responsible(user, tag)
        audit.record_change(user, tag, "create", after=audit.snapshot(tag))
    return tag


def _locked_tag(user, tag: PersonTag, *, allow_responsible: bool = False) -> PersonTag:
    """The tag, locked, if the actor may change it (its responsible worker may review it)."""
    if user is not None and allow_responsible and tag.responsible_id == user.pk:
        qs = visible(PersonTag, user, "view")
    else:
        require_permission(user, "change", PersonTag)
        qs = visible(PersonTag, user, "change")
    locked = qs.select_for_update().filter(pk=tag.pk).first()
    if locked is None:
        raise ValidationError(gettext("该标签不存在或不在您的管辖范围内。"))
    if locked.ended_on is not None:
        raise ValidationError(gettext("该标签已解除，不能再修改。"))
    return locked


def tag_review(
    *, user, tag: PersonTag, reviewed_on: date | None = None, note: str = ""
) -> PersonTag:
    """Record a review (its responsible worker may too); the next one is a cycle later."""
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    with transaction.atomic():
        locked = _locked_tag(user, tag, allow_responsible=True)
        if reviewed_on > today:
            raise ValidationError({"reviewed_on": gettext("复核日期不能晚于今天。")})
        if reviewed_on < locked.since:
            raise ValidationError({"reviewed_on": gettext("复核日期不能早于关注起始日期。")})
        before = audit.snapshot(locked)
        locked.last_reviewed_on = reviewed_on
        locked.next_review_on = reviewed_on + timedelta(days=locked.review_days)
        locked.save(update_fields=["last_reviewed_on", "next_review_on"])
        audit.record_change(
            user,
            locked,
            "update",
            before=before,
            after=audit.snapshot(locked),
            step="review",
            note=(note or "").strip()[:500],
        )
    return locked


def tag_update(
    *,
    user,
    tag: PersonTag,
    reason: str = "",
    responsible=None,
    review_days: int,
) -> PersonTag:
    """Edit reason, responsible worker and cycle; a new cycle moves the next review with it."""
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if len(reason) > REASON_MAX:
        errors["reason"] = gettext("关注原因不能超过 %(n)d 个字。") % {"n": REASON_MAX}
    if msg := _review_days_error(review_days):
        errors["review_days"] = msg
    with transaction.atomic():
        locked = _locked_tag(user, tag)
        moved = responsible is not None and responsible.pk != locked.responsible_id
        if moved and (msg := _responsible_error(user, responsible)):
            errors["responsible"] = msg
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(locked)
        old_responsible = locked.responsible
        changed = []
        if locked.reason != reason:
            locked.reason = reason
            changed.append("reason")
        if locked.responsible_id != getattr(responsible, "pk", None):
            locked.responsible = responsible
            changed.append("responsible")
        if locked.review_days != review_days:
            locked.next_review_on += timedelta(days=review_days - locked.review_days)
            locked.review_days = review_days
            changed += ["review_days", "next_review_on"]
        if not changed:
            return locked
        locked.save(update_fields=changed)
        if "responsible" in changed:
            _revoke_responsible(user, locked, old_responsible, "更换关注标签责任人")
            _grant_responsible(user, locked)
        audit.record_change(user, locked, "update", before=before, after=audit.snapshot(locked))
    return locked


def tag_end(*, user, tag: PersonTag, reason: str, ended_on: date | None = None) -> PersonTag:
    """End the focus (the person no longer needs it); the history stays."""
    today = timezone.localdate()
    ended_on = ended_on or today
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = gettext("请填写解除原因。")
    elif len(reason) > REASON_MAX:
        errors["reason"] = gettext("解除原因不能超过 %(n)d 个字。") % {"n": REASON_MAX}
    if ended_on > today:
        errors["ended_on"] = gettext("解除日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_tag(user, tag)
        if ended_on < locked.since:
            raise ValidationError({"ended_on": gettext("解除日期不能早于关注起始日期。")})
        before = audit.snapshot(locked)
        locked.ended_on = ended_on
        locked.ended_reason = reason
        locked.save(update_fields=["ended_on", "ended_reason"])
        person_refresh_sensitivity(locked.person)
        _revoke_responsible(user, locked, locked.responsible, "关注标签已解除")
        locked.refresh_from_db(fields=["is_sensitive"])
        audit.record_change(user, locked, "update", before=before, after=audit.snapshot(locked))
    return locked


def can_review(user, tag: PersonTag) -> bool:
    return tag.ended_on is None and (
        can(user, "change", PersonTag) or (user is not None and tag.responsible_id == user.pk)
    )
