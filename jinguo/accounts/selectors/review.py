"""Accounts the user administrator should look at: locked ones and those to review.

Everything is read through User.objects.restrict(admin, "view"), so an administrator of a
district sees her district's accounts only.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import LoginFailure, Role, TOTPDevice, User
from .login import lockout_window, normalise_username

DORMANT_DAYS = 90
PASSWORD_GRACE_DAYS = 7

# name → (label, hint): the review lists, in the order the panel shows them.
REVIEWS = {
    "locked": (_("被锁定的账号"), _("连续输错密码，正在锁定中")),
    "no_second_factor": (_("尚未启用双因素认证"), _("其角色要求双因素认证")),
    "dormant": (_("长期未登录"), _("启用中但 %(n)d 天以上未登录") % {"n": DORMANT_DAYS}),
    "pending_password": (_("超过 7 天未改初始密码"), _("临时密码应尽快修改")),
    "no_role": (_("没有任何角色"), _("能登录但什么也做不了")),
}


def locked_usernames(now=None) -> set[str]:
    """Usernames locked right now on at least one address."""
    now = now or timezone.now()
    rows = (
        LoginFailure.objects.filter(at__gt=now - lockout_window())
        .values("username", "ip")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.JINGUO_LOCKOUT_FAILURES)
        .values_list("username", flat=True)
    )
    return {normalise_username(name) for name in rows}


def review_queryset(admin, name: str, now=None) -> QuerySet:
    now = now or timezone.now()
    users = User.objects.restrict(admin, "view")
    active = users.filter(is_active=True)
    if name == "locked":
        names = locked_usernames(now)
        return users.filter(username__in=names) if names else users.none()
    if name == "dormant":
        cutoff = now - timedelta(days=DORMANT_DAYS)
        return active.filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )
    if name == "pending_password":
        return active.filter(
            must_change_password=True, date_joined__lt=now - timedelta(days=PASSWORD_GRACE_DAYS)
        )
    if name == "no_role":
        return active.filter(roles__isnull=True)
    if name == "no_second_factor":
        if not settings.JINGUO_TWO_FACTOR_ENFORCED:
            return users.none()
        required = Role.objects.filter(users=OuterRef("pk"), requires_two_factor=True)
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return active.filter(Exists(required)).exclude(Exists(enrolled))
    return users.none()


def review_counts(admin) -> dict[str, int]:
    now = timezone.now()
    return {name: review_queryset(admin, name, now).distinct().count() for name in REVIEWS}
