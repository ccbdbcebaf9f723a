"""Granting and revoking explicit shares of one record (core.Share), audited.

A share lets a user, or every user of a unit, act on one record outside her role scope:
restrict() adds shared records for the shared action. Assignments, referrals, transfers and
emergency access all go through these two functions; the caller checks that the actor may
share (these functions only validate the grant itself). Both tell restrict() that its memo of
who holds which share is stale (``scoping.grants_changed``).

Each grant keeps its own rows and its own ``reason``. A workflow that must later undo exactly
its own grant (ending one assignment while another still justifies access) passes the same
text as ``grant_reason`` to ``share_revoke``; without it every active share of the object for
that grantee is revoked.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import Share
from .scoping import grants_changed

REASON_MAX_LENGTH = Share._meta.get_field("reason").max_length
ACTION_MAX_LENGTH = Share._meta.get_field("action").max_length


def _content_type(obj: models.Model) -> ContentType:
    # Proxy models share their concrete model's rows; restrict() asks for the concrete type.
    return ContentType.objects.get_for_model(obj, for_concrete_model=False)


def _grantee_errors(user, unit) -> list[str]:
    if (user is None) == (unit is None):
        return [_("共享对象须为一个用户或一个单位（只能选其一）。")]
    if user is not None and not user.is_active:
        return [_("该用户已停用，不能共享给他。")]
    return []


def _active(obj: models.Model, *, user=None, unit=None):
    now = timezone.now()
    grantee = Q(user=user) if user is not None else Q(unit=unit)
    return Share.objects.filter(
        grantee,
        content_type=_content_type(obj),
        object_id=obj.pk,
        revoked_at__isnull=True,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def _grant_detail(shares: list[Share], *, user, unit, reason: str, expires_at) -> dict:
    return {
        "share_ids": [s.pk for s in shares],
        "grantee_user_id": user.pk if user is not None else None,
        "grantee_unit_id": unit.pk if unit is not None else None,
        "actions": [s.action for s in shares],
        "reason": reason,
        "expires_at": expires_at,
    }


def share_grant(
    *,
    obj: models.Model,
    user=None,
    unit=None,
    actions: Iterable[str] = ("view",),
    reason: str,
    granted_by,
    expires_at: datetime | None = None,
) -> list[Share]:
    """Share ``obj`` with one user or one unit for each of ``actions``; one row per action."""
    reason = (reason or "").strip()
    actions = list(dict.fromkeys(a.strip() for a in actions if a and a.strip()))
    errors = _grantee_errors(user, unit)
    if obj is None or obj.pk is None:
        errors.append(_("要共享的记录不存在。"))
    if not actions:
        errors.append(_("请至少选择一项允许的操作。"))
    elif any(len(a) > ACTION_MAX_LENGTH for a in actions):
        errors.append(_("操作名称过长。"))
    if not reason:
        errors.append(_("请填写共享原因。"))
    elif len(reason) > REASON_MAX_LENGTH:
        errors.append(_("共享原因不能超过 %(n)d 个字。") % {"n": REASON_MAX_LENGTH})
    if expires_at is not None and expires_at <= timezone.now():
        errors.append(_("到期时间须晚于当前时间。"))
    if errors:
        raise ValidationError(errors)
    content_type = _content_type(obj)
    now = timezone.now()
    with transaction.atomic():
        shares = [
            Share(
                content_type=content_type,
                object_id=obj.pk,
                user=user,
                unit=unit,
                action=action,
                reason=reason,
                granted_by=granted_by,
                granted_at=now,
                expires_at=expires_at,
            )
            for action in actions
        ]
        for share in shares:
            share.save(force_insert=True)
        grants_changed()
        audit.record_change(
            granted_by,
            obj,
            "share",
            after=_grant_detail(shares, user=user, unit=unit, reason=reason, expires_at=expires_at),
        )
    return shares


def share_revoke(
    *,
    obj: models.Model,
    user=None,
    unit=None,
    reason: str,
    revoked_by,
    actions: Iterable[str] | None = None,
    grant_reason: str | None = None,
) -> int:
    """End the active shares of ``obj`` with that user or unit; returns how many were revoked.

    ``actions`` limits the revocation to those actions; ``grant_reason`` to the rows granted
    with exactly that reason. Nothing to revoke is not an error (the result is 0, no audit row).
    """
    reason = (reason or "").strip()
    errors = []
    # An inactive user's shares must still be revocable, so only the grantee's form is checked.
    if (user is None) == (unit is None):
        errors.append(_("共享对象须为一个用户或一个单位（只能选其一）。"))
    if not reason:
        errors.append(_("请填写撤销原因。"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rows = _active(obj, user=user, unit=unit)
        if actions is not None:
            rows = rows.filter(action__in=list(actions))
        if grant_reason is not None:
            rows = rows.filter(reason=grant_reason)
        ids = list(rows.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        Share.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
        grants_changed()
        audit.record_change(
            revoked_by,
            obj,
            "unshare",
            before={
                "share_ids": ids,
                "grantee_user_id": user.pk if user is not None else None,
                "grantee_unit_id": unit.pk if unit is not None else None,
            },
            reason=reason[:REASON_MAX_LENGTH],
        )
    return len(ids)


def shares_of(obj: models.Model, *, active_only: bool = True):
    """The shares of one record (for its page: who else can see it, and why)."""
    rows = Share.objects.filter(content_type=_content_type(obj), object_id=obj.pk)
    if active_only:
        rows = rows.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
    return rows.select_related("user", "unit", "granted_by").order_by("-granted_at")
