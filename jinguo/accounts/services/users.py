"""Opening, editing, switching off and resetting accounts."""

from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.orgs.models import OrgUnit

from ..choices import SecurityAction
from ..models import Role, User
from ..passwords import generate_password
from ..selectors import MANAGE_USERS, assignable_units, role_permission_names
from ..validators import normalise_phone, validate_phone
from .common import require, revoke_tokens, security_event, separation_errors


class UserCreated(NamedTuple):
    user: User
    # The generated initial password, to be shown once; None when the administrator typed one.
    temporary_password: str | None


def _codes(roles: Iterable[Role]) -> list[str]:
    return sorted(r.code for r in roles)


def _lock_in_scope(actor: User, user: User) -> User:
    """Reload the account for update, through the actor's scope: outside it does not exist."""
    found = User.objects.restrict(actor, "change").select_for_update().filter(pk=user.pk).first()
    if found is None:
        raise PermissionDenied
    return found


def _role_errors(actor: User, target: User | None, before: set[Role], after: set[Role]):
    """Who may give or take away which roles; the resulting bundle must keep duties apart."""
    if before == after:
        return []
    if target is not None and target.pk == actor.pk:
        return [_("不能修改自己的角色，请由其他管理员操作。")]
    errors = []
    if not actor.has_perm(MANAGE_USERS):
        held = set(actor.roles.all())
        not_held = sorted((before ^ after) - held, key=lambda r: r.pk)
        if not_held:
            errors.append(
                _("您不能授予或撤销自己未持有的角色：%(roles)s。")
                % {"roles": "、".join(r.name for r in not_held)}
            )
    errors += separation_errors(role_permission_names(after))
    return errors


def _unit_error(actor: User, unit: OrgUnit, current: OrgUnit | None = None) -> str | None:
    if not assignable_units(actor, include=current).filter(pk=unit.pk).exists():
        return _("只能选择您管辖范围内的单位。")
    return None


