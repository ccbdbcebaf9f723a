"""Test helpers of the risk concern: answers to the shipped instrument, assessments, plans."""

from datetime import timedelta

from django.utils import timezone

from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import Instrument, RiskAssessment, SafetyPlan
from jinguo.protection.services import risk as services
from jinguo.protection.services.risk_default import CODE
from jinguo.testing.factories import UserFactory

STRANGULATION, THREAT_TO_KILL, WEAPON = 14, 13, 12


def default_instrument() -> Instrument:
    return Instrument.objects.get(code=CODE, is_default=True)


def answers(yes=(), instrument: Instrument | None = None) -> dict[str, str]:
    """Every item answered: "yes" for the numbers in ``yes``, "no" for the rest."""
    instrument = instrument or default_instrument()
    yes = set(yes)
    return {
        str(n): ("yes" if n in yes else "no")
        for n in instrument.items.values_list("number", flat=True)
    }


def plain_yes(count: int) -> set[int]:
    """``count`` numbers of items that force nothing."""
    free = [n for n in range(1, 25) if n not in (STRANGULATION, THREAT_TO_KILL, WEAPON)]
    return set(free[:count])


def make_assessment(
    person=None, *, unit=None, yes=(), days_ago: int = 0, user=None, sensitive=True, **kwargs
) -> RiskAssessment:
    person = person or PersonFactory(org=unit)
    if user is None:
        kwargs.setdefault("assessed_by", UserFactory(home_unit=person.org))
    assessment = services.assessment_create(
        user=user,
        person=person,
        answers=answers(yes),
        assessed_at=timezone.now() - timedelta(days=days_ago),
        **kwargs,
    )
    if not sensitive:
        RiskAssessment.objects.filter(pk=assessment.pk).update(is_sensitive=False)
        assessment.refresh_from_db()
    return assessment


def make_plan(person=None, *, unit=None, sensitive=True, **values) -> SafetyPlan:
    person = person or PersonFactory(org=unit)
    values = {"safe_place": "姐姐家", "code_word": "买酱油", **values}
    plan = services.safety_plan_create(user=None, person=person, **values)
    if not sensitive:
        SafetyPlan.objects.filter(pk=plan.pk).update(is_sensitive=False)
        plan.refresh_from_db()
    return plan
