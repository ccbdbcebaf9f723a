"""Reads of login security: locks and throttles on failed logins, and the second factor."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..choices import LockScope, LoginStep
from ..models import LoginFailure, RecoveryCode, TOTPDevice, User

# --- login security -----------------------------------------------------------------------


def normalise_username(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def lockout_window() -> timedelta:
    return timedelta(minutes=settings.JINGUO_LOCKOUT_MINUTES)


def throttle_window() -> timedelta:
    return timedelta(minutes=settings.JINGUO_ADDRESS_THROTTLE_MINUTES)


def account_failures(*, username: str | None, ip: str | None) -> QuerySet[LoginFailure]:
    """Recent failures of this username from this address: what locks an account."""
    condition = Q(ip=ip) if ip else Q(ip__isnull=True)
    return LoginFailure.objects.filter(
        condition, username=normalise_username(username), at__gt=timezone.now() - lockout_window()
    )


def _seconds_until(moment) -> int:
    return max(0, math.ceil((moment - timezone.now()).total_seconds()))


def account_lock_seconds(*, username: str | None, ip: str | None) -> int:
    """Seconds before this username may try again from this address; 0 when it may now.

    JINGUO_LOCKOUT_FAILURES failures of one name from one address within the window lock that
    name on that address only: a colleague behind the same address, or the same person at
    another desk, is not affected. The lock lasts the window from the failure that reached the
    limit (refused attempts are not counted)."""
    if not normalise_username(username):
        return 0
    limit = settings.JINGUO_LOCKOUT_FAILURES
    times = list(
        account_failures(username=username, ip=ip)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(times) < limit:
        return 0
    return _seconds_until(times[0] + lockout_window())


@dataclass(frozen=True)
class AddressFailures:
    failures: int
    accounts: int


def address_failures(ip: str | None) -> AddressFailures:
    if not ip:
        return AddressFailures(0, 0)
    recent = LoginFailure.objects.filter(ip=ip, at__gt=timezone.now() - throttle_window())
    counts = recent.aggregate(failures=Count("id"), accounts=Count("username", distinct=True))
    return AddressFailures(counts["failures"], counts["accounts"])


def address_throttle_seconds(ip: str | None) -> int:
    """Seconds before any login may be tried again from this address; 0 when it may now.

    An address is throttled only when it fails at a rate no office reaches by mistyping:
    JINGUO_ADDRESS_THROTTLE_FAILURES failures over at least JINGUO_ADDRESS_THROTTLE_ACCOUNTS
    different usernames within JINGUO_ADDRESS_THROTTLE_MINUTES (someone trying names). It
    lifts when the failures in the window fall below the limit again."""
    limit = settings.JINGUO_ADDRESS_THROTTLE_FAILURES
    seen = address_failures(ip)
    if seen.failures < limit or seen.accounts < settings.JINGUO_ADDRESS_THROTTLE_ACCOUNTS:
        return 0
    times = list(
        LoginFailure.objects.filter(ip=ip, at__gt=timezone.now() - throttle_window())
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    return _seconds_until(times[-1] + throttle_window())


@dataclass(frozen=True)
class LoginRefusal:
    """Why a login is refused before any password or code is checked, and for how long.

    The message names the reason and the time to try again, and reads the same whether or not
    the username exists (unknown names are counted and locked like real ones)."""

    scope: str
    seconds: int

    @property
    def until(self):
        return timezone.localtime(timezone.now() + timedelta(seconds=self.seconds))

    @property
    def message(self) -> str:
        from django.utils.translation import gettext

        values = {
            "minutes": max(1, math.ceil(self.seconds / 60)),
            "until": self.until.strftime("%H:%M"),
        }
        if self.scope == LockScope.ADDRESS:
            return (
                gettext(
                    "登录失败次数过多：当前网络地址在短时间内用多个用户名登录失败，已暂时限制从该地址登录。"
                    "请 %(minutes)d 分钟后再试（约 %(until)s 解除）；如非本人操作，请告知系统管理员。"
                )
                % values
            )
        return (
            gettext(
                "登录失败次数过多：该用户名在当前网络地址连续登录失败，已暂时锁定。"
                "请 %(minutes)d 分钟后再试（约 %(until)s 解除）；忘记密码请联系本单位系统管理员重置。"
            )
            % values
        )


def login_refusal(*, username: str | None, ip: str | None) -> LoginRefusal | None:
    """The lock or throttle that refuses this username from this address now, if any."""
    found = [
        LoginRefusal(LockScope.ADDRESS, address_throttle_seconds(ip)),
        LoginRefusal(LockScope.ACCOUNT, account_lock_seconds(username=username, ip=ip)),
    ]
    longest = max(found, key=lambda r: r.seconds)
    return longest if longest.seconds > 0 else None


# --- the second factor ----------------------------------------------------------------------


def two_factor_required(user: User) -> bool:
    """Whether one of the user's roles requires a second factor (and the installation
    enforces it: JINGUO_TWO_FACTOR_ENFORCED)."""
    if not settings.JINGUO_TWO_FACTOR_ENFORCED or user.pk is None:
        return False
    return user.roles.filter(requires_two_factor=True).exists()


def two_factor_device(user: User) -> TOTPDevice | None:
    """The user's enrolled authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def login_step_after_password(user: User) -> str | None:
    """What a login must still do once the password is right: a code from the enrolled
    authenticator (whether or not a role requires it), enrolling one, or nothing."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return LoginStep.CODE
    if two_factor_required(user):
        return LoginStep.ENROL
    return None


@dataclass
class TwoFactorStatus:
    enrolled: bool
    required: bool
    recovery_codes_left: int
    enrolled_at: object = None
    last_used_at: object = None


def two_factor_status(user: User) -> TwoFactorStatus:
    device = two_factor_device(user)
    return TwoFactorStatus(
        enrolled=device is not None,
        required=two_factor_required(user),
        recovery_codes_left=recovery_codes_left(user) if device is not None else 0,
        enrolled_at=device.created_at if device is not None else None,
        last_used_at=device.last_used_at if device is not None else None,
    )
