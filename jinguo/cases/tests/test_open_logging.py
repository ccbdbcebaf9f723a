"""Opening a sensitive record writes one access row, whichever door it came through.

The rule lives in the selector both the page and the API call (person_open, household_open,
visit_open, case_open, referral_open, mediation_open), so the two doors cannot disagree.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.cases.choices import PartyRole
from jinguo.cases.models import Agency, Referral
from jinguo.cases.services.mediation import mediation_create
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent, AuditKind
from jinguo.people.models import HouseholdMember
from jinguo.people.services import visits
from jinguo.people.services.derived import household_refresh_sensitivity
from jinguo.people.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def minor(tree):
    today = timezone.localdate()
    return PersonFactory(org=tree.community_a, name="小丽", birth_date=date(today.year - 10, 1, 1))


def make_person(tree, officer):
    return minor(tree)  # a minor's record is sensitive


def make_household(tree, officer):
    household = HouseholdFactory(org=tree.community_a)
    HouseholdMember.objects.create(household=household, person=minor(tree), relationship="child")
    household_refresh_sensitivity(household)
    return household


def make_visit(tree, officer):
    return visits.visit_create(user=officer, person=minor(tree), situation="孩子独自在家")


def make_dv_case(tree, officer):
    return make_case(
        tree.community_a,
        category="family-violence",
        narrative="她说丈夫经常打她。",
        parties=[(PersonFactory(org=tree.community_a, name="王秀英"), PartyRole.VICTIM)],
    )


def make_referral(tree, officer):
    case = make_dv_case(tree, officer)
    agency = Agency.objects.create(org=tree.district_a, name="和平区法律援助中心", kind="legal_aid")
    return Referral.objects.create(
        case=case,
        agency=agency,
        request="请提供法律援助",
        consent_purpose=agency.consent_purpose,
        share_identity=False,
        org=case.org,
        is_sensitive=case.is_sensitive,
        due_at=timezone.now() + timedelta(days=5),
    )


def make_mediation(tree, officer):
    return mediation_create(
        user=officer,
        case=make_dv_case(tree, officer),
        held_at=timezone.now(),
        mode="federation",
        parties="申请人：王秀英",
        mediators="赵调解",
        outcome="agreed",
        agreement="双方互不干涉对方生活",
    )


MODELS = {
    # name: (make, UI detail URL name, API detail URL name or None)
    "person": (make_person, "people:person_detail", "person-detail"),
    "household": (make_household, "people:household_detail", "household-detail"),
    "visit": (make_visit, "people:visit_detail", "visit-detail"),
    "case": (make_dv_case, "cases:case_detail", "case-detail"),
    "referral": (make_referral, "cases:referral_detail", "referral-detail"),
    "mediation": (make_mediation, "cases:mediation_detail", None),
}
# Mediations have no API yet: their page is their only door.
DOORS = [
    (name, door)
    for name, spec in MODELS.items()
    for door in ("ui", "api")
    if spec[2] or door == "ui"
]


def opened(obj):
    return AuditEvent.objects.filter(
        kind=AuditKind.ACCESS,
        action="open",
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
    )


def open_through(door, user, url, client):
    if door == "ui":
        client.force_login(user)
        return client.get(url)
    api = APIClient()
    api.force_authenticate(user)
    return api.get(url)


@pytest.mark.parametrize(("name", "door"), DOORS)
def test_every_door_writes_one_access_row(tree, client, district_officer, name, door):
    make, ui_url, api_url = MODELS[name]
    obj = make(tree, district_officer)
    assert obj.is_sensitive
    url = reverse(ui_url if door == "ui" else api_url, args=[obj.pk])
    assert open_through(door, district_officer, url, client).status_code == 200
    (row,) = opened(obj)
    assert row.user_id == district_officer.pk
    assert row.detail.get("channel") == ("api" if door == "api" else None)


@pytest.mark.parametrize(("name", "door"), DOORS)
def test_a_door_out_of_scope_writes_nothing(
    tree, client, district_officer, other_district_officer, name, door
):
    make, ui_url, api_url = MODELS[name]
    obj = make(tree, district_officer)
    url = reverse(ui_url if door == "ui" else api_url, args=[obj.pk])
    assert open_through(door, other_district_officer, url, client).status_code == 404
    assert not opened(obj).exists()
