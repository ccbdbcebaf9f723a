"""Risk instruments as data: saving one (a new version when assessments already use it),
choosing the default, and the shipped default instrument.

An instrument is platform-wide configuration, like the case categories: not scoped, guarded by
the role permissions ``protection.add_instrument`` / ``change_instrument``. A saved definition
is a whole (header, bands, items); an instrument already used by an assessment is never
changed in place, so every assessment keeps the questions and weights it was made with.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import LEVEL_RANK, AnswerType, RiskLevel
from ..models import Instrument, InstrumentBand, InstrumentItem, RiskAssessment
from . import risk_default

QUESTION_MAX = InstrumentItem._meta.get_field("question").max_length
HELP_MAX = 2000
NAME_MAX = Instrument._meta.get_field("name").max_length
CODE_MAX = Instrument._meta.get_field("code").max_length
ITEMS_MAX = 200
WEIGHT_MAX = Decimal("999.99")
SCORE_MAX = Decimal("9999.99")
REVIEW_DAYS_MAX = 366


@dataclass
class ItemSpec:
    number: int
    question: str
    help_text: str = ""
    answer_type: str = AnswerType.YES_NO
    weight: Decimal = Decimal(1)
    forces_level: str = ""


@dataclass
class BandSpec:
    level: str
    min_score: Decimal
    review_days: int


@dataclass
class InstrumentSpec:
    """Everything that defines one version of an instrument."""

    code: str
    name: str
    description: str = ""
    locally_validated: bool = False
    bands: list[BandSpec] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)


def _require(user, action: str) -> None:
    if user is not None and not user.has_perm(f"protection.{action}_instrument"):
        raise PermissionDenied(_("您没有管理风险评估工具的权限。"))


def decimal_or_none(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def item_errors(item: ItemSpec) -> list[str]:
    """What is wrong with one item, in words for the user (empty when nothing)."""
    errors = []
    if not isinstance(item.number, int) or item.number < 1 or item.number > 9999:
        errors.append(_("序号须是 1 到 9999 之间的整数"))
    question = (item.question or "").strip()
    if not question:
        errors.append(_("问题不能为空"))
    elif len(question) > QUESTION_MAX:
        errors.append(_("问题不能超过 %(n)d 个字") % {"n": QUESTION_MAX})
    if len(item.help_text or "") > HELP_MAX:
        errors.append(_("提示不能超过 %(n)d 个字") % {"n": HELP_MAX})
    if item.answer_type not in AnswerType.values:
        errors.append(_("回答方式只能是“是/否”或“是/否/不清楚”"))
    weight = decimal_or_none(item.weight)
    if weight is None or weight < 0 or weight > WEIGHT_MAX:
        errors.append(_("分值须是 0 到 999.99 之间的数"))
    elif weight != weight.quantize(Decimal("0.01")):
        errors.append(_("分值最多两位小数"))
    if item.forces_level and item.forces_level not in RiskLevel.values:
        errors.append(_("强制等级只能是一般风险、中风险或高风险，或留空"))
    return errors


def spec_errors(spec: InstrumentSpec) -> dict[str, list[str]]:
    """Every problem of a definition, keyed by where it belongs ("items" lists them by line)."""
    errors: dict[str, list[str]] = {}
    code = (spec.code or "").strip()
    if not code:
        errors.setdefault("code", []).append(_("请填写工具代码。"))
    elif len(code) > CODE_MAX or not all(c.isalnum() or c in "-_" for c in code):
        errors.setdefault("code", []).append(
            _("工具代码只能由字母、数字、“-”和“_”组成，不超过 %(n)d 个字符。") % {"n": CODE_MAX}
        )
    name = (spec.name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("请填写工具名称。"))
    elif len(name) > NAME_MAX:
        errors.setdefault("name", []).append(_("名称不能超过 %(n)d 个字。") % {"n": NAME_MAX})
    levels = {b.level: b for b in spec.bands}
    if set(levels) != set(RiskLevel.values) or len(spec.bands) != len(RiskLevel.values):
        errors.setdefault("bands", []).append(_("须为一般、中、高三个风险等级各设一个分数线。"))
    else:
        ordered = sorted(spec.bands, key=lambda b: LEVEL_RANK[b.level])
        for band in ordered:
            score = decimal_or_none(band.min_score)
            if score is None or score < 0 or score > SCORE_MAX:
                errors.setdefault("bands", []).append(
                    _("%(level)s的分数线须是 0 到 9999.99 之间的数。")
                    % {"level": RiskLevel(band.level).label}
                )
            days = band.review_days
            if not isinstance(days, int) or days < 1 or days > REVIEW_DAYS_MAX:
                errors.setdefault("bands", []).append(
                    _("%(level)s的复评间隔须是 1 到 %(n)d 天。")
                    % {"level": RiskLevel(band.level).label, "n": REVIEW_DAYS_MAX}
                )
        if "bands" not in errors:
            if decimal_or_none(ordered[0].min_score) != 0:
                errors.setdefault("bands", []).append(_("一般风险的分数线须为 0。"))
            scores = [decimal_or_none(b.min_score) for b in ordered]
            if not scores[0] < scores[1] < scores[2]:
                errors.setdefault("bands", []).append(_("分数线须逐级升高：一般 < 中 < 高风险。"))
    if not spec.items:
        errors.setdefault("items", []).append(_("工具至少要有一道题目。"))
    elif len(spec.items) > ITEMS_MAX:
        errors.setdefault("items", []).append(_("题目不能超过 %(n)d 道。") % {"n": ITEMS_MAX})
    seen: set[int] = set()
    for item in spec.items:
        problems = item_errors(item)
        if isinstance(item.number, int) and item.number in seen:
            problems.append(_("序号与前面的题目重复"))
        if isinstance(item.number, int):
            seen.add(item.number)
        if problems:
            errors.setdefault("items", []).append(
                _("第 %(n)s 题：%(problems)s。")
                % {"n": item.number, "problems": "；".join(problems)}
            )
    return errors


def spec_of(instrument: Instrument) -> InstrumentSpec:
    return InstrumentSpec(
        code=instrument.code,
        name=instrument.name,
        description=instrument.description,
        locally_validated=instrument.locally_validated,
        bands=[
            BandSpec(b.level, b.min_score, b.review_days)
            for b in sorted(instrument.bands.all(), key=lambda b: LEVEL_RANK[b.level])
        ],
        items=[
            ItemSpec(
                i.number, i.question, i.help_text, i.answer_type, i.weight, i.forces_level or ""
            )
            for i in instrument.items.order_by("number")
        ],
    )


def _snapshot(instrument: Instrument) -> dict:
    spec = spec_of(instrument)
    return {
        "code": spec.code,
        "version": instrument.version,
        "name": spec.name,
        "locally_validated": spec.locally_validated,
        "is_active": instrument.is_active,
        "is_default": instrument.is_default,
        "bands": {b.level: [str(b.min_score), b.review_days] for b in spec.bands},
        "items": len(spec.items),
        "forcing": [i.number for i in spec.items if i.forces_level],
    }


def _write_parts(instrument: Instrument, spec: InstrumentSpec, using: str) -> None:
    InstrumentBand.objects.using(using).bulk_create(
        InstrumentBand(
            instrument=instrument,
            level=b.level,
            min_score=decimal_or_none(b.min_score),
            review_days=b.review_days,
        )
        for b in spec.bands
    )
    InstrumentItem.objects.using(using).bulk_create(
        InstrumentItem(
            instrument=instrument,
            number=i.number,
            question=i.question.strip(),
            help_text=(i.help_text or "").strip(),
            answer_type=i.answer_type,
            weight=decimal_or_none(i.weight),
            forces_level=i.forces_level or "",
        )
        for i in sorted(spec.items, key=lambda i: i.number)
    )


def is_used(instrument: Instrument) -> bool:
    return RiskAssessment.objects.filter(instrument=instrument).exists()


def _clean_spec(spec: InstrumentSpec) -> InstrumentSpec:
    spec.code = (spec.code or "").strip()
    spec.name = (spec.name or "").strip()
    spec.description = (spec.description or "").strip()
    return spec


def instrument_save(
    *, user, spec: InstrumentSpec, instrument: Instrument | None = None, is_active: bool = True
) -> Instrument:
    """Save a definition. ``instrument`` is the version being edited (None: a new instrument,
    or a new version of the instrument with that code). A version some assessment already
    uses is kept as it is: the change becomes the next version, which replaces it as the one
    new assessments use (and as the default, if it was)."""
    _require(user, "change" if instrument is not None else "add")
    spec = _clean_spec(spec)
    errors = spec_errors(spec)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if instrument is not None:
            instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
            if spec.code != instrument.code:
                raise ValidationError({"code": _("已有工具的代码不能修改。")})
            if not is_used(instrument):
                before = _snapshot(instrument)
                instrument.name = spec.name
                instrument.description = spec.description
                instrument.locally_validated = spec.locally_validated
                instrument.is_active = is_active or instrument.is_default
                instrument.save(
                    update_fields=["name", "description", "locally_validated", "is_active"]
                )
                instrument.bands.all().delete()
                instrument.items.all().delete()
                _write_parts(instrument, spec, "default")
                audit.record_change(
                    user, instrument, "update", before=before, after=_snapshot(instrument)
                )
                return instrument
            previous = instrument
        else:
            previous = (
                Instrument.objects.select_for_update()
                .filter(code=spec.code)
                .order_by("-version")
                .first()
            )
        latest = Instrument.objects.filter(code=spec.code).aggregate(v=Max("version"))["v"] or 0
        new = Instrument(
            code=spec.code,
            version=latest + 1,
            name=spec.name,
            description=spec.description,
            locally_validated=spec.locally_validated,
            is_active=True,
            is_default=bool(previous and previous.is_default),
            created_by=user,
        )
        if previous is not None:
            # The old version stays for the assessments made with it, out of new use.
            Instrument.objects.filter(code=spec.code).update(is_active=False, is_default=False)
        if not Instrument.objects.filter(is_default=True).exists():
            new.is_default = True
        new.save(force_insert=True)
        _write_parts(new, spec, "default")
        audit.record_change(
            user,
            new,
            "create",
            after=_snapshot(new),
            previous_version=previous.pk if previous else None,
        )
    return new


def instrument_set_default(*, user, instrument: Instrument) -> Instrument:
    """Make ``instrument`` the one new assessments open with."""
    _require(user, "change")
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if not instrument.is_active:
            raise ValidationError(_("已停用或已被新版本取代的工具不能设为默认。"))
        if instrument.is_default:
            return instrument
        Instrument.objects.filter(is_default=True).update(is_default=False)
        instrument.is_default = True
        instrument.save(update_fields=["is_default"])
        audit.record_change(
            user, instrument, "update", before={"is_default": False}, after={"is_default": True}
        )
    return instrument


def instrument_set_active(*, user, instrument: Instrument, active: bool) -> Instrument:
    _require(user, "change")
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if not active and instrument.is_default:
            raise ValidationError(_("默认工具不能停用，请先把另一个工具设为默认。"))
        if active:
            newer = Instrument.objects.filter(code=instrument.code, version__gt=instrument.version)
            if newer.exists():
                raise ValidationError(_("该工具已有新版本，不能重新启用旧版本。"))
        if instrument.is_active == active:
            return instrument
        instrument.is_active = active
        instrument.save(update_fields=["is_active"])
        audit.record_change(
            user, instrument, "activate" if active else "deactivate", after={"is_active": active}
        )
    return instrument


def default_spec() -> InstrumentSpec:
    return InstrumentSpec(
        code=risk_default.CODE,
        name=str(risk_default.NAME),
        description=str(risk_default.DESCRIPTION),
        locally_validated=False,
        bands=[BandSpec(level, Decimal(score), days) for level, score, days in risk_default.BANDS],
        items=[
            ItemSpec(n, str(q), str(h), AnswerType.YES_NO, Decimal(1), force)
            for n, (q, h, force) in enumerate(risk_default.ITEMS, start=1)
        ],
    )


def load_default_instrument(using: str = "default") -> Instrument | None:
    """Create the shipped instrument when no version of it exists; never overwrite."""
    if Instrument.objects.using(using).filter(code=risk_default.CODE).exists():
        return None
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE), transaction.atomic(using=using):
        spec = default_spec()
        instrument = Instrument(
            code=spec.code,
            version=1,
            name=spec.name,
            description=spec.description,
            locally_validated=False,
            is_active=True,
            is_default=not Instrument.objects.using(using).filter(is_default=True).exists(),
        )
        instrument.save(using=using, force_insert=True)
        _write_parts(instrument, spec, using)
    return instrument
