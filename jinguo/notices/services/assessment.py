"""Target assessment (目标考核): setting indicators, scoring the child units, a unit entering
its own figure with evidence, and the upper level adjusting a score with a reason.

CONTRACT:
- score_of(indicator, actual) -> Decimal
- indicator_create(*, user, year, name, weight, target, method, direction="higher",
  description="", source="", dimension="", values=()) -> Indicator
- assessment_compute(*, user, indicator) -> int   (child units scored; computed indicators
  read the statistics summaries for the year)
- assessment_enter(*, user, assessment, actual, evidence) -> Assessment   (the assessed unit)
- assessment_adjust(*, user, assessment, score, reason) -> Assessment     (the setting unit)
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.scoping import permission_name
from jinguo.orgs.models import OrgUnit
from jinguo.stats import selectors as stats
from jinguo.stats import sources as stats_sources
from jinguo.stats.periods import Period

from ..choices import IndicatorDirection, IndicatorMethod
from ..models import Assessment, Indicator

CENT = Decimal("0.01")
WEIGHT_MAX = Decimal("100")
VALUE_MAX = Decimal("1e12")
NAME_MAX = Indicator._meta.get_field("name").max_length
REASON_MAX = Assessment._meta.get_field("adjust_reason").max_length
TEXT_MAX = 5000


def _not_found(what) -> ValidationError:
    return ValidationError(
        _("该%(what)s不存在，或您无权进行此项操作。") % {"what": what}, code="not_found"
    )


def _locked(model, user, obj, action, what):
    pk = getattr(obj, "pk", obj)
    found = model.objects.restrict(user, action).select_for_update().filter(pk=pk).first()
    if found is None:
        raise _not_found(what)
    return found


def _decimal(value, field, label, errors, *, minimum=None, maximum=VALUE_MAX):
    if isinstance(value, bool) or value in (None, ""):
        errors[field] = _("请填写%(label)s。") % {"label": label}
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors[field] = _("%(label)s须是一个数字。") % {"label": label}
        return None
    if (minimum is not None and number < minimum) or abs(number) > maximum:
        errors[field] = _("%(label)s须在 %(lo)s 到 %(hi)s 之间。") % {
            "label": label,
            "lo": minimum if minimum is not None else -maximum,
            "hi": maximum,
        }
        return None
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def score_of(indicator: Indicator, actual) -> Decimal:
    """Full marks when the target is reached; proportionally fewer short of it."""
    if actual is None:
        return Decimal("0.00")
    weight, target, actual = indicator.weight, indicator.target, Decimal(actual)
    if indicator.direction == IndicatorDirection.LOWER:
        ratio = Decimal(1) if actual <= target else (target / actual if actual > 0 else 0)
    elif target <= 0:
        ratio = Decimal(1)
    else:
        ratio = max(Decimal(0), min(actual / target, Decimal(1)))
    return (weight * Decimal(ratio)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- indicators ------------------------------------------------------------------------------


def indicator_create(
    *,
    user,
    year,
    name,
    weight,
    target,
    method,
    direction=IndicatorDirection.HIGHER,
    description="",
    source="",
    dimension="",
    values=(),
) -> Indicator:
    if not user.has_perm(permission_name(Indicator, "add")) or user.home_unit is None:
        raise PermissionDenied
    errors: dict = {}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("请填写 2000 到 2100 之间的年度。")
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = _("请填写指标名称。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("指标名称不能超过 %(n)d 个字。") % {"n": NAME_MAX}
    description = (description or "").strip() if isinstance(description, str) else ""
    if len(description) > TEXT_MAX:
        errors["description"] = _("考核说明不能超过 %(n)d 个字。") % {"n": TEXT_MAX}
    weight = _decimal(weight, "weight", _("分值"), errors, minimum=CENT, maximum=WEIGHT_MAX)
    target = _decimal(target, "target", _("目标值"), errors, minimum=Decimal(0))
    if method not in IndicatorMethod.values:
        errors["method"] = _("请选择取值方式。")
    if direction not in IndicatorDirection.values:
        errors["direction"] = _("请选择评分规则。")
    values = [str(v) for v in (values or ()) if str(v).strip()]
    if method in (IndicatorMethod.COUNT, IndicatorMethod.SHARE):
        src = stats.visible_source(user, source) if isinstance(source, str) else None
        if src is None:
            errors["source"] = _("请选择一个统计项。")
        elif dimension and dimension not in stats_sources.dimensions(src):
            errors["dimension"] = _("该统计项没有这个维度。")
        elif method == IndicatorMethod.SHARE and not (dimension and values):
            errors["values"] = _("占比指标须选择统计维度并填写计入的取值。")
    else:
        source, dimension, values = "", "", []
    if not dimension:
        values = []
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        indicator = Indicator(
            org=user.home_unit,
            year=year,
            name=name,
            description=description,
            weight=weight,
            target=target,
            method=method,
            direction=direction,
            source=source,
            dimension=dimension,
            values=values,
            created_by=user,
        )
        if Indicator.objects.filter(org=indicator.org, year=year, name=name).exists():
            raise ValidationError({"name": _("本单位该年度已有同名指标。")})
        indicator.save(force_insert=True)
        audit.record_change(user, indicator, "create", after=audit.snapshot(indicator))
    return indicator


# --- scoring ---------------------------------------------------------------------------------


def _year(indicator) -> Period:
    return Period(
        "year", datetime.date(indicator.year, 1, 1), datetime.date(indicator.year + 1, 1, 1)
    )


def measured(indicator: Indicator, unit: OrgUnit) -> tuple[Decimal | None, bool]:
    """(actual value, whether it rests on a sensitive count below 5) for a computed indicator."""
    src = stats_sources.source(indicator.source)
    if src is None:
        return None, False
    where = {indicator.dimension: indicator.values} if indicator.dimension else None
    part = stats.total(src, unit.path, _year(indicator), where)
    if indicator.method == IndicatorMethod.COUNT:
        return Decimal(part.n), part.risky()
    whole = stats.total(src, unit.path, _year(indicator))
    if not whole.n:
        return None, False
    share = (Decimal(100) * part.n / whole.n).quantize(CENT, rounding=ROUND_HALF_UP)
    return share, part.risky() or whole.risky()


def assessment_compute(*, user, indicator) -> int:
    """Score every active child unit of the setting unit on ``indicator``."""
    now = timezone.now()
    with transaction.atomic():
        indicator = _locked(Indicator, user, indicator, "change", _("考核指标"))
        if indicator.org_id != user.home_unit_id:
            raise _not_found(_("考核指标"))
        units = list(OrgUnit.objects.filter(parent=indicator.org, is_active=True).order_by("path"))
        existing = {a.org_id: a for a in indicator.assessments.select_for_update()}
        for unit in units:
            row = existing.get(unit.pk) or Assessment(indicator=indicator, org=unit)
            if indicator.computed:
                row.actual, row.actual_risky = measured(indicator, unit)
                row.computed_at = now
            row.score = score_of(indicator, row.actual)
            row.save()
        audit.record_change(
            user, indicator, "assessment_compute", after={"units": len(units)}, year=indicator.year
        )
    return len(units)


def assessment_enter(*, user, assessment, actual, evidence) -> Assessment:
    """The assessed unit's own figure for an entered indicator, with its evidence."""
    errors: dict = {}
    actual = _decimal(actual, "actual", _("实际值"), errors, minimum=Decimal(0))
    evidence = evidence.strip() if isinstance(evidence, str) else ""
    if not evidence:
        errors["evidence"] = _("请填写佐证说明。")
    elif len(evidence) > TEXT_MAX:
        errors["evidence"] = _("佐证说明不能超过 %(n)d 个字。") % {"n": TEXT_MAX}
    with transaction.atomic():
        assessment = _locked(Assessment, user, assessment, "change", _("考核得分"))
        if assessment.org_id != user.home_unit_id:
            raise _not_found(_("考核得分"))
        if assessment.indicator.computed:
            raise ValidationError(_("该指标由统计数据自动计算，无需填报。"))
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(assessment, ["actual", "score", "evidence"])
        assessment.actual, assessment.evidence = actual, evidence
        assessment.score = score_of(assessment.indicator, actual)
        assessment.entered_by, assessment.entered_at = user, timezone.now()
        assessment.save(update_fields=["actual", "evidence", "score", "entered_by", "entered_at"])
        audit.record_change(
            user,
            assessment,
            "assessment_enter",
            before=before,
            after=audit.snapshot(assessment, ["actual", "score", "evidence"]),
        )
    return assessment


