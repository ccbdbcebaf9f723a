import math
import time
from base64 import b32encode

from django.contrib.auth.models import AbstractBaseUser, Permission, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from jinguo.core import crypto
from jinguo.core.fields import BlindIndexField, EncryptedCharField, EncryptedTextField
from jinguo.core.masking import mask_phone
from jinguo.core.paths import TreePathField
from jinguo.core.scoping import RestrictQuerySet


class Role(models.Model):
    """A named bundle of permissions; federations edit these as data."""

    code = models.SlugField(max_length=50, unique=True, verbose_name=_("代码"))
    name = models.CharField(max_length=50, unique=True, verbose_name=_("名称"))
    description = models.TextField(blank=True, verbose_name=_("说明"))
    permissions = models.ManyToManyField(
        Permission, blank=True, related_name="jinguo_roles", verbose_name=_("权限")
    )
    # Data, not a list of role codes in the code: a federation decides which roles are
    # privileged enough to need the second factor (JINGUO_TWO_FACTOR_ENFORCED switches it off).
    requires_two_factor = models.BooleanField(
        default=False,
        verbose_name=_("须两步验证"),
        help_text=_("持有该角色的用户登录时，除密码外还须输入手机身份验证器上的动态验证码。"),
    )
    is_builtin = models.BooleanField(default=False, editable=False, verbose_name=_("系统内置"))
    # For built-in roles: the default permissions already given, so that an upgrade adds only
    # newly shipped ones and never restores one an administrator removed.
    shipped_permissions = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:role_detail", args=[self.pk])


class JinguoUserManager(UserManager.from_queryset(RestrictQuerySet)):
    def _create_user_object(self, username, email, password, **extra_fields):
        user = self.model(username=username, **extra_fields)
        user.password = ""
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def create_user(self, username, email=None, password=None, **extra_fields):
        user = self._create_user_object(username, email, password, **extra_fields)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A federation staff member, grid worker or partner-agency user.

    There is no superuser flag: every power comes from roles, and scope from the home unit.
    """

    username_validator = UnicodeUsernameValidator()

    username = models.CharField(
        _("用户名"),
        max_length=150,
        unique=True,
        validators=[username_validator],
        error_messages={"unique": _("该用户名已被使用。")},
    )
    real_name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedCharField(_("手机号"), blank=True, max_input_length=20)
    phone_index = BlindIndexField()
    home_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("所属单位"),
    )
    org_path = TreePathField(editable=False, verbose_name=_("单位路径"))
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("角色"))
    title = models.CharField(_("职务"), max_length=50, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = JinguoUserManager()
    scope_path_field = "org_path"

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        ordering = ["org_path", "username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        indexes = [
            models.Index(
                fields=["org_path"], name="accounts_user_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return f"{self.real_name}（{self.username}）" if self.real_name else self.username

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.home_unit_id is not None:
            self.org_path = self.home_unit.path
        self.phone_index = crypto.blind_index(self.phone, "user.phone") if self.phone else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = set()
            if "home_unit" in update_fields:
                extra.add("org_path")
            if "phone" in update_fields:
                extra.add("phone_index")
            kwargs["update_fields"] = {*update_fields, *extra}
        super().save(*args, **kwargs)

    @property
    def home_path(self) -> str:
        return self.org_path

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def get_full_name(self):
        return self.real_name

    def get_short_name(self):
        return self.real_name

    # Django's permission API, answered by jinguo.accounts.backends.RoleBackend.
    def has_perm(self, perm, obj=None):
        if not self.is_active:
            return False
        return perm in self.get_all_permissions()

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(p) for p in perm_list)

    def has_module_perms(self, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions())

    def get_all_permissions(self, obj=None) -> set[str]:
        if not hasattr(self, "_jinguo_perms"):
            from .backends import role_permissions

            self._jinguo_perms = role_permissions(self)
        return self._jinguo_perms

    @property
    def is_staff(self):
        return False

    @property
    def is_superuser(self):
        return False


class LoginFailure(models.Model):
    """A failed login attempt (password or second-factor code), kept to lock a username on an
    address after repeated failures and to throttle an address that tries many usernames."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [
            models.Index(fields=["username", "ip", "at"], name="accounts_failure_account"),
            models.Index(fields=["ip", "at"], name="accounts_failure_address"),
        ]


class TOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A user's authenticator app: RFC 6238 with 30-second steps, 6 digits and HMAC-SHA1, which
    every authenticator app understands, offline.

    The shared secret is encrypted at rest like personal data (django-otp's own TOTP model
    keeps it as plain hex, which is why this model replaces it). Each user has at most one:
    unconfirmed while she is enrolling, confirmed once she has typed a code from it.
    """

    STEP = 30
    DIGITS = 6
    # The code before and after the current one are accepted too: phone clocks drift.
    TOLERANCE = 1
    SECRET_BYTES = 20

    key = EncryptedTextField(_("密钥"), editable=False)
    # Steps the phone's clock is known to be off by, learnt from accepted codes.
    drift = models.SmallIntegerField(default=0, editable=False)
    # The step of the last accepted code: a code is accepted once, never replayed.
    last_t = models.BigIntegerField(default=-1, editable=False)

    class Meta:
        verbose_name = _("身份验证器")
        verbose_name_plural = _("身份验证器")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["user"], name="accounts_totpdevice_one_per_user")
        ]

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.key)

    @property
    def base32_secret(self) -> str:
        """The secret as authenticator apps take it when typed in by hand."""
        return b32encode(self.bin_key).decode().rstrip("=")

    def totp(self, at: float | None = None) -> TOTP:
        totp = TOTP(self.bin_key, self.STEP, 0, self.DIGITS, self.drift)
        totp.time = time.time() if at is None else at
        return totp

    def get_throttle_factor(self):
        # Each consecutive wrong code doubles the wait (1, 2, 4 … seconds) whatever address it
        # comes from: whoever is guessing already knows the password.
        return 1

    def throttle_seconds(self) -> int:
        allowed, info = self.verify_is_allowed()
        if allowed:
            return 0
        return max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))

    def verify_token(self, token) -> bool:
        """Whether ``token`` is the current code (± TOLERANCE steps) and newer than the last
        one accepted. Saves the device either way (drift and replay guard, or the throttle)."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        text = str(token).strip()
        verified = False
        if len(text) == self.DIGITS and text.isdigit():
            totp = self.totp()
            verified = totp.verify(int(text), self.TOLERANCE, self.last_t + 1)
        if verified:
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
        else:
            self.throttle_increment(commit=False)
        self.save(
            update_fields=[
                "last_t",
                "drift",
                "throttling_failure_timestamp",
                "throttling_failure_count",
                "last_used_at",
            ]
        )
        return verified


class RecoveryCode(models.Model):
    """One single-use recovery code, usable instead of an authenticator code.

    Only a keyed hash is stored (the HMAC of the blind indexes, keyed from the environment):
    the codes are random enough that a slow password hash adds nothing, and a keyed hash
    lets a typed code be found with one indexed look-up. The code itself is shown once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code_hash"], name="accounts_recoverycode_unique"
            )
        ]
