"""Every write to the federation tree: create, update and move a unit.

Each service runs in one transaction, checks the actor's permission and scope, validates with
messages a federation clerk understands, and writes one audit row. ``user=None`` is the system
actor, used only by management commands (there is no superuser bypass on the web or the API).
The division-code import lives in ``importing.py``.
"""

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.paths import SEPARATOR, TreePathField
from jinguo.core.scoping import permission_name

from . import rules
from .choices import LEVEL_BY_KIND, UnitKind
from .models import OrgUnit

PATH_MAX_LENGTH = OrgUnit._meta.get_field("path").max_length
ADDRESS_MAX_LENGTH = OrgUnit._meta.get_field("address").max_length


def require_permission(user, action: str) -> None:
    if user is not None and not user.has_perm(permission_name(OrgUnit, action)):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def scoped_units(user, action: str):
    """Units the actor may act on; the system actor (None) may act on all."""
    if user is None:
        return OrgUnit.objects.all()
    return OrgUnit.objects.restrict(user, action)


def _clean(value) -> str:
    return (value or "").strip()


def _common_errors(
    errors: dict, *, name: str, short_name: str, phone: str, address: str, parent, exclude_pk=None
) -> None:
    if msg := rules.name_error(name):
        errors["name"] = msg
    elif parent is not None:
        siblings = OrgUnit.objects.filter(parent=parent, name=name)
        if exclude_pk is not None:
            siblings = siblings.exclude(pk=exclude_pk)
        if siblings.exists():
            errors["name"] = _("同一上级单位下已有名为“%(name)s”的单位。") % {"name": name}
    if short_name and (
        msg := rules.name_error(short_name, max_length=rules.SHORT_NAME_MAX_LENGTH, label=_("简称"))
    ):
        errors["short_name"] = msg
    if msg := rules.phone_error(phone):
        errors["phone"] = msg
    if len(address) > ADDRESS_MAX_LENGTH:
        errors["address"] = _("办公地址不能超过 %(n)d 个字符。") % {"n": ADDRESS_MAX_LENGTH}


def orgunit_create(
    *,
    user,
    parent: OrgUnit | None,
    code: str,
    name: str,
    kind: str,
    short_name: str = "",
    phone: str = "",
    address: str = "",
    division_version: str = "",
) -> OrgUnit:
    """Create a unit under ``parent``, which must lie in the actor's own subtree."""
    require_permission(user, "add")
    code, name, short_name = _clean(code), _clean(name), _clean(short_name)
    phone, address = _clean(phone), _clean(address)
    errors: dict[str, str] = {}
    with transaction.atomic():
        if parent is None:
            if user is not None:
                errors["parent"] = _("请选择上级单位。")
        else:
            # Re-read (and lock) the parent through the actor's scope: a stale or forged
            # choice must not place a unit outside her branch.
            parent = scoped_units(user, "add").select_for_update().filter(pk=parent.pk).first()
            if parent is None:
                errors["parent"] = _("上级单位不存在或不在您的管辖范围内。")
        if kind not in UnitKind.values:
            errors["kind"] = _("请选择有效的单位类型。")
        else:
            msg = rules.code_error(code, kind) or (
                rules.code_prefix_error(kind, code, parent) if parent is not None else None
            )
            if msg:
                errors["code"] = msg
            elif OrgUnit.objects.filter(code=code).exists():
                errors["code"] = _("代码 %(code)s 已被其他单位使用。") % {"code": code}
            if parent is not None and (msg := rules.placement_error(kind, parent)):
                errors["kind"] = msg
        _common_errors(
            errors, name=name, short_name=short_name, phone=phone, address=address, parent=parent
        )
        if errors:
            raise ValidationError(errors)
        unit = OrgUnit(
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            parent=parent,
            level=parent.level + 1 if parent is not None else LEVEL_BY_KIND.get(kind, 1),
            phone=phone,
            address=address,
            division_version=division_version,
        )
        unit.path = unit.build_path()
        if len(unit.path) > PATH_MAX_LENGTH:
            raise ValidationError({"parent": _("层级过深，无法在该单位之下再设立单位。")})
        try:
            with transaction.atomic():
                unit.save(force_insert=True)
        except IntegrityError as exc:
            # Another clerk took the code between our check and the insert.
            raise ValidationError(
                {"code": _("代码 %(code)s 已被其他单位使用。") % {"code": code}}
            ) from exc
        audit.record_change(user, unit, "create", after=audit.snapshot(unit))
    return unit


UPDATABLE_FIELDS = ("name", "short_name", "phone", "address", "is_active")


