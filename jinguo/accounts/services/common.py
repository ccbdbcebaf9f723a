"""Helpers shared by the accounts services."""

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from jinguo.core import audit

from ..models import User
from ..roles import INCOMPATIBLE_PERMISSIONS
from ..selectors import permission_labels


def require(actor: User, *perms: str) -> None:
    if not actor.has_perms(perms):
        raise PermissionDenied


def security_event(
    *, actor, action: str, target=None, before=None, after=None, username=None, **detail
):
    return audit.record_security(
        actor, action=action, username=username, obj=target, before=before, after=after, **detail
    )


def perm_names(perms: Iterable[Permission]) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in perms}


def revoke_tokens(user: User) -> int:
    deleted, _detail = Token.objects.filter(user=user).delete()
    return deleted


def separation_errors(names: set[str]) -> list[str]:
    errors = []
    for first, second in INCOMPATIBLE_PERMISSIONS:
        if first in names and second in names:
            a, b = permission_labels([first, second])
            errors.append(
                _("三权分立：“%(a)s”与“%(b)s”不能由同一账号或同一角色同时持有。") % {"a": a, "b": b}
            )
    return errors
