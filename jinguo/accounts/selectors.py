"""Reads of the accounts app: scoped users and units, role choices, permissions, lockout state."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.models import AuditEvent, AuditKind
from jinguo.orgs.models import OrgUnit

from .choices import LockScope, LoginChannel, LoginStep, LogoutReason, SecurityAction
from .models import LoginFailure, RecoveryCode, Role, TOTPDevice, User
from .roles import UNASSIGNABLE_MODELS

MANAGE_USERS = "core.manage_users"
GLOBAL_PERMISSIONS_MODEL = "core.globalpermissions"
STANDARD_ACTIONS = {
    "view": _("查看"),
    "add": _("新建"),
    "change": _("修改"),
    "delete": _("删除"),
}


# --- users and their choices -------------------------------------------------------------


def user_list_for(actor: User, action: str = "view") -> QuerySet[User]:
    return (
        User.objects.restrict(actor, action).select_related("home_unit").prefetch_related("roles")
    )


def scoped_units(actor: User) -> QuerySet[OrgUnit]:
    """Units the actor sees within her own subtree (shares from elsewhere do not count here)."""
    if not getattr(actor, "home_path", ""):
        return OrgUnit.objects.none()
    return (
        OrgUnit.objects.restrict(actor, "view")
        .filter(path__subtree=actor.home_path)
        .order_by("path")
    )


def assignable_units(actor: User, *, include: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """Units where the actor may place a user: the active ones among her scoped units."""
    active = Q(is_active=True)
    if include is not None:
        active |= Q(pk=include.pk)
    return scoped_units(actor).filter(active)


def assignable_roles(actor: User) -> QuerySet[Role]:
    """Roles the actor may give or take away: all of them with core.manage_users, else her own."""
    if actor.has_perm(MANAGE_USERS):
        return Role.objects.all()
    return Role.objects.filter(users=actor)


def role_permission_names(roles: Iterable[Role]) -> set[str]:
    rows = (
        Permission.objects.filter(jinguo_roles__in=[r.pk for r in roles])
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    return {f"{app}.{codename}" for app, codename in rows}


def user_security_events(user: User, *, limit: int = 20) -> list[AuditEvent]:
    """Security events by this user or about her account (both served by an index).

    Each event gets ``label`` and ``summary`` for display.
    """
    events = list(
        AuditEvent.objects.filter(kind=AuditKind.SECURITY)
        .filter(Q(user_id=user.pk) | Q(object_type="accounts.user", object_id=str(user.pk)))
        .order_by("-id")[:limit]
    )
    labels = dict(SecurityAction.choices)
    for event in events:
        event.label = labels.get(event.action, event.action)
        event.summary = _event_summary(event)
    return events


def _event_summary(event: AuditEvent) -> str:
    from django.utils.translation import gettext

    detail = event.detail or {}
    if event.action == SecurityAction.ROLE_CHANGE:
        names = dict(Role.objects.values_list("code", "name"))
        before = "、".join(names.get(c, c) for c in (event.before or {}).get("roles", [])) or "—"
        after = "、".join(names.get(c, c) for c in (event.after or {}).get("roles", [])) or "—"
        return f"{before} → {after}"
    if event.action == SecurityAction.LOCKOUT:
        # Before account+address locks, a lock applied to a username or to an address.
        scope = {
            LockScope.ACCOUNT: gettext("按用户名和来源地址"),
            "username": gettext("按用户名"),
        }.get(detail.get("scope"), gettext("按来源地址"))
        return gettext("%(scope)s锁定 %(minutes)s 分钟") % {
            "scope": scope,
            "minutes": detail.get("minutes", ""),
        }
    if event.action == SecurityAction.TOKEN_REFUSED:
        return gettext("须先修改初始密码")
    if "channel" in detail:
        return str(dict(LoginChannel.choices).get(detail["channel"], detail["channel"]))
    if "reason" in detail:
        return str(dict(LogoutReason.choices).get(detail["reason"], detail["reason"]))
    if detail.get("tokens_revoked"):
        return gettext("作废接口令牌 %(n)d 个") % {"n": detail["tokens_revoked"]}
    return ""


# --- roles --------------------------------------------------------------------------------


def role_list_for(actor: User) -> QuerySet[Role]:
    qs = Role.objects.annotate(permission_count=Count("permissions", distinct=True))
    if actor.has_perm("accounts.view_user"):
        visible = User.objects.restrict(actor, "view").values("pk")
        qs = qs.annotate(user_count=Count("users", filter=Q(users__in=visible), distinct=True))
    return qs.order_by("id")


def role_users_for(actor: User, role: Role) -> QuerySet[User]:
    return user_list_for(actor).filter(roles=role)


# --- permissions, grouped as an administrator reads them ------------------------------------


def assignable_permissions() -> QuerySet[Permission]:
    """Permissions of Jinguo's own apps that a role may bundle."""
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("jinguo.")]
    qs = Permission.objects.filter(content_type__app_label__in=labels)
    for label in UNASSIGNABLE_MODELS:
        app_label, model = label.split(".")
        qs = qs.exclude(content_type__app_label=app_label, content_type__model=model)
    return qs.select_related("content_type").order_by("content_type_id", "codename")


