"""A federation edits its early-warning rules (维权预警规则): level, who is told, the numbers a
rule's check reads (``params``), escalation of unsigned warnings, and whether it runs. The
check itself stays in code, keyed by ``code``; so do how its warnings end (``resolves_when``)
and the code.

- PARAMS: rule code -> the parameters its check reads, each with a label and a range.
- alert_rule_params(rule) -> list[Param]
- alert_rule_update(*, user, rule, name, description, level, audience, params,
  escalate_after_hours, is_active) -> AlertRule
    Needs ``protection.change_alertrule``. A change of params or of is_active clears the
    rule's watermark, so the next sweep checks it in full: warnings the new thresholds no
    longer hold are resolved, new ones raised. Open warnings of a rule switched off stay
    open until someone resolves them.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.core import audit

from ..choices import AlertAudience, AlertLevel
from ..models import AlertRule

FIELDS = [
    "name",
    "description",
    "level",
    "audience",
    "params",
    "escalate_after_hours",
    "is_active",
]
MAX_ESCALATE_HOURS = 24 * 7
DESCRIPTION_MAX = 1000


@dataclass(frozen=True)
class Param:
    key: str
    label: str
    minimum: int
    maximum: int
    help_text: str = ""


_LOOKBACK = Param(
    "lookback_days",
    gettext_lazy("回看天数"),
    1,
    366,
    gettext_lazy("首次全面巡查时回看多少天内的记录。"),
)

# What each check reads from ``rule.params`` (see services/alert_rules.py); a rule not named
# here reads none.
PARAMS: dict[str, tuple[Param, ...]] = {
    "repeat_victim": (
        Param("cases", gettext_lazy("个案件数"), 2, 20, gettext_lazy("达到几件家暴个案即预警。")),
        Param("months", gettext_lazy("统计月数"), 1, 60, gettext_lazy("在最近几个月内计数。")),
    ),
    "order_expiring": (
        Param("days", gettext_lazy("提前天数"), 1, 180, gettext_lazy("保护令到期前几天预警。")),
    ),
    "urgent_no_action": (
        Param(
            "hours",
            gettext_lazy("无适用清单时的处置时限（小时）"),
            1,
            72,
            gettext_lazy(
                "处置时限按适用的应急处置清单（系统管理 › 应急处置清单）；没有启用清单适用时用这里的小时数。"
            ),
        ),
        _LOOKBACK,
    ),
    "order_breach": (_LOOKBACK,),
    "visit_missed": (_LOOKBACK,),
    "violence_recurred": (_LOOKBACK,),
}


def alert_rule_params(rule) -> tuple[Param, ...]:
    return PARAMS.get(rule.code, ())


def _positive_int(value, param: Param, errors: dict) -> int | None:
    """A whole number in the parameter's range; a bool, a fraction or text is refused."""
    label = str(param.label)
    if value is None or value == "":
        errors[f"param_{param.key}"] = _("请填写“%(label)s”。") % {"label": label}
        return None
    if isinstance(value, bool):
        value = None
    elif isinstance(value, str):
        value = int(value.strip()) if value.strip().isdigit() else None
    elif isinstance(value, float):
        value = int(value) if value.is_integer() else None
    elif not isinstance(value, int):
        value = None
    if value is None or value < 1:
        errors[f"param_{param.key}"] = _("“%(label)s”须为正整数。") % {"label": label}
        return None
    if not param.minimum <= value <= param.maximum:
        errors[f"param_{param.key}"] = _("“%(label)s”应在 %(min)d 到 %(max)d 之间。") % {
            "label": label,
            "min": param.minimum,
            "max": param.maximum,
        }
        return None
    return value


def validate_params(code: str, params) -> dict:
    """The rule's parameters, each a whole number in its range; unknown keys are refused."""
    if not isinstance(params, dict):
        raise ValidationError({"params": _("参数格式不正确。")})
    spec = {p.key: p for p in PARAMS.get(code, ())}
    errors: dict = {}
    unknown = sorted(set(params) - set(spec))
    if unknown:
        errors["params"] = _("该规则没有这些参数：%(keys)s。") % {"keys": "、".join(unknown)}
    clean = {}
    for key, param in spec.items():
        value = _positive_int(params.get(key), param, errors)
        if value is not None:
            clean[key] = value
    if errors:
        raise ValidationError(errors)
    return clean


def _validate(rule: AlertRule) -> None:
    errors: dict = {}
    rule.name = (rule.name or "").strip()
    rule.description = (rule.description or "").strip()
    if not rule.name:
        errors["name"] = _("请填写规则名称。")
    elif len(rule.name) > 100:
        errors["name"] = _("名称不能超过 %(n)d 个字。") % {"n": 100}
    elif AlertRule.objects.filter(name=rule.name).exclude(pk=rule.pk).exists():
        errors["name"] = _("已有名为“%(name)s”的预警规则。") % {"name": rule.name}
    if len(rule.description) > DESCRIPTION_MAX:
        errors["description"] = _("说明不能超过 %(n)d 个字。") % {"n": DESCRIPTION_MAX}
    if rule.level not in AlertLevel.values:
        errors["level"] = _("请选择预警级别。")
    if rule.audience not in AlertAudience.values:
        errors["audience"] = _("请选择通知对象。")
    hours = rule.escalate_after_hours
    if hours is not None and (
        isinstance(hours, bool)
        or not isinstance(hours, int)
        or not 1 <= hours <= MAX_ESCALATE_HOURS
    ):
        errors["escalate_after_hours"] = _(
            "上报时限应为 1 到 %(max)d 之间的整数小时，或留空不上报。"
        ) % {"max": MAX_ESCALATE_HOURS}
    try:
        rule.params = validate_params(rule.code, rule.params)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def alert_rule_update(*, user, rule: AlertRule, **fields) -> AlertRule:
    if user is None or not user.has_perm("protection.change_alertrule"):
        raise PermissionDenied
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        rule = AlertRule.objects.select_for_update().get(pk=rule.pk)
        before = audit.snapshot(rule, FIELDS)
        for name, value in fields.items():
            setattr(rule, name, value)
        _validate(rule)
        after = audit.snapshot(rule, FIELDS)
        if after == before:
            return rule
        changed = [name for name in FIELDS if before.get(name) != after.get(name)]
        update = list(changed)
        if {"params", "is_active"} & set(changed):
            rule.swept_at = None
            update.append("swept_at")
        rule.save(update_fields=update)
        audit.record_change(
            user, rule, "update", before=before, after=after, step="alert_rule_update"
        )
    return rule
