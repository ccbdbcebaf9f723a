"""Configuration a federation edits: the appeal category tree and the deadline policies.

Rows are switched off, never deleted, so that old cases keep their classification and an
upgrade finds what it shipped (``is_builtin``).
Every write is one transaction with an audit row as its last database write.

- category_create(*, user, name, parent=None, is_violence=False, sensitive=False,
  is_active=True, sort=100, code="") -> Category
- category_update(*, user, category, **same fields except code) -> Category
- policy_create(*, user, name, category=None, urgency="", **amounts) -> DeadlinePolicy
- policy_update(*, user, policy, **same fields) -> DeadlinePolicy
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.pinyin import name_initials

from ..choices import DeadlineUnit
from ..models import Category, DeadlinePolicy

CATEGORY_FIELDS = ["name", "parent", "is_violence", "sensitive", "is_active", "sort"]
POLICY_FIELDS = [
    "name",
    "category",
    "urgency",
    "decide_amount",
    "decide_unit",
    "finish_amount",
    "finish_unit",
    "max_extension_days",
    "follow_up_amount",
    "follow_up_unit",
    "referral_amount",
    "referral_unit",
    "warn_hours",
    "is_active",
]
# Upper bounds that catch a typo (600 days instead of 60) without limiting real policies.
MAX_DAYS = 366
MAX_HOURS = 24 * 31
MAX_WARN_HOURS = 24 * 30
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


# --- categories -----------------------------------------------------------------------------


def _category_code(name: str, parent: Category | None) -> str:
    """A readable unique code from the pinyin initials, e.g. 家庭纠纷 under family → family-jtjf."""
    stem = name_initials(name)[:20] or "cat"
    base = f"{parent.code}-{stem}" if parent else stem
    base = base[:36]
    code, n = base, 2
    while Category.objects.filter(code=code).exists():
        code = f"{base}-{n}"
        n += 1
    return code


def _validate_category(category: Category) -> None:
    errors = {}
    name = (category.name or "").strip()
    category.name = name
    if not name:
        errors["name"] = _("请填写类别名称。")
    parent = category.parent
    if parent is not None:
        if category.pk and parent.pk == category.pk:
            errors["parent"] = _("上级类别不能是它自己。")
        elif parent.parent_id:
            errors["parent"] = _("诉求类别只有两级：上级类别只能选择一级类别。")
        elif category.pk and category.children.exists():
            errors["parent"] = _("该类别下还有子类别，不能再挂到其他类别下面。")
    if name and not errors.get("parent"):
        clash = Category.objects.filter(parent=parent, name=name).exclude(pk=category.pk)
        if clash.exists():
            errors["name"] = _("同一上级下已有名为“%(name)s”的类别。") % {"name": name}
    if category.sort is None or category.sort > 32767:
        errors["sort"] = _("排序号应在 0 到 32767 之间。")
    if errors:
        raise ValidationError(errors)


def category_create(
    *,
    user,
    name: str,
    parent: Category | None = None,
    is_violence: bool = False,
    sensitive: bool = False,
    is_active: bool = True,
    sort: int = 100,
    code: str = "",
) -> Category:
    _require(user, "cases.add_category")
    with transaction.atomic():
        category = Category(
            name=name,
            parent=parent,
            is_violence=is_violence,
            # Violence is always sensitive: the case inherits the flag from its category.
            sensitive=sensitive or is_violence,
            is_active=is_active,
            sort=sort,
        )
        _validate_category(category)
        code = (code or "").strip().lower()
        if code:
            if not _CODE.match(code):
                raise ValidationError(
                    {"code": _("代码只能包含小写字母、数字和连字符，且以字母或数字开头。")}
                )
            if Category.objects.filter(code=code).exists():
                raise ValidationError({"code": _("代码“%(code)s”已被使用。") % {"code": code}})
        category.code = code or _category_code(category.name, parent)
        category.save(force_insert=True)
        audit.record_change(user, category, "create", after=audit.snapshot(category))
    return category


def category_update(*, user, category: Category, **fields) -> Category:
    _require(user, "cases.change_category")
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        before = audit.snapshot(category)
        for name, value in fields.items():
            setattr(category, name, value)
        if category.is_violence:
            category.sensitive = True
        _validate_category(category)
        changed = [
            n
            for n in CATEGORY_FIELDS
            if audit.snapshot(category).get(_col(n)) != before.get(_col(n))
        ]
        if changed:
            category.save(update_fields=changed)
            audit.record_change(
                user, category, "update", before=before, after=audit.snapshot(category)
            )
    return category


def _col(name: str) -> str:
    """The snapshot key of a field (foreign keys are stored under their column name)."""
    return f"{name}_id" if name in ("parent", "category") else name


# --- deadline policies ----------------------------------------------------------------------


def _validate_policy(policy: DeadlinePolicy) -> None:
    errors = {}
    policy.name = (policy.name or "").strip()
    if not policy.name:
        errors["name"] = _("请填写规则名称。")
    for stage, label in (
        ("decide", _("受理期限")),
        ("finish", _("办结期限")),
        ("follow_up", _("回访期限")),
        ("referral", _("转介答复期限")),
    ):
        amount = getattr(policy, f"{stage}_amount")
        unit = getattr(policy, f"{stage}_unit")
        if unit not in DeadlineUnit.values:
            errors[f"{stage}_unit"] = _("请选择期限单位。")
            continue
        limit = MAX_HOURS if unit == DeadlineUnit.HOURS else MAX_DAYS
        if amount is None or amount < 1:
            errors[f"{stage}_amount"] = _("%(label)s至少为 1。") % {"label": label}
        elif amount > limit:
            errors[f"{stage}_amount"] = _("%(label)s不能超过 %(limit)d %(unit)s。") % {
                "label": label,
                "limit": limit,
                "unit": DeadlineUnit(unit).label,
            }
    if policy.max_extension_days is not None and policy.max_extension_days > MAX_DAYS:
        errors["max_extension_days"] = _("最多可延期天数不能超过 %(limit)d 天。") % {
            "limit": MAX_DAYS
        }
    if policy.warn_hours is not None and policy.warn_hours > MAX_WARN_HOURS:
        errors["warn_hours"] = _("提前提醒不能超过 %(limit)d 小时（30 天）。") % {
            "limit": MAX_WARN_HOURS
        }
    if policy.category_id and policy.category.parent_id and policy.category.parent.parent_id:
        errors["category"] = _("请选择一级或二级类别。")
    if policy.is_active and not errors:
        clash = DeadlinePolicy.objects.filter(
            is_active=True, category=policy.category, urgency=policy.urgency
        ).exclude(pk=policy.pk)
        other = clash.first()
        if other is not None:
            errors["urgency"] = _(
                "已有适用于相同类别和紧急程度的启用规则“%(name)s”。请修改那条规则，或先停用它。"
            ) % {"name": other.name}
    if not policy.is_active and policy.pk and policy.category_id is None and not policy.urgency:
        others = DeadlinePolicy.objects.filter(
            is_active=True, category__isnull=True, urgency=""
        ).exclude(pk=policy.pk)
        if not others.exists():
            errors["is_active"] = _(
                "这是通用的默认规则，停用后没有规则适用的个案将无法按本单位的设置计算期限。"
                "请保留启用，修改其中的期限即可。"
            )
    if errors:
        raise ValidationError(errors)


def policy_create(*, user, name: str, **fields) -> DeadlinePolicy:
    _require(user, "cases.add_deadlinepolicy")
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        policy = DeadlinePolicy(name=name, **fields)
        if policy.urgency is None:
            policy.urgency = ""
        _validate_policy(policy)
        policy.save(force_insert=True)
        audit.record_change(user, policy, "create", after=audit.snapshot(policy))
    return policy


def policy_update(*, user, policy: DeadlinePolicy, **fields) -> DeadlinePolicy:
    _require(user, "cases.change_deadlinepolicy")
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        policy = DeadlinePolicy.objects.select_for_update().get(pk=policy.pk)
        before = audit.snapshot(policy)
        for name, value in fields.items():
            setattr(policy, name, "" if name == "urgency" and value is None else value)
        _validate_policy(policy)
        after = audit.snapshot(policy)
        changed = [n for n in POLICY_FIELDS if after.get(_col(n)) != before.get(_col(n))]
        if changed:
            policy.save(update_fields=changed)
            audit.record_change(user, policy, "update", before=before, after=audit.snapshot(policy))
    return policy