def orgunit_update(
    *,
    user,
    unit: OrgUnit,
    name: str,
    short_name: str = "",
    phone: str = "",
    address: str = "",
    is_active: bool = True,
) -> OrgUnit:
    """Change a unit's names, contact details or status; its code never changes."""
    require_permission(user, "change")
    values = {
        "name": _clean(name),
        "short_name": _clean(short_name),
        "phone": _clean(phone),
        "address": _clean(address),
        "is_active": bool(is_active),
    }
    with transaction.atomic():
        locked = scoped_units(user, "change").select_for_update().filter(pk=unit.pk).first()
        if locked is None:
            raise ValidationError(_("该单位不存在或不在您的管辖范围内。"))
        errors: dict[str, str] = {}
        _common_errors(
            errors,
            name=values["name"],
            short_name=values["short_name"],
            phone=values["phone"],
            address=values["address"],
            parent=locked.parent,
            exclude_pk=locked.pk,
        )
        if locked.is_active and not values["is_active"]:
            active_children = locked.children.filter(is_active=True).count()
            active_members = locked.members.filter(is_active=True).count()
            if active_children:
                errors["is_active"] = _(
                    "该单位还有 %(n)d 个启用的下级单位，请先停用或调整它们。"
                ) % {"n": active_children}
            elif active_members:
                errors["is_active"] = _(
                    "该单位还有 %(n)d 个启用的用户账号，请先停用或调整这些账号。"
                ) % {"n": active_members}
        if (
            values["is_active"]
            and not locked.is_active
            and locked.parent is not None
            and not locked.parent.is_active
        ):
            errors["is_active"] = _("上级单位已停用，请先启用上级单位。")
        if errors:
            raise ValidationError(errors)
        changed = [f for f in UPDATABLE_FIELDS if getattr(locked, f) != values[f]]
        if not changed:
            return locked
        before = audit.snapshot(locked)
        for f in changed:
            setattr(locked, f, values[f])
        locked.save(update_fields=[*changed, "updated_at"])
        audit.record_change(user, locked, "update", before=before, after=audit.snapshot(locked))
    return locked


def _rewrite_prefix(field: str, old_prefix: str, new_prefix: str):
    """SQL expression: ``new_prefix`` followed by what comes after ``old_prefix`` in ``field``."""
    return Concat(
        Value(new_prefix),
        Substr(field, len(old_prefix) + 1),
        output_field=TreePathField(),
    )


def scoped_path_fields():
    """(model, field name) for every concrete model storing a denormalised unit path."""
    for model in apps.get_models():
        if model is OrgUnit or model._meta.proxy or not model._meta.managed:
            continue
        names = {"org_path", getattr(model, "scope_path_field", None)} - {None}
        for name in sorted(names):
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: S112 - the model simply has no such field
                continue
            if getattr(field, "concrete", False) and not field.is_relation:
                yield model, field


def rewrite_org_paths(old_prefix: str, new_prefix: str) -> dict[str, int]:
    """Move every scoped record of the subtree ``old_prefix`` to ``new_prefix``, in bulk."""
    counts = {}
    for model, field in scoped_path_fields():
        lookup = "subtree" if isinstance(field, TreePathField) else "startswith"
        updated = model._base_manager.filter(**{f"{field.name}__{lookup}": old_prefix}).update(
            **{field.name: _rewrite_prefix(field.name, old_prefix, new_prefix)}
        )
        if updated:
            counts[f"{model._meta.label_lower}.{field.name}"] = updated
    return counts


MOVE_FIELDS = ["parent", "level", "path"]


def orgunit_move(*, user, unit: OrgUnit, new_parent: OrgUnit, reason: str = "") -> OrgUnit:
    """Put ``unit`` (and its whole subtree) under ``new_parent``; both must be in scope.

    Paths of the subtree and the ``org_path`` of every record in it are rewritten with a few
    bulk UPDATEs, so moving a district with thousands of units and records stays fast.
    """
    require_permission(user, "move")
    reason = _clean(reason)
    with transaction.atomic():
        scoped = scoped_units(user, "move")
        locked = scoped.select_for_update().filter(pk=unit.pk).first()
        if locked is None:
            raise ValidationError(_("该单位不存在或不在您的管辖范围内。"))
        target = None
        if new_parent is not None:
            target = scoped.select_for_update().filter(pk=new_parent.pk).first()
        if target is None:
            raise ValidationError({"new_parent": _("目标上级单位不存在或不在您的管辖范围内。")})
        if target.pk == locked.parent_id:
            raise ValidationError({"new_parent": _("该单位已经在这个上级单位之下。")})
        if target.path.startswith(locked.path):
            raise ValidationError({"new_parent": _("不能把单位移到它自己或它的下级单位之下。")})
        if msg := rules.placement_error(locked.kind, target):
            raise ValidationError({"new_parent": msg})
        old_prefix = locked.path
        new_prefix = f"{target.path}{locked.code}{SEPARATOR}"
        # Lock the whole subtree first: a unit being created under one of its members waits
        # for the move and then reads its parent's new path (PostgreSQL; SQLite serialises).
        list(OrgUnit.objects.filter(path__subtree=old_prefix).select_for_update().values_list("pk"))
        longest = OrgUnit.objects.filter(path__subtree=old_prefix).aggregate(n=Max(Length("path")))[
            "n"
        ]
        if longest - len(old_prefix) + len(new_prefix) > PATH_MAX_LENGTH:
            raise ValidationError({"new_parent": _("移动后层级过深，无法移动到该单位之下。")})

        before = audit.snapshot(locked, MOVE_FIELDS)
        delta = target.level + 1 - locked.level
        locked.parent = target
        locked.save(update_fields=["parent", "updated_at"])
        units = OrgUnit.objects.filter(path__subtree=old_prefix).update(
            path=_rewrite_prefix("path", old_prefix, new_prefix),
            level=F("level") + delta,
            updated_at=timezone.now(),
        )
        records = rewrite_org_paths(old_prefix, new_prefix)
        locked.refresh_from_db()
        # Re-check inside the transaction: the unit must still lie in the actor's scope.
        if user is not None and not scoped.filter(pk=locked.pk).exists():
            raise ValidationError({NON_FIELD_ERRORS: _("移动后该单位将不在您的管辖范围内。")})
        audit.record_change(
            user,
            locked,
            "move",
            before=before,
            after=audit.snapshot(locked, MOVE_FIELDS),
            units=units,
            records=records,
            reason=reason,
        )
    return locked
