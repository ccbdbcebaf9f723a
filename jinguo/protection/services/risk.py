"""Risk assessments and safety plans: every write, each with its audit event.

Scoring: the score is the sum of the weights of the items answered "yes"; the computed level is
the highest band whose minimum the score reaches; an item with a forcing level answered "yes"
raises it to at least that level. The assessor's professional judgement may raise the level
further (with a reason), never lower it. The next assessment falls due after the final band's
``review_days``.

An assessment belongs to a person and is kept in the person's unit; the case it was made in,
if any, must be one of hers that the assessor can see. Both are sensitive records.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.models import Case, CaseParty
from jinguo.core import audit
from jinguo.core.concurrency import check_version
from jinguo.core.scoping import may
from jinguo.people.models import Person

from ..choices import LEVEL_RANK, AnswerType, RiskLevel
from ..models import Instrument, RiskAssessment, SafetyPlan

YES, NO, UNKNOWN = "yes", "no", "unknown"
ANSWERS = {AnswerType.YES_NO: (YES, NO), AnswerType.YES_NO_UNKNOWN: (YES, NO, UNKNOWN)}
ANSWER_LABELS = {YES: "是", NO: "否", UNKNOWN: "不清楚"}
REASON_MAX = 2000
NOTES_MAX = 5000
PLAN_FIELDS = (
    "safe_contacts",
    "safe_place",
    "code_word",
    "ready_items",
    "children_arrangements",
    "agencies_informed",
)
PLAN_TEXT_MAX = 2000


def higher(a: str, b: str) -> str:
    """The higher of two levels ("" counts as none)."""
    if not a:
        return b
    if not b:
        return a
    return a if LEVEL_RANK[a] >= LEVEL_RANK[b] else b


@dataclass(frozen=True)
class Result:
    score: Decimal
    band_level: str  # the band the score alone reaches
    computed_level: str  # after the forcing items
    forced_by: tuple[int, ...]  # numbers of the forcing items answered "yes"


def score_answers(instrument: Instrument, answers: dict[str, str]) -> Result:
    """Score and level of ``answers`` ({item number as text: "yes"/"no"/"unknown"})."""
    items = list(instrument.items.all())
    bands = sorted(instrument.bands.all(), key=lambda b: b.min_score)
    score = Decimal(0)
    forced = RiskLevel.STANDARD
    forced_by = []
    for item in items:
        if answers.get(str(item.number)) != YES:
            continue
        score += item.weight
        if item.forces_level:
            forced = higher(forced, item.forces_level)
            forced_by.append(item.number)
    band_level = RiskLevel.STANDARD
    for band in bands:
        if score >= band.min_score:
            band_level = higher(band_level, band.level)
    return Result(score, band_level, higher(band_level, forced), tuple(forced_by))


def clean_answers(instrument: Instrument, answers: dict) -> tuple[dict[str, str], dict]:
    """Answers keyed by item number, and an error per unanswered or invalid item."""
    cleaned, errors = {}, {}
    for item in instrument.items.all():
        key = str(item.number)
        value = answers.get(key, answers.get(item.number))
        value = "" if value is None else str(value).strip()
        allowed = ANSWERS.get(item.answer_type, (YES, NO))
        if not value:
            errors[f"item_{item.number}"] = _("请回答第 %(n)d 题。") % {"n": item.number}
        elif value not in allowed:
            errors[f"item_{item.number}"] = _("第 %(n)d 题的回答无效。") % {"n": item.number}
        else:
            cleaned[key] = value
    unknown = set(map(str, answers)) - {str(i.number) for i in instrument.items.all()}
    if unknown:
        errors["answers"] = _("回答中有本工具没有的题号：%(n)s。") % {
            "n": "、".join(sorted(unknown)[:10])
        }
    return cleaned, errors


def review_days(instrument: Instrument, level: str) -> int:
    band = instrument.bands.filter(level=level).first()
    return band.review_days if band is not None else 30


def person_cases(person: Person):
    """Cases the person made or is a party to (unscoped; callers scope)."""
    party = CaseParty.objects.filter(person=person).values("case_id")
    return Case.objects.filter(Q(complainant=person) | Q(pk__in=party))


def _require(user, perm: str, message: str) -> None:
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(message)


def _visible_person(user, person: Person, action: str = "view") -> Person:
    if user is None:
        return person
    found = Person.objects.restrict(user, action).filter(pk=person.pk).first()
    if found is None:
        raise ValidationError({"person": _("该人员不存在或不在您的管辖范围内。")})
    return found


def assessment_create(
    *,
    user,
    person: Person,
    answers: dict,
    instrument: Instrument | None = None,
    case: Case | None = None,
    judged_level: str = "",
    judgement_reason: str = "",
    assessed_at: datetime | None = None,
    next_review_on=None,
    notes: str = "",
    assessed_by=None,
) -> RiskAssessment:
    """``assessed_by``: who assessed, when the system (``user=None``: demo data, commands)
    records it; otherwise the user herself."""
    _require(user, "protection.add_riskassessment", _("您没有进行风险评估的权限。"))
    judged_level = (judged_level or "").strip()
    judgement_reason = (judgement_reason or "").strip()
    notes = (notes or "").strip()
    now = timezone.now()
    assessed_at = assessed_at or now
    errors: dict = {}
    if assessed_at > now + timedelta(minutes=5):
        errors["assessed_at"] = _("评估时间不能晚于现在。")
    elif assessed_at.year < 2000:
        errors["assessed_at"] = _("评估时间有误，请检查年份。")
    if judged_level and judged_level not in RiskLevel.values:
        errors["judged_level"] = _("请选择有效的风险等级。")
    if len(judgement_reason) > REASON_MAX:
        errors["judgement_reason"] = _("判断理由不能超过 %(n)d 个字。") % {"n": REASON_MAX}
    if len(notes) > NOTES_MAX:
        errors["notes"] = _("备注不能超过 %(n)d 个字。") % {"n": NOTES_MAX}
    if user is None and assessed_by is None:
        raise ValidationError(_("请指明评估人。"))
    with transaction.atomic():
        person = _visible_person(user, person)
        if instrument is None:
            instrument = Instrument.objects.filter(is_default=True, is_active=True).first()
            if instrument is None:
                raise ValidationError(_("没有可用的风险评估工具，请联系管理员。"))
        # Locked so that no one edits this version in place while it is being used.
        instrument = Instrument.objects.select_for_update().filter(pk=instrument.pk).first()
        if instrument is None or not instrument.is_active:
            raise ValidationError(
                {"instrument": _("该评估工具已停用或已有新版本，请重新打开评估页面。")}
            )
        if case is not None:
            scoped = person_cases(person)
            if user is not None:
                scoped = scoped.filter(pk__in=Case.objects.restrict(user, "view").values("pk"))
            if not scoped.filter(pk=case.pk).exists():
                errors["case"] = _("所选个案不存在、不在您的管辖范围内，或与该人员无关。")
        cleaned, answer_errors = clean_answers(instrument, answers or {})
        errors.update(answer_errors)
        if errors:
            raise ValidationError(errors)
        result = score_answers(instrument, cleaned)
        if judged_level and judged_level != result.computed_level:
            if LEVEL_RANK[judged_level] < LEVEL_RANK[result.computed_level]:
                raise ValidationError(
                    {
                        "judged_level": _(
                            "专业判断只能提高风险等级，不能低于计算得出的“%(level)s”。"
                            "如认为评估结果偏高，请在备注中说明。"
                        )
                        % {"level": RiskLevel(result.computed_level).label}
                    }
                )
            if not judgement_reason:
                raise ValidationError(
                    {"judgement_reason": _("依专业判断提高风险等级时，须填写判断理由。")}
                )
        else:
            # Judgement equal to the result is no judgement; its reason would explain nothing.
            judged_level, judgement_reason = "", ""
        level = higher(result.computed_level, judged_level)
        assessed_on = timezone.localtime(assessed_at).date()
        if next_review_on is None:
            next_review_on = assessed_on + timedelta(days=review_days(instrument, level))
        elif next_review_on < assessed_on:
            raise ValidationError({"next_review_on": _("下次评估日期不能早于评估日期。")})
        elif next_review_on > assessed_on + timedelta(days=366):
            raise ValidationError({"next_review_on": _("下次评估日期不能晚于一年之后。")})
        assessment = RiskAssessment(
            person=person,
            case=case,
            org=person.org,
            is_sensitive=True,
            created_by=user,
            instrument=instrument,
            assessed_by=user or assessed_by,
            assessed_at=assessed_at,
            answers=json.dumps(cleaned, sort_keys=True),
            score=result.score,
            computed_level=result.computed_level,
            judged_level=judged_level,
            judgement_reason=judgement_reason,
            level=level,
            next_review_on=next_review_on,
            notes=notes,
        )
        assessment.save(force_insert=True)
        if user is not None and not may(user, "view", assessment):
            # Whoever assesses must be able to read the record she leaves behind.
            raise PermissionDenied(_("您无权查看敏感记录，不能进行风险评估。"))
        audit.record_change(
            user,
            assessment,
            "create",
            after={
                "person_id": person.pk,
                "case_id": case.pk if case else None,
                "instrument_id": instrument.pk,
                "score": str(result.score),
                "computed_level": result.computed_level,
                "judged_level": judged_level,
                "level": level,
                "forced_by": list(result.forced_by),
                "next_review_on": next_review_on,
            },
        )
    return assessment


def answers_of(assessment: RiskAssessment) -> dict[str, str]:
    try:
        value = json.loads(assessment.answers or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --- safety plans ----------------------------------------------------------------------------


def _plan_errors(values: dict) -> dict:
    errors = {}
    for name in PLAN_FIELDS:
        if len(values.get(name) or "") > PLAN_TEXT_MAX:
            errors[name] = _("每项不能超过 %(n)d 个字。") % {"n": PLAN_TEXT_MAX}
    if not any((values.get(n) or "").strip() for n in PLAN_FIELDS):
        errors["__all__"] = _("安全计划至少要填写一项。")
    return errors


def safety_plan_create(*, user, person: Person, **values) -> SafetyPlan:
    _require(user, "protection.add_safetyplan", _("您没有制定安全计划的权限。"))
    values = {n: (values.get(n) or "").strip() for n in PLAN_FIELDS}
    errors = _plan_errors(values)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = _visible_person(user, person)
        if SafetyPlan.objects.filter(person=person).exists():
            raise ValidationError(_("该人员已有安全计划，请直接修改。"))
        plan = SafetyPlan(
            person=person, org=person.org, is_sensitive=True, created_by=user, **values
        )
        plan.save(force_insert=True)
        if user is not None and not may(user, "view", plan):
            raise PermissionDenied(_("您无权查看敏感记录，不能制定安全计划。"))
        audit.record_change(
            user, plan, "create", after={"person_id": person.pk, "filled": _filled(plan)}
        )
    return plan


def _filled(plan: SafetyPlan) -> list[str]:
    # Which parts are filled, never what they say: the audit row holds no survivor's words.
    return [n for n in PLAN_FIELDS if getattr(plan, n)]


def safety_plan_update(*, user, plan: SafetyPlan, version=None, **values) -> SafetyPlan:
    values = {n: (values.get(n) or "").strip() for n in PLAN_FIELDS}
    errors = _plan_errors(values)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = _locked_plan(user, plan)
        check_version(plan, version)
        before = _filled(plan)
        changed = [n for n in PLAN_FIELDS if getattr(plan, n) != values[n]]
        if not changed:
            return plan
        for name in changed:
            setattr(plan, name, values[name])
        plan.version += 1
        plan.save(update_fields=[*changed, "version", "updated_at"])
        audit.record_change(
            user,
            plan,
            "update",
            before={"filled": before},
            after={"filled": _filled(plan), "changed": changed},
        )
    return plan


def _locked_plan(user, plan: SafetyPlan) -> SafetyPlan:
    qs = SafetyPlan.objects.all() if user is None else SafetyPlan.objects.restrict(user, "change")
    found = qs.select_for_update().filter(pk=plan.pk).first()
    if found is None:
        raise PermissionDenied(_("该安全计划不存在或您无权修改。"))
    return found


def latest_assessment(person_id: int) -> RiskAssessment | None:
    return (
        RiskAssessment.objects.filter(person_id=person_id).order_by("-assessed_at", "-pk").first()
    )


def plan_needs_review(plan: SafetyPlan) -> bool:
    """A plan is reviewed with each reassessment: it needs review while the person's latest
    assessment is newer than the one it was last reviewed with."""
    latest = latest_assessment(plan.person_id)
    return latest is not None and latest.pk != plan.reviewed_with_id


def safety_plan_review(*, user, plan: SafetyPlan, version=None) -> SafetyPlan:
    """The worker confirms (已复核) that the plan still fits the latest assessment."""
    with transaction.atomic():
        plan = _locked_plan(user, plan)
        check_version(plan, version)
        latest = latest_assessment(plan.person_id)
        if latest is None:
            raise ValidationError(_("该人员还没有风险评估，无需复核。"))
        if latest.pk == plan.reviewed_with_id:
            raise ValidationError(_("安全计划已根据最近一次评估复核过。"))
        plan.reviewed_at = timezone.now()
        plan.reviewed_with = latest
        plan.version += 1
        plan.save(update_fields=["reviewed_at", "reviewed_with", "version", "updated_at"])
        audit.record_change(
            user, plan, "review", after={"reviewed_with": latest.pk, "level": latest.level}
        )
    return plan
