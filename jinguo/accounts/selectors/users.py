"""Reads of the accounts app: scoped users and units, role choices, permissions. Login
security (locks, the second factor) is in login.py beside it."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jinguo.core.models import AuditEvent, AuditKind
from jinguo.orgs.models import OrgUnit

from ..choices import LockScope, LoginChannel, LogoutReason, SecurityAction
from ..models import Role, User
from ..roles import UNASSIGNABLE_MODELS

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