@dataclass
class PermissionItem:
    pk: int
    name: str
    label: str
    checked: bool = False


@dataclass
class ModelGroup:
    label: str
    # view/add/change/delete in that order; None where the model has no such permission.
    standard: list[PermissionItem | None] = field(default_factory=list)
    custom: list[PermissionItem] = field(default_factory=list)

    @property
    def items(self) -> list[PermissionItem]:
        return [p for p in self.standard if p is not None] + self.custom


@dataclass
class AppGroup:
    label: str
    models: list[ModelGroup]
    is_global: bool = False


def permission_label(perm: Permission, model=None) -> str:
    """The Chinese label of a permission: "查看用户" or the model's declared custom name."""
    model = model or perm.content_type.model_class()
    if model is None:
        return perm.name
    action, _sep, model_name = perm.codename.partition("_")
    if model_name == model._meta.model_name and action in STANDARD_ACTIONS:
        return f"{STANDARD_ACTIONS[action]}{model._meta.verbose_name}"
    declared = dict(model._meta.permissions)
    return str(declared.get(perm.codename, perm.name))


def permission_labels(names: Iterable[str]) -> list[str]:
    labels = []
    for name in sorted(names):
        app_label, codename = name.split(".", 1)
        perm = (
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            .select_related("content_type")
            .first()
        )
        labels.append(permission_label(perm) if perm else name)
    return labels


def permission_groups(
    permissions: Iterable[Permission], selected: Iterable[int | str] = ()
) -> list[AppGroup]:
    """Permissions grouped by app and model, in INSTALLED_APPS and model order, global first."""
    chosen = {int(pk) for pk in selected if str(pk).isdigit()}
    by_type: dict[int, list[Permission]] = defaultdict(list)
    for perm in permissions:
        by_type[perm.content_type_id].append(perm)
    groups: list[AppGroup] = []
    global_group = None
    for app_config in apps.get_app_configs():
        model_groups = []
        for model in app_config.get_models():
            perms = by_type.get(ContentType.objects.get_for_model(model).pk)
            if not perms:
                continue
            group = ModelGroup(label=str(model._meta.verbose_name))
            by_codename = {p.codename: p for p in perms}
            for action in STANDARD_ACTIONS:
                perm = by_codename.pop(f"{action}_{model._meta.model_name}", None)
                group.standard.append(_item(perm, model, chosen) if perm else None)
            declared = {c: i for i, (c, _n) in enumerate(model._meta.permissions)}
            for codename in sorted(by_codename, key=lambda c: (declared.get(c, len(declared)), c)):
                perm = by_codename[codename]
                group.custom.append(_item(perm, model, chosen))
            if model._meta.label_lower == GLOBAL_PERMISSIONS_MODEL:
                global_group = AppGroup(_("平台权限"), [group], is_global=True)
            else:
                model_groups.append(group)
        if model_groups:
            groups.append(AppGroup(str(app_config.verbose_name), model_groups))
    return [global_group, *groups] if global_group else groups


def _item(perm: Permission, model, chosen: set[int]) -> PermissionItem:
    name = f"{perm.content_type.app_label}.{perm.codename}"
    return PermissionItem(perm.pk, name, permission_label(perm, model), perm.pk in chosen)


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
