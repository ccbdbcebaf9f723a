"""Records the follow-up and early-warning tests need: assessments, orders, breaches, plans."""

import itertools
from datetime import timedelta

from django.utils import timezone

from jinguo.cases.tests.factories import make_case
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import (
    Alert,
    AlertRule,
    FollowUpPlan,
    Instrument,
    OrderBreach,
    ProtectionOrder,
    ProtectiveVisit,
    RiskAssessment,
)
from jinguo.testing.factories import UserFactory

_n = itertools.count(1)


def instrument() -> Instrument:
    found, _ = Instrument.objects.get_or_create(
        code="test-followup", version=1, defaults={"name": "测试工具"}
    )
    return found


def assess(person, level, *, at=None, case=None, org=None):
    at = at or timezone.now()
    return RiskAssessment.objects.create(
        person=person,
        case=case,
        org=org or person.org,
        instrument=instrument(),
        assessed_by=UserFactory(home_unit=org or person.org),
        assessed_at=at,
        created_at=at,
        answers="{}",
        score=0,
        computed_level=level,
        level=level,
    )


def person(unit, **kw):
    kw.setdefault("name", f"受助人{next(_n)}")
    return PersonFactory(org=unit, **kw)


def violence_case(unit, who=None, **kw):
    return make_case(unit, category="family-violence", complainant=who, **kw)


def order(who, *, until, status="granted", case=None):
    return ProtectionOrder.objects.create(
        person=who,
        case=case,
        org=who.org,
        applicant_kind="victim",
        status=status,
        effective_from=until - timedelta(days=150),
        effective_until=until,
    )


def breach(an_order):
    return OrderBreach.objects.create(
        order=an_order,
        person=an_order.person,
        org=an_order.org,
        occurred_at=timezone.now(),
        description="再次上门骚扰",
    )


def plan(who, *, case=None, started_on=None, org=None):
    started_on = started_on or timezone.localdate()
    made = FollowUpPlan.objects.create(
        person=who,
        case=case,
        org=org or who.org,
        schedule_days=[7, 30, 90],
        repeat_every_days=90,
        started_on=started_on,
    )
    return made


def visit(a_plan, *, due_on=None, state="due"):
    return ProtectiveVisit.objects.create(
        plan=a_plan,
        person=a_plan.person,
        case=a_plan.case,
        org=a_plan.org,
        due_on=due_on or a_plan.started_on + timedelta(days=7),
        state=state,
    )


def alert(unit, *, code="high_risk", who=None, case=None, subject=None, **kw):
    rule = AlertRule.objects.get(code=code)
    return Alert.objects.create(
        rule=rule,
        level=rule.level,
        subject=subject or f"test:{next(_n)}",
        person=who,
        case=case,
        org=unit,
        summary=kw.pop("summary", "最近一次风险评估为高风险"),
        **kw,
    )
