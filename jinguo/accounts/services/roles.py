"""Roles: bundles of permissions that administrators edit as data."""

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import SecurityAction
from ..models import Role, User
from ..roles import INCOMPATIBLE_PERMISSIONS, default_roles
from ..selectors import MANAGE_USERS, permission_labels
from .common import perm_names, require, security_event, separation_errors


def _role_snapshot(role: Role, perm_names: set[str]) -> dict:
    return {**audit.snapshot(role), "permissions": sorted(perm_names)}


def _role_permission_errors(
    actor: User, role: Role | None, before: set[str], after: set[str]
) -> list[str]:
    errors = []
    if not actor.has_perm(MANAGE_USERS):
        not_held = (before ^ after) - actor.get_all_permissions()
        if not_held:
            errors.append(
                _("您不能授予或收回自己未持有的权限：%(perms)s。")
                % {"perms": "、".join(permission_labels(not_held))}
            )
    errors += separation_errors(after)
    if role is not None and role.pk and not errors:
        # The role's holders must not end up holding both sides of a pair through other roles.
        for pair in INCOMPATIBLE_PERMISSIONS:
            for mine, other in (pair, pair[::-1]):
                if mine not in after:
                    continue
                app_label, codename = other.split(".", 1)
                clash = (
                    User.objects.filter(roles=role)
                    .filter(
                        roles__in=Role.objects.exclude(pk=role.pk).filter(
                            permissions__content_type__app_label=app_label,
                            permissions__codename=codename,
                        )
                    )
                    .exists()
                )
                if clash:
                    a, b = permission_labels([mine, other])
                    errors.append(
                        _(
                            "三权分立：该角色的部分持有人已通过其他角色拥有“%(b)s”，不能再加入“%(a)s”。"
                        )
                        % {"a": a, "b": b}
                    )
    return errors


def _role_name_errors(name: str, role: Role | None = None) -> list[str]:
    if not name:
        return [_("请填写角色名称。")]
    others = Role.objects.filter(name=name)
    if role is not None:
        others = others.exclude(pk=role.pk)
    return [_("已有同名角色。")] if others.exists() else []


@transaction.atomic
def role_create(
    *,
    actor: User,
    code: str,
    name: str,
    description: str = "",
    permissions: Iterable[Permission] = (),
    requires_two_factor: bool = False,
) -> Role:
    require(actor, "accounts.add_role")
    code, name = code.strip(), name.strip()
    permissions = list(permissions)
    errors: dict[str, list[str]] = {}
    if not code or slugify(code) != code:
        errors["code"] = [_("代码只能由小写字母、数字、连字符和下划线组成。")]
    elif Role.objects.filter(code=code).exists():
        errors["code"] = [_("已有相同代码的角色。")]
    if name_errors := _role_name_errors(name):
        errors["name"] = name_errors
    after = perm_names(permissions)
    if perm_errors := _role_permission_errors(actor, None, set(), after):
        errors["permissions"] = perm_errors
    if errors:
        raise ValidationError(errors)
    role = Role.objects.create(
        code=code,
        name=name,
        description=description.strip(),
        requires_two_factor=requires_two_factor,
    )
    role.permissions.set(permissions)
    audit.record_change(actor, role, "create", after=_role_snapshot(role, after))
    if requires_two_factor:
        _two_factor_change_event(actor, role)
    if after:
        security_event(
            actor=actor,
            action=SecurityAction.ROLE_PERMISSION_CHANGE,
            target=role,
            before={"permissions": []},
            after={"permissions": sorted(after)},
        )
    return role


