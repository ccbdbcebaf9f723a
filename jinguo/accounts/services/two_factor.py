"""The second factor: enrolling an authenticator, checking codes at login, recovery codes,
turning it off, and an administrator's reset."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import two_factor
from ..choices import LoginChannel, SecondFactor, SecurityAction
from ..models import RecoveryCode, TOTPDevice, User
from ..selectors import MANAGE_USERS, user_list_for
from ..selectors.login import two_factor_required
from .common import require, security_event
from .login import login_failure_record


def _throttled_error(seconds: int, *, recovery: bool) -> ValidationError:
    message = _("验证码错误次数过多，请 %(seconds)d 秒后再输入身份验证器上的验证码。") % {
        "seconds": seconds
    }
    if recovery:
        message += _("也可以输入一个恢复码。")
    return ValidationError(message, code="throttled")


def _wrong_code_error(*, recovery: bool) -> ValidationError:
    if recovery:
        return ValidationError(
            _("验证码不正确。请输入身份验证器上当前显示的 6 位数字，或一个未用过的恢复码。"),
            code="wrong_code",
        )
    return ValidationError(
        _("验证码不正确。请输入身份验证器上当前显示的 6 位数字。"), code="wrong_code"
    )


def _authenticator_check(
    device: TOTPDevice, code: str, *, recovery: bool
) -> ValidationError | None:
    """None if ``code`` is the authenticator's current code; else the error to show. While the
    device makes the user wait after wrong codes, no code is even compared."""
    seconds = device.throttle_seconds()
    if seconds:
        return _throttled_error(seconds, recovery=recovery)
    if device.verify_token("".join(code.split())):
        return None
    return _wrong_code_error(recovery=recovery)


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [two_factor.new_recovery_code() for _i in range(two_factor.RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=two_factor.recovery_code_hash(user.pk, code))
        for code in codes
    )
    return codes


def _confirmed_device(user: User, *, for_update: bool = False) -> TOTPDevice | None:
    qs = TOTPDevice.objects.filter(user=user, confirmed=True)
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def enrolment_mark(device: TOTPDevice) -> str:
    """Which secret a session was shown, without the secret (a keyed hash of it)."""
    return two_factor.recovery_code_hash(device.user_id, f"enrolment:{device.key}")


@transaction.atomic
def two_factor_device_start(*, user: User, keep: str | None = None) -> TOTPDevice:
    """The authenticator being enrolled, not yet in use.

    ``keep`` is the enrolment_mark() of the secret this browser session was already shown: it
    stays,
    so that a reloaded page keeps the QR code the phone may have scanned. Any other session
    gets a fresh secret, so that whoever opened the page before (someone who had only the
    password) cannot know the secret the user finally enrols.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed:
        raise ValidationError(_("已启用两步验证。"), code="enrolled")
    secret = two_factor.new_secret_hex(TOTPDevice.SECRET_BYTES)
    if device is None:
        return TOTPDevice.objects.create(
            user=user, name=str(_("身份验证器")), key=secret, confirmed=False
        )
    if keep is None or enrolment_mark(device) != keep:
        device.key, device.drift, device.last_t = secret, 0, -1
        device.throttle_reset(commit=False)
        device.save(
            update_fields=[
                "key",
                "drift",
                "last_t",
                "throttling_failure_timestamp",
                "throttling_failure_count",
            ]
        )
    return device


