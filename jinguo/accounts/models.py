from django.contrib.auth.models import AbstractBaseUser, Permission, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core import crypto
from jinguo.core.fields import BlindIndexField, EncryptedCharField
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
        indexes = [
            models.Index(fields=["username", "ip", "at"], name="accounts_failure_account"),
            models.Index(fields=["ip", "at"], name="accounts_failure_address"),
        ]