def _phone_errors(phone: str) -> list[str]:
    try:
        validate_phone(phone)
    except ValidationError as exc:
        return exc.messages
    return []


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    real_name: str,
    home_unit: OrgUnit,
    roles: Iterable[Role] = (),
    phone: str = "",
    title: str = "",
    password: str | None = None,
) -> UserCreated:
    """Open an account; it must change its password at first login."""
    require(actor, "accounts.add_user", MANAGE_USERS)
    username, real_name, title = username.strip(), real_name.strip(), title.strip()
    phone = normalise_phone(phone)
    roles = set(roles)
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("请填写用户名。")]
    else:
        if len(username) > 150:
            errors["username"] = [_("用户名不能超过 150 个字符。")]
        try:
            User.username_validator(username)
        except ValidationError as exc:
            errors["username"] = exc.messages
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("该用户名已被使用。")]
    if not real_name:
        errors["real_name"] = [_("请填写姓名。")]
    if unit_error := _unit_error(actor, home_unit):
        errors["home_unit"] = [unit_error]
    if phone_errors := _phone_errors(phone):
        errors["phone"] = phone_errors
    if role_errors := _role_errors(actor, None, set(), roles):
        errors["roles"] = role_errors
    user = User(
        username=username,
        real_name=real_name,
        phone=phone,
        title=title,
        home_unit=home_unit,
        must_change_password=True,
    )
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)

    temporary = None if password else generate_password(user=user)
    user.set_password(password or temporary)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"username": [_("该用户名已被使用。")]}) from exc
    user.roles.set(roles)
    audit.record_change(
        actor, user, "create", after={**audit.snapshot(user), "roles": _codes(roles)}
    )
    if roles:
        security_event(
            actor=actor,
            action=SecurityAction.ROLE_CHANGE,
            target=user,
            before={"roles": []},
            after={"roles": _codes(roles)},
        )
    return UserCreated(user, temporary)


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    real_name: str | None = None,
    phone: str | None = None,
    title: str | None = None,
    home_unit: OrgUnit | None = None,
    roles: Iterable[Role] | None = None,
    is_active: bool | None = None,
) -> User:
    """Change an account's details; None leaves a field as it is."""
    require(actor, "accounts.change_user")
    user = _lock_in_scope(actor, user)
    before = audit.snapshot(user)
    errors: dict[str, list[str]] = {}
    changed: list[str] = []

    def assign(name, value):
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)

    if real_name is not None:
        if not real_name.strip():
            errors["real_name"] = [_("请填写姓名。")]
        assign("real_name", real_name.strip())
    if phone is not None:
        phone = normalise_phone(phone)
        if phone_errors := _phone_errors(phone):
            errors["phone"] = phone_errors
        assign("phone", phone)
    if title is not None:
        assign("title", title.strip())
    if home_unit is not None and home_unit.pk != user.home_unit_id:
        if unit_error := _unit_error(actor, home_unit, current=user.home_unit):
            errors["home_unit"] = [unit_error]
        assign("home_unit", home_unit)
    roles_before = set(user.roles.all())
    roles_after = roles_before if roles is None else set(roles)
    if role_errors := _role_errors(actor, user, roles_before, roles_after):
        errors["roles"] = role_errors
    if is_active is not None and is_active != user.is_active:
        if user.pk == actor.pk:
            errors["is_active"] = [_("不能停用自己的账号。")]
        elif not actor.has_perm(MANAGE_USERS) and roles_before - set(actor.roles.all()):
            # Switching off a more powerful account is for whoever may manage accounts.
            errors["is_active"] = [_("该账号持有您未持有的角色，您不能停用或启用它。")]
        assign("is_active", is_active)
    if errors:
        raise ValidationError(errors)

    if changed:
        user.save(update_fields=changed)
        audit.record_change(actor, user, "update", before=before, after=audit.snapshot(user))
    if roles_after != roles_before:
        user.roles.set(roles_after)
        security_event(
            actor=actor,
            action=SecurityAction.ROLE_CHANGE,
            target=user,
            before={"roles": _codes(roles_before)},
            after={"roles": _codes(roles_after)},
        )
    if "is_active" in changed:
        revoked = 0 if user.is_active else revoke_tokens(user)
        security_event(
            actor=actor,
            action=SecurityAction.USER_REACTIVATE
            if user.is_active
            else SecurityAction.USER_DEACTIVATE,
            target=user,
            tokens_revoked=revoked,
        )
    # A write must leave the account inside the actor's scope (STYLE: re-check after a write).
    if not User.objects.restrict(actor, "change").filter(pk=user.pk).exists():
        raise ValidationError({"home_unit": [_("只能选择您管辖范围内的单位。")]})
    return user


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (sign-in refused, API tokens revoked) or reactivate an account."""
    return user_update(actor=actor, user=user, is_active=active)


@transaction.atomic
def user_password_reset(*, actor: User, user: User) -> str:
    """Give the account a temporary password, shown once to the administrator.

    Changing the password invalidates every session of the account (Django checks a hash of
    the password on each request) and its API tokens are deleted.
    """
    require(actor, "accounts.change_user", MANAGE_USERS)
    user = _lock_in_scope(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("不能重置自己的密码，请使用“修改密码”。"))
    temporary = generate_password(user=user)
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked = revoke_tokens(user)
    security_event(
        actor=actor, action=SecurityAction.PASSWORD_RESET, target=user, tokens_revoked=revoked
    )
    return temporary


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> User:
    """The account holder sets a new password (the form has checked the old one)."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    validate_password(new_password, user=user)
    if user.check_password(new_password):
        raise ValidationError(_("新密码不能与当前密码相同。"))
    forced = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    revoked = revoke_tokens(user)
    security_event(
        actor=user,
        action=SecurityAction.PASSWORD_CHANGE,
        target=user,
        forced=forced,
        tokens_revoked=revoked,
    )
    return user