@transaction.atomic
def two_factor_enrol(*, user: User, code: str) -> list[str]:
    """Confirm the authenticator being enrolled with a code from it; returns the ten recovery
    codes, which exist in clear only in this return value."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed:
        raise ValidationError(_("请重新打开启用两步验证的页面。"), code="no_device")
    if not device.verify_token("".join((code or "").split())):
        # A wrong code here guesses nothing: the secret is on the page. Only the device's
        # own back-off applies.
        raise ValidationError(
            _("验证码不正确。请确认手机时间准确，并输入身份验证器上当前显示的 6 位数字。"),
            code="wrong_code",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    security_event(actor=user, action=SecurityAction.TWO_FACTOR_ENROL, target=user)
    return codes


def two_factor_login_verify(
    *, user: User, code: str, ip: str | None, channel: str = LoginChannel.WEB
) -> str:
    """Check the second step of a login: a code from the authenticator, or a recovery code
    (used up). Returns how it passed (SecondFactor); a wrong code counts towards the same
    lockout as a wrong password, and raises."""
    text = (code or "").strip()
    with transaction.atomic():
        device = _confirmed_device(user, for_update=True)
        if device is None:
            raise ValidationError(_("该账号的两步验证已被重置，请重新登录。"), code="no_device")
        if two_factor.is_totp_code(text, device.DIGITS):
            error = _authenticator_check(device, text, recovery=True)
            if error is None:
                return SecondFactor.TOTP
        elif text and recovery_code_use(user=user, code=text):
            return SecondFactor.RECOVERY_CODE
        else:
            error = _wrong_code_error(recovery=True)
    # Outside the block: the failure (and the device's back-off) commit although we raise.
    login_failure_record(username=user.username, ip=ip, channel=channel, second_factor=True)
    raise error


@transaction.atomic
def recovery_code_use(*, user: User, code: str) -> bool:
    """Use up one recovery code; False if it is not one of the user's unused codes."""
    digest = two_factor.recovery_code_hash(user.pk, code)
    used = RecoveryCode.objects.filter(user=user, code_hash=digest, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        return False
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    security_event(actor=user, action=SecurityAction.RECOVERY_CODE_USED, target=user, left=left)
    return True


def _check_current_code(user: User, code: str) -> TOTPDevice:
    """The user's authenticator, once she has proved she holds it with a current code."""
    with transaction.atomic():
        device = _confirmed_device(user, for_update=True)
        if device is None:
            raise ValidationError(_("尚未启用两步验证。"), code="not_enrolled")
        error = _authenticator_check(device, code or "", recovery=False)
        if error is None:
            return device
    raise error


def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """Ten new recovery codes in place of the old ones, for a current authenticator code."""
    # The code is checked in its own transaction, so that a wrong one's back-off stays.
    _check_current_code(user, code)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        security_event(actor=user, action=SecurityAction.RECOVERY_CODES_REGENERATE, target=user)
    return codes


def two_factor_disable(*, user: User, code: str) -> None:
    """Turn off one's own second factor; not for a user whose role requires it."""
    if two_factor_required(user):
        raise ValidationError(
            _("您持有的角色要求两步验证，不能停用。更换手机请联系系统管理员重置。"),
            code="required",
        )
    _check_current_code(user, code)
    with transaction.atomic():
        _remove_second_factor(user)
        security_event(actor=user, action=SecurityAction.TWO_FACTOR_DISABLE, target=user)


def _remove_second_factor(user: User) -> int:
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    return removed


@transaction.atomic
def two_factor_reset(*, actor: User, user: User, reason: str) -> None:
    """An administrator removes a user's authenticator and recovery codes (a lost phone): she
    signs in with her password next time and, if her roles require it, enrols again."""
    require(actor, "accounts.change_user", MANAGE_USERS)
    if not user_list_for(actor, "change").filter(pk=user.pk).exists() or actor.pk == user.pk:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写重置的理由。")]})
    removed = _remove_second_factor(user)
    security_event(
        actor=actor,
        action=SecurityAction.TWO_FACTOR_RESET,
        target=user,
        reason=reason[:500],
        had_authenticator=bool(removed),
        required=two_factor_required(user),
    )


def token_second_factor_check(*, user: User, code: str | None, ip: str | None) -> None:
    """An API token is issued on the same proof as a browser session: a user with an
    authenticator adds a code (PermissionDenied without one, ValidationError for a wrong one);
    one who must enrol first does so in the browser (PermissionDenied)."""
    if _confirmed_device(user) is not None:
        if not (code or "").strip():
            raise PermissionDenied(
                _(
                    "该账号已启用两步验证：请同时提供 code（身份验证器上的 6 位验证码或一个恢复码）。"
                )
            )
        two_factor_login_verify(user=user, code=code, ip=ip, channel=LoginChannel.API)
    elif two_factor_required(user):
        security_event(actor=user, action=SecurityAction.TOKEN_REFUSED, reason="two_factor")
        raise PermissionDenied(
            _("该账号须使用两步验证：请先登录网页启用身份验证器，再申请接口令牌。")
        )