def assessment_adjust(*, user, assessment, score, reason) -> Assessment:
    """The setting unit changes a score, always with a reason."""
    errors: dict = {}
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors["reason"] = _("请填写调整理由。")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("调整理由不能超过 %(n)d 个字。") % {"n": REASON_MAX}
    with transaction.atomic():
        assessment = _locked(Assessment, user, assessment, "adjust", _("考核得分"))
        indicator = assessment.indicator
        if indicator.org_id != user.home_unit_id:
            raise _not_found(_("考核得分"))
        score = _decimal(score, "score", _("调整后得分"), errors, minimum=Decimal(0))
        if score is not None and score > indicator.weight:
            errors["score"] = _("得分不能超过该指标的分值 %(w)s。") % {"w": indicator.weight}
        if errors:
            raise ValidationError(errors)
        before = {"score": assessment.final_score}
        assessment.adjusted_score, assessment.adjust_reason = score, reason
        assessment.adjusted_by, assessment.adjusted_at = user, timezone.now()
        assessment.save(
            update_fields=["adjusted_score", "adjust_reason", "adjusted_by", "adjusted_at"]
        )
        audit.record_change(
            user,
            assessment,
            "assessment_adjust",
            before=before,
            after={"score": score, "reason": reason},
        )
    return assessment
