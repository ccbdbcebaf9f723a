"""The shelter concern's API beyond scoping: admission against free beds, leaving, ticking a
step, and input that must be refused, never answered with a 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.cases.tests.factories import make_case
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import EmergencyAction, ShelterStay
from jinguo.protection.tests.factories_shelter import default_checklist, make_shelter, make_stay
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
HUGE = 10**25


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(user_with_role(tree.district_a, "rights_officer"))
    return client


def admission(shelter, person, **extra):
    return {
        "shelter": shelter.pk,
        "person": person.pk,
        "admitted_at": timezone.now().isoformat(),
        "planned_leave_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "reason": "避险",
        **extra,
    }


def test_admission_on_a_full_shelter_answers_400_until_confirmed(api, tree):
    shelter = make_shelter(tree.district_a, beds=0)
    person = PersonFactory(org=tree.community_a)
    r = api.post(reverse("shelterstay-list"), admission(shelter, person), format="json")
    assert r.status_code == 400 and "confirm_full" in r.json()
    r = api.post(
        reverse("shelterstay-list"), admission(shelter, person, confirm_full=True), format="json"
    )
    assert r.status_code == 201 and r.json()["over_capacity"] is True


def test_leaving_through_the_api(api, tree):
    stay = make_stay(make_shelter(tree.district_a), PersonFactory(org=tree.community_a))
    url = reverse("shelterstay-leave", args=[stay.pk])
    body = {"left_at": timezone.now().isoformat(), "destination": "home", "version": stay.version}
    r = api.post(url, body, format="json")
    assert r.status_code == 200 and r.json()["destination"] == "home"
    assert api.post(url, body, format="json").status_code in (400, 409)


def test_ticking_a_step_through_the_api(api, tree):
    step = default_checklist().steps.first()
    case = make_case(tree.community_a, category="family-violence", urgency="urgent")
    r = api.post(reverse("emergencyaction-list"), {"case": case.pk, "step": step.pk}, format="json")
    assert r.status_code == 201
    assert EmergencyAction.objects.filter(case=case, step=step).exists()


@pytest.mark.parametrize(
    "path",
    [
        f"/protection/stays/new/?person={HUGE}",
        f"/api/protection/emergency-actions/?case={HUGE}",
        f"/api/protection/stays/?shelter={HUGE}",
        f"/api/protection/shelters/{HUGE}/",
    ],
)
def test_ids_out_of_range_are_refused_quietly(client, tree, path):
    client.force_login(user_with_role(tree.district_a, "rights_officer"))
    assert client.get(path).status_code in (200, 400, 404)


def test_lists_of_ids_out_of_range_are_refused(api, tree):
    shelter = make_shelter(tree.district_a)
    person = PersonFactory(org=tree.community_a)
    r = api.post(
        reverse("shelterstay-list"), admission(shelter, person, children=[HUGE]), format="json"
    )
    assert r.status_code == 400
    assert not ShelterStay.objects.exists()


def test_a_tick_form_with_a_huge_step_is_refused(client, tree):
    case = make_case(tree.community_a, category="family-violence", urgency="urgent")
    client.force_login(user_with_role(tree.district_a, "rights_officer"))
    r = client.post(reverse("protection:emergencyaction_create", args=[case.pk]), {"step": HUGE})
    assert r.status_code == 302
    assert not EmergencyAction.objects.exists()
