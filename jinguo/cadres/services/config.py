"""The configuration a federation edits: position types (职务类型) and retraining rules (复训规则).

Both are federation-wide data, not scoped records: the pages and these services need the
model's permissions, which the shipped system administrator holds. A type or a rule in use is
never deleted — it is switched off, so the roster's history keeps its names.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import PostKind, TrainingKind
from ..models import PositionType, RetrainingRule
from .common import clean_text

POSITION_TYPE_FIELDS = ("name", "kind", "is_executive", "is_grid_worker", "sort", "is_active")
RULE_FIELDS = ("name", "position_type", "kind", "every_months", "is_active")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_SORT = 32767
MONTHS_RANGE = (1, 120)


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _clean_type(row: PositionType, errors: dict) -> None:
    row.name = clean_text(row.name, errors, "name", label=_("名称"), max_length=40, required=True)
    if row.kind not in PostKind.values:
        errors["kind"] = _("请选择职务类别。")
    if row.sort is None or not 0 <= row.sort <= MAX_SORT:
        errors["sort"] = _("排序须在 0 到 %(n)d 之间。") % {"n": MAX_SORT}
    if row.is_executive and row.kind != PostKind.FEDERATION:
        errors["is_executive"] = _("只有妇联职务才能属于执委会。")
    if (
        row.name
        and "name" not in errors
        and PositionType.objects.filter(name=row.name).exclude(pk=row.pk).exists()
    ):
        errors["name"] = _("已有名为“%(name)s”的职务类型。") % {"name": row.name}


def position_type_create(
    *,
    user,
    code: str,
    name: str,
    kind: str = PostKind.FEDERATION,
    is_executive: bool = False,
    is_grid_worker: bool = False,
    sort: int = 100,
    is_active: bool = True,
) -> PositionType:
    _require(user, "cadres.add_positiontype")
    errors: dict = {}
    code = (code or "").strip().lower()
    if not code:
        errors["code"] = _("请填写代码。")
    elif len(code) > 40 or not _CODE.match(code):
        errors["code"] = _(
            "代码只能包含小写字母、数字、下划线和连字符，且以字母或数字开头，不超过 40 位。"
        )
    elif PositionType.objects.filter(code=code).exists():
        errors["code"] = _("代码“%(code)s”已被使用。") % {"code": code}
    row = PositionType(
        code=code,
        name=name,
        kind=kind,
        is_executive=bool(is_executive),
        is_grid_worker=bool(is_grid_worker),
        sort=sort,
        is_active=bool(is_active),
    )
    _clean_type(row, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row.save(force_insert=True)
        audit.record_change(user, row, "create", after=audit.snapshot(row))
    return row


def position_type_update(*, user, position_type: PositionType, **fields) -> PositionType:
    """Change a type's name, kind, flags, order or switch it off; the code stays (the API and
    the defaults name types by it)."""
    _require(user, "cadres.change_positiontype")
    return _locked_update(user, position_type, fields, POSITION_TYPE_FIELDS, _clean_type)


def _clean_rule(row: RetrainingRule, errors: dict) -> None:
    row.name = clean_text(row.name, errors, "name", label=_("名称"), max_length=60, required=True)
    if row.position_type_id is None:
        errors["position_type"] = _("请选择适用职务。")
    if row.kind not in TrainingKind.values:
        errors["kind"] = _("请选择培训类别。")
    low, high = MONTHS_RANGE
    if row.every_months is None or not low <= row.every_months <= high:
        errors["every_months"] = _("复训周期须在 %(low)d 到 %(high)d 个月之间。") % {
            "low": low,
            "high": high,
        }
    if (
        row.name
        and "name" not in errors
        and RetrainingRule.objects.filter(name=row.name).exclude(pk=row.pk).exists()
    ):
        errors["name"] = _("已有名为“%(name)s”的复训规则。") % {"name": row.name}
    if (
        row.is_active
        and row.position_type_id
        and row.kind in TrainingKind.values
        and RetrainingRule.objects.filter(
            is_active=True, position_type_id=row.position_type_id, kind=row.kind
        )
        .exclude(pk=row.pk)
        .exists()
    ):
        errors["kind"] = _("该职务已有同一培训类别的启用规则，请修改那一条。")


def retraining_rule_create(
    *, user, name: str, position_type, kind: str, every_months: int, is_active: bool = True
) -> RetrainingRule:
    _require(user, "cadres.add_retrainingrule")
    row = RetrainingRule(
        name=name,
        position_type=position_type,
        kind=kind,
        every_months=every_months,
        is_active=bool(is_active),
    )
    errors: dict = {}
    _clean_rule(row, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row.save(force_insert=True)
        audit.record_change(user, row, "create", after=audit.snapshot(row))
    return row


def retraining_rule_update(*, user, rule: RetrainingRule, **fields) -> RetrainingRule:
    """Change a rule; the list of who is due follows at once (it is computed on reading)."""
    _require(user, "cadres.change_retrainingrule")
    return _locked_update(user, rule, fields, RULE_FIELDS, _clean_rule)


def _locked_update(user, obj, fields: dict, allowed, clean):
    """Set ``fields`` on ``obj``'s row, locked; ``clean(row, errors)`` validates; saves and
    audits only what changed."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        row = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
        if row is None:
            raise ValidationError(_("记录不存在。"))
        before = audit.snapshot(row)
        for name, value in fields.items():
            setattr(row, name, value)
        errors: dict = {}
        clean(row, errors)
        if errors:
            raise ValidationError(errors)
        after = audit.snapshot(row)
        changed = [n for n in allowed if _value(after, n) != _value(before, n)]
        if changed:
            row.save(update_fields=changed)
            audit.record_change(user, row, "update", before=before, after=after)
    return row


def _value(snapshot: dict, name: str):
    return snapshot.get(name, snapshot.get(f"{name}_id"))