@transaction.atomic
def role_update(
    *,
    actor: User,
    role: Role,
    name: str | None = None,
    description: str | None = None,
    permissions: Iterable[Permission] | None = None,
    requires_two_factor: bool | None = None,
) -> Role:
    """Edit a role; the change reaches every holder at once (a newly required second factor
    at their next login). Its code never changes."""
    require(actor, "accounts.change_role")
    role = Role.objects.select_for_update().get(pk=role.pk)
    before_perms = perm_names(role.permissions.select_related("content_type"))
    before = _role_snapshot(role, before_perms)
    errors: dict[str, list[str]] = {}
    changed = []
    if name is not None and name.strip() != role.name:
        if name_errors := _role_name_errors(name.strip(), role):
            errors["name"] = name_errors
        role.name = name.strip()
        changed.append("name")
    if description is not None and description.strip() != role.description:
        role.description = description.strip()
        changed.append("description")
    if requires_two_factor is not None and requires_two_factor != role.requires_two_factor:
        role.requires_two_factor = requires_two_factor
        changed.append("requires_two_factor")
    after_perms = before_perms
    if permissions is not None:
        permissions = list(permissions)
        after_perms = perm_names(permissions)
        if perm_errors := _role_permission_errors(actor, role, before_perms, after_perms):
            errors["permissions"] = perm_errors
    if errors:
        raise ValidationError(errors)
    if changed:
        role.save(update_fields=changed)
    if after_perms != before_perms:
        role.permissions.set(permissions)
        security_event(
            actor=actor,
            action=SecurityAction.ROLE_PERMISSION_CHANGE,
            target=role,
            before={"permissions": sorted(before_perms - after_perms)},
            after={"permissions": sorted(after_perms - before_perms)},
        )
    if "requires_two_factor" in changed:
        _two_factor_change_event(actor, role)
    if changed or after_perms != before_perms:
        audit.record_change(
            actor, role, "update", before=before, after=_role_snapshot(role, after_perms)
        )
    return role


def _two_factor_change_event(actor: User, role: Role) -> None:
    security_event(
        actor=actor,
        action=SecurityAction.ROLE_TWO_FACTOR_CHANGE,
        target=role,
        before={"requires_two_factor": not role.requires_two_factor},
        after={"requires_two_factor": role.requires_two_factor},
    )


@transaction.atomic
def role_delete(*, actor: User, role: Role) -> None:
    require(actor, "accounts.delete_role")
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.is_builtin:
        raise ValidationError(_("系统内置角色不能删除，可以修改它的权限。"))
    if role.users.exists():
        raise ValidationError(_("仍有用户持有该角色，请先为这些用户调整角色再删除。"))
    before = _role_snapshot(role, perm_names(role.permissions.select_related("content_type")))
    audit.record_change(actor, role, "delete", before=before)
    role.delete()


def permissions_by_name(names: list[str], using: str = "default") -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        perm = (
            Permission.objects.using(using)
            .filter(content_type__app_label=app_label, codename=codename)
            .first()
        )
        if perm is not None:
            found.append(perm)
    return found


def ensure_default_roles(*, using: str = "default", reset: bool = False) -> list[Role]:
    """Create the shipped roles that do not exist yet; with reset, restore their permissions.

    An upgrade that ships new permissions (a new app, a new workflow action) adds them to the
    existing built-in roles once; a permission an administrator took away stays away, because
    each role remembers what was already shipped to it.

    Runs after every migrate (no actor, no audit row); default_roles_sync is the audited
    entry point for an administrator.
    """
    roles = []
    with transaction.atomic(using=using):
        for spec in default_roles():
            role, created = Role.objects.using(using).get_or_create(
                code=spec["code"],
                defaults={
                    "name": str(spec["name"]),
                    "description": str(spec["description"]),
                    "is_builtin": True,
                    "requires_two_factor": spec.get("requires_two_factor", False),
                },
            )
            if reset and role.requires_two_factor != spec.get("requires_two_factor", False):
                role.requires_two_factor = spec.get("requires_two_factor", False)
                role.save(update_fields=["requires_two_factor"])
            shipped = set(spec["permissions"])
            if created or reset:
                role.permissions.set(permissions_by_name(sorted(shipped), using))
            else:
                new = shipped - set(role.shipped_permissions)
                if new:
                    role.permissions.add(*permissions_by_name(sorted(new), using))
            # Only permissions that exist count as shipped (an app may not be installed).
            existing = {
                f"{p.content_type.app_label}.{p.codename}"
                for p in permissions_by_name(sorted(shipped), using)
            }
            recorded = existing if (created or reset) else existing | set(role.shipped_permissions)
            if sorted(recorded) != role.shipped_permissions:
                role.shipped_permissions = sorted(recorded)
                role.save(update_fields=["shipped_permissions"])
            roles.append(role)
    return roles


@transaction.atomic
def default_roles_sync(*, reset: bool = False) -> list[Role]:
    """manage.py sync_default_roles: ensure the shipped roles and record that it was done."""
    existing = set(Role.objects.values_list("code", flat=True))
    roles = ensure_default_roles(reset=reset)
    created = sorted(r.code for r in roles if r.code not in existing)
    security_event(
        actor=None,
        action=SecurityAction.ROLES_SYNCED,
        created=created,
        reset=sorted(r.code for r in roles) if reset else [],
    )
    return roles
