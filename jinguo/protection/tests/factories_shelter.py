"""Factories of the shelter concern's tests: shelters, stays, checklists, mandatory reports.

``make_shelter(unit, staff=[...], beds=10)`` stores a shelter directly (no audit row);
``make_stay(shelter, person, children=[...])`` an open stay kept by the person's unit;
``make_report(unit)`` a new mandatory report. Use the services when the test is about them.
"""

import itertools
from datetime import timedelta

from django.utils import timezone

from jinguo.protection.contributions.shelter import load_defaults
from jinguo.protection.models import ChecklistTemplate, MandatoryReport, Shelter, ShelterStay

ADDRESS = "和平区春晖路88号3栋"
PHONE = "02188886666"
_n = itertools.count(1)


def make_shelter(unit, *, staff=(), beds=10, rooms=4, address=ADDRESS, **kw) -> Shelter:
    shelter = Shelter.objects.create(
        org=unit,
        name=kw.pop("name", f"临时庇护所{next(_n)}"),
        address=address,
        phone=kw.pop("phone", PHONE),
        rooms=rooms,
        beds=beds,
        **kw,
    )
    shelter.staff.set(staff)
    return shelter


def make_stay(shelter, person, *, children=(), days_ago=3, planned_in=7, case=None, **kw):
    now = timezone.now()
    stay = ShelterStay.objects.create(
        org=kw.pop("org", case.org if case is not None else person.org),
        person=person,
        case=case,
        shelter=shelter,
        admitted_at=now - timedelta(days=days_ago),
        planned_leave_on=timezone.localdate() + timedelta(days=planned_in),
        reason=kw.pop("reason", "丈夫酒后殴打，暂无安全住处"),
        **kw,
    )
    stay.children.set(children)
    return stay


def default_checklist() -> ChecklistTemplate:
    load_defaults()
    return ChecklistTemplate.objects.order_by("pk").first()


def make_report(unit, **kw) -> MandatoryReport:
    return MandatoryReport.objects.create(
        org=unit,
        reporter_kind=kw.pop("reporter_kind", "school"),
        reporter_organisation=kw.pop("reporter_organisation", "春晖小学"),
        reporter_name=kw.pop("reporter_name", "周老师"),
        reporter_phone=kw.pop("reporter_phone", "13912345678"),
        victim_description=kw.pop("victim_description", "五年级女生，约11岁"),
        suspicion=kw.pop("suspicion", "身上多处淤青，称父亲经常打她"),
        **kw,
    )
