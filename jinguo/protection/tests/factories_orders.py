"""Factories of the orders concern: records made directly (no permission check, no audit),
for tests about reading, scoping and the jobs. Tests about a rule call the services.

Examples::

    warning = make_warning(tree.community_a)                 # sensitive, 3 visits due
    order = make_order(tree.community_a, status="granted")   # in force for 6 months
"""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from jinguo.cases.models import Agency
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection import choices
from jinguo.protection.models import (
    EvidenceBundle,
    InjuryRecord,
    Instrument,
    OrderBreach,
    PoliceWarning,
    ProtectionOrder,
    RiskAssessment,
    WarningVisit,
)
from jinguo.protection.services.orders.common import ruling_max_until
from jinguo.testing.factories import UserFactory

_n = itertools.count(1)


def agency(unit, kind: str, name: str | None = None) -> Agency:
    return Agency.objects.create(org=unit, kind=kind, name=name or f"{kind}机构{next(_n)}")


def police(unit, name=None) -> Agency:
    return agency(unit, "police", name or f"春晖派出所{next(_n)}")


def court(unit, name=None) -> Agency:
    return agency(unit, "court", name or f"和平区人民法院{next(_n)}")


def make_warning(unit, *, visits: int = 3, **kw) -> PoliceWarning:
    kw.setdefault("person", PersonFactory(org=unit))
    kw.setdefault("police_station", police(unit))
    kw.setdefault("issued_on", timezone.localdate())
    kw.setdefault("facts", "丈夫酒后推搡")
    kw.setdefault("prohibition", "禁止再次实施家庭暴力")
    kw.setdefault("abuser_description", "丈夫")
    kw.setdefault("document_number", f"公（春）告字〔2026〕{next(_n)}号")
    kw.setdefault("org", unit)
    warning = PoliceWarning.objects.create(**kw)
    for i in range(1, visits + 1):
        WarningVisit.objects.create(
            warning=warning,
            person=warning.person,
            org=warning.org,
            due_on=warning.issued_on + datetime.timedelta(days=30 * i),
            is_sensitive=warning.is_sensitive,
        )
    return warning


def make_visit(unit, **kw) -> WarningVisit:
    warning = kw.pop("warning", None) or make_warning(
        unit, visits=0, is_sensitive=kw.get("is_sensitive", True)
    )
    kw.setdefault("due_on", timezone.localdate() + datetime.timedelta(days=30))
    return WarningVisit.objects.create(warning=warning, person=warning.person, org=unit, **kw)


def make_order(unit, *, status: str = choices.OrderStatus.PREPARING, **kw) -> ProtectionOrder:
    kw.setdefault("person", PersonFactory(org=unit))
    kw.setdefault("applicant_kind", choices.ApplicantKind.VICTIM)
    kw.setdefault("respondent_description", "丈夫")
    kw.setdefault("org", unit)
    now = timezone.now()
    if status in (
        choices.OrderStatus.ACCEPTED,
        *choices.ORDER_IN_FORCE,
        choices.OrderStatus.REFUSED,
    ):
        kw.setdefault("court", court(unit))
        kw.setdefault("accepted_at", now - datetime.timedelta(hours=30))
        kw.setdefault("decision_due_at", kw["accepted_at"] + datetime.timedelta(hours=72))
    if status in (*choices.ORDER_IN_FORCE, choices.OrderStatus.REFUSED):
        kw.setdefault("ruled_at", now - datetime.timedelta(hours=2))
    if status in choices.ORDER_IN_FORCE:
        kw.setdefault("ban_violence", True)
        start = kw.setdefault("effective_from", timezone.localdate())
        kw.setdefault("effective_until", ruling_max_until(start))
    return ProtectionOrder.objects.create(status=status, **kw)


def make_breach(unit, **kw) -> OrderBreach:
    order = kw.pop("order", None) or make_order(
        unit, status="granted", is_sensitive=kw.get("is_sensitive", True)
    )
    kw.setdefault("occurred_at", timezone.now() - datetime.timedelta(hours=1))
    kw.setdefault("description", "被申请人到住所门口纠缠")
    return OrderBreach.objects.create(order=order, person=order.person, org=unit, **kw)


def make_injury(unit, **kw) -> InjuryRecord:
    kw.setdefault("person", PersonFactory(org=unit))
    kw.setdefault("examined_by", "和平区人民医院")
    kw.setdefault("examined_at", timezone.now() - datetime.timedelta(days=1))
    kw.setdefault("result", "左臂软组织挫伤")
    return InjuryRecord.objects.create(org=unit, **kw)


def make_bundle(unit, **kw) -> EvidenceBundle:
    kw.setdefault("person", PersonFactory(org=unit))
    kw.setdefault("purpose", "申请人身安全保护令")
    kw.setdefault("sha256", f"{next(_n):064x}")
    return EvidenceBundle.objects.create(org=unit, **kw)


def instrument() -> Instrument:
    found, _ = Instrument.objects.get_or_create(
        code="orders-test", version=1, defaults={"name": "测试工具"}
    )
    return found


def assess(person, level: str, *, at=None, **kw) -> RiskAssessment:
    """A risk assessment of ``person`` at ``level`` (what the risk concern would store)."""
    return RiskAssessment.objects.create(
        person=person,
        org=person.org,
        instrument=instrument(),
        assessed_by=kw.pop("assessed_by", None) or UserFactory(home_unit=person.org),
        assessed_at=at or timezone.now(),
        answers="{}",
        score=Decimal("10"),
        computed_level=level,
        level=level,
        **kw,
    )
