"""Login security: failures and lockout, sign-in and sign-out events, API tokens."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from ..choices import LoginChannel, LogoutReason, SecurityAction
from ..models import LoginFailure, User
from ..selectors import lockout_window, normalise_username
from .common import security_event


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None, channel: str = LoginChannel.WEB):
    """Count a failed attempt; write login_failed, and lockout when this one reaches the limit.

    The username is recorded as typed (never the password); the account, if one has that
    name, becomes the event's object so that its page lists the attempts.
    """
    typed = (username or "")[:150]
    name = normalise_username(username)
    now = timezone.now()
    LoginFailure.objects.create(username=name, ip=ip, at=now)
    account = User.objects.filter(username=typed).first() if typed else None
    security_event(
        actor=None,
        action=SecurityAction.LOGIN_FAILED,
        target=account,
        username=typed,
        channel=str(channel),
    )
    limit = settings.JINGUO_LOCKOUT_FAILURES
    recent = LoginFailure.objects.filter(at__gt=now - lockout_window())
    scopes = [("username", Q(username=name))] if name else []
    if ip:
        scopes.append(("ip", Q(ip=ip)))
    for scope, condition in scopes:
        if recent.filter(condition).count() == limit:
            security_event(
                actor=None,
                action=SecurityAction.LOCKOUT,
                target=account if scope == "username" else None,
                username=typed,
                scope=scope,
                minutes=settings.JINGUO_LOCKOUT_MINUTES,
            )
    # Failures older than a day no longer count for anything.
    LoginFailure.objects.filter(at__lt=now - max(lockout_window(), timedelta(days=1))).delete()


@transaction.atomic
def login_success_record(*, user: User, channel: str = LoginChannel.WEB) -> None:
    LoginFailure.objects.filter(username=normalise_username(user.username)).delete()
    security_event(actor=user, action=SecurityAction.LOGIN, channel=str(channel))


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
        login_success_record(user=user, channel=LoginChannel.API)
    return token
