"""Login security: failures and lockout, sign-in and sign-out events, API tokens."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from jinguo.core import context

from ..choices import LockScope, LoginChannel, LogoutReason, SecurityAction
from ..models import LoginFailure, User
from ..selectors.login import (
    account_failures,
    address_failures,
    address_throttle_seconds,
    lockout_window,
    normalise_username,
    throttle_window,
)
from .common import security_event


@transaction.atomic
def login_failure_record(
    *,
    username: str,
    ip: str | None,
    channel: str = LoginChannel.WEB,
    second_factor: bool = False,
):
    """Count a failed attempt (a wrong password, or a wrong code after a right password).

    Writes login_failed; lockout when this failure locks the name on this address; and
    address_throttle when it makes the address fail at the rate of someone trying names.
    The username is recorded as typed (never the password or code); the account, if one has
    that name, becomes the event's object so that its page lists the attempts.
    """
    typed = (username or "")[:150]
    name = normalise_username(username)
    now = timezone.now()
    throttled_before = address_throttle_seconds(ip) > 0
    LoginFailure.objects.create(username=name, ip=ip, at=now)
    account = User.objects.filter(username=typed).first() if typed else None
    detail = {"channel": str(channel)}
    if second_factor:
        detail["step"] = "second_factor"
    security_event(
        actor=None, action=SecurityAction.LOGIN_FAILED, target=account, username=typed, **detail
    )
    if name and account_failures(username=name, ip=ip).count() == settings.JINGUO_LOCKOUT_FAILURES:
        security_event(
            actor=None,
            action=SecurityAction.LOCKOUT,
            target=account,
            username=typed,
            scope=LockScope.ACCOUNT,
            minutes=settings.JINGUO_LOCKOUT_MINUTES,
        )
    if not throttled_before and address_throttle_seconds(ip) > 0:
        seen = address_failures(ip)
        security_event(
            actor=None,
            action=SecurityAction.ADDRESS_THROTTLE,
            username=typed,
            scope=LockScope.ADDRESS,
            failures=seen.failures,
            accounts=seen.accounts,
            minutes=settings.JINGUO_ADDRESS_THROTTLE_MINUTES,
        )
    # Failures older than a day (or than the longest window) no longer count for anything.
    keep = max(lockout_window(), throttle_window(), timedelta(days=1))
    LoginFailure.objects.filter(at__lt=now - keep).delete()


@transaction.atomic
def login_success_record(
    *, user: User, channel: str = LoginChannel.WEB, ip: str | None = None, **detail
) -> None:
    """A completed login clears the failures of this name from this address only: a lock that
    someone else earned for the name elsewhere stays until it runs out."""
    condition = Q(ip=ip) if ip else Q(ip__isnull=True)
    LoginFailure.objects.filter(condition, username=normalise_username(user.username)).delete()
    security_event(actor=user, action=SecurityAction.LOGIN, channel=str(channel), **detail)


def logout_record(*, user: User | None, reason: str = LogoutReason.USER) -> None:
    if user is None or not user.is_authenticated:
        return
    security_event(actor=user, action=SecurityAction.LOGOUT, reason=str(reason))


def token_issue(*, user: User) -> Token:
    """An API token for a user whose password has just been checked; PermissionDenied (with
    the reason in Chinese) while her initial password is still to be changed."""
    if not user.is_active:
        raise PermissionDenied
    if user.must_change_password:
        # Written in its own transaction: the refusal is recorded although nothing is issued.
        security_event(
            actor=user, action=SecurityAction.TOKEN_REFUSED, reason="must_change_password"
        )
        raise PermissionDenied(_("请先登录网页修改初始密码，再申请接口令牌。"))
    with transaction.atomic():
        token, _created = Token.objects.get_or_create(user=user)
        login_success_record(user=user, channel=LoginChannel.API, ip=context.current().ip)
    return token
