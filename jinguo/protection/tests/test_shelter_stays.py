"""Stays: occupancy and free beds, admission against the beds left, overdue stays, leaving."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import ShelterStay
from jinguo.protection.selectors.shelter import occupancy_of, shelters_with_occupancy
from jinguo.protection.selectors.shelter_panels import overdue_stays_panel
from jinguo.protection.services import shelter as services
from jinguo.protection.tests.factories_shelter import make_shelter, make_stay
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer")


def admit(officer, shelter, person, **kw):
    kw.setdefault("admitted_at", timezone.now())
    kw.setdefault("planned_leave_on", timezone.localdate() + timedelta(days=14))
    kw.setdefault("reason", "遭受家庭暴力，暂无安全住处")
    return services.stay_admit(user=officer, shelter=shelter, person=person, **kw)


def test_occupancy_counts_open_stays_and_their_children_against_the_beds(tree, officer):
    shelter = make_shelter(tree.district_a, beds=6)
    kids = [PersonFactory(org=tree.community_a) for _ in range(2)]
    make_stay(shelter, PersonFactory(org=tree.community_a), children=kids)
    make_stay(shelter, PersonFactory(org=tree.community_a))
    left = make_stay(
        shelter, PersonFactory(org=tree.community_a), children=[PersonFactory(org=tree.community_a)]
    )
    ShelterStay.objects.filter(pk=left.pk).update(left_at=timezone.now())
    found = shelters_with_occupancy(officer).get(pk=shelter.pk)
    assert (found.occupied, found.free_beds) == (4, 2)
    assert occupancy_of(shelter) == 4


def test_the_list_shows_an_occupancy_bar_and_filters_shelters_with_free_beds(client, tree, officer):
    full = make_shelter(tree.district_a, beds=1, name="满员庇护所")
    make_stay(full, PersonFactory(org=tree.community_a))
    make_shelter(tree.district_a, beds=5, name="空闲庇护所")
    client.force_login(officer)
    html = client.get(reverse("protection:shelter_list")).content.decode()
    assert 'data-testid="occupancy"' in html and "1 / 1" in html
    r = client.get(reverse("protection:shelter_list") + "?has_free=on")
    assert [s.name for s in r.context["table"].data] == ["空闲庇护所"]


def test_admission_without_a_free_bed_is_refused_with_the_figures(tree, officer):
    shelter = make_shelter(tree.district_a, beds=2)
    make_stay(shelter, PersonFactory(org=tree.community_a))
    child = PersonFactory(org=tree.community_a)
    with pytest.raises(ValidationError) as exc:
        admit(officer, shelter, PersonFactory(org=tree.community_a), children=[child])
    message = exc.value.message_dict["confirm_full"][0]
    assert "空床位 1 张" in message and "需要 2 张" in message
    assert ShelterStay.objects.count() == 1


def test_admission_over_capacity_goes_through_when_confirmed_and_is_marked(tree, officer):
    shelter = make_shelter(tree.district_a, beds=1)
    make_stay(shelter, PersonFactory(org=tree.community_a))
    stay = admit(officer, shelter, PersonFactory(org=tree.community_a), confirm_full=True)
    assert stay.over_capacity is True
    assert shelters_with_occupancy(officer).get(pk=shelter.pk).free_beds == -1
    assert AuditEvent.objects.filter(object_type="protection.shelterstay", action="create").exists()


def test_the_admission_form_keeps_what_was_typed_and_asks_for_confirmation(client, tree, officer):
    shelter = make_shelter(tree.district_a, beds=0)
    person = PersonFactory(org=tree.community_a)
    client.force_login(officer)
    url = reverse("protection:shelterstay_create") + f"?person={person.pk}"
    data = {
        "shelter": shelter.pk,
        "person": person.pk,
        "admitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "planned_leave_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "reason": "暂住避险",
    }
    r = client.post(url, data)
    assert r.status_code == 200
    assert "确认超员入住" in r.content.decode() and "暂住避险" in r.content.decode()
    r = client.post(url, {**data, "confirm_full": "on"})
    assert r.status_code == 302
    assert ShelterStay.objects.get().over_capacity


def test_someone_already_sheltered_cannot_be_admitted_twice(tree, officer):
    shelter = make_shelter(tree.district_a, beds=10)
    person = PersonFactory(org=tree.community_a)
    make_stay(shelter, person)
    with pytest.raises(ValidationError) as exc:
        admit(officer, make_shelter(tree.district_a), person)
    assert "尚在庇护中" in exc.value.message_dict["person"][0]


def test_a_planned_leaving_before_admission_is_refused(tree, officer):
    with pytest.raises(ValidationError) as exc:
        admit(
            officer,
            make_shelter(tree.district_a),
            PersonFactory(org=tree.community_a),
            planned_leave_on=timezone.localdate() - timedelta(days=1),
        )
    assert "planned_leave_on" in exc.value.message_dict


def test_an_inactive_shelter_takes_nobody(tree, officer):
    shelter = make_shelter(tree.district_a, is_active=False)
    with pytest.raises(ValidationError) as exc:
        admit(officer, shelter, PersonFactory(org=tree.community_a))
    assert "停用" in exc.value.message_dict["shelter"][0]


def test_a_stay_past_its_planned_end_is_flagged_in_the_list_and_its_filter(client, tree, officer):
    shelter = make_shelter(tree.district_a)
    late = make_stay(shelter, PersonFactory(org=tree.community_a), days_ago=20, planned_in=-3)
    on_time = make_stay(shelter, PersonFactory(org=tree.community_a))
    client.force_login(officer)
    r = client.get(reverse("protection:shelterstay_list") + "?state=overdue")
    assert [s.pk for s in r.context["table"].data] == [late.pk]
    assert "超期入住 3 天" in r.content.decode()
    r = client.get(reverse("protection:shelterstay_list") + "?state=open")
    assert {s.pk for s in r.context["table"].data} == {late.pk, on_time.pk}
    html = client.get(reverse("protection:shelterstay_detail", args=[late.pk])).content.decode()
    assert 'data-testid="stay-overdue"' in html


def test_the_overdue_panel_shows_the_staff_and_the_officer_their_late_stays(client, tree, officer):
    staff = user_with_role(tree.community_b, "partner")
    shelter = make_shelter(tree.district_a, staff=[staff])
    late = make_stay(shelter, PersonFactory(org=tree.community_a), days_ago=20, planned_in=-2)
    for user in (officer, staff):
        panel = overdue_stays_panel(user)
        assert panel["shelter_overdue_count"] == 1
        assert panel["shelter_overdue_rows"][0]["stay"].pk == late.pk
        assert panel["shelter_overdue_rows"][0]["days"] == 2
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert "超期入住" in html and 'data-testid="panel-overdue-stays"' in html
    other = user_with_role(tree.district_b, "rights_officer")
    assert overdue_stays_panel(other) is None


def test_leaving_records_where_she_went_and_frees_the_beds(tree, officer):
    shelter = make_shelter(tree.district_a, beds=1)
    stay = make_stay(shelter, PersonFactory(org=tree.community_a))
    services.stay_leave(
        user=officer,
        stay=stay,
        left_at=timezone.now(),
        destination="relatives",
        destination_note="投靠姐姐",
        version=stay.version,
    )
    stay.refresh_from_db()
    assert stay.destination == "relatives" and stay.destination_note == "投靠姐姐"
    assert occupancy_of(shelter) == 0
    assert AuditEvent.objects.filter(object_type="protection.shelterstay", action="leave").exists()
    with pytest.raises(ValidationError):
        services.stay_leave(user=officer, stay=stay, left_at=timezone.now(), destination="home")


def test_leaving_needs_a_destination_and_a_time_after_admission(tree, officer):
    stay = make_stay(make_shelter(tree.district_a), PersonFactory(org=tree.community_a))
    with pytest.raises(ValidationError) as exc:
        services.stay_leave(
            user=officer, stay=stay, left_at=stay.admitted_at - timedelta(hours=1), destination=""
        )
    assert {"destination", "left_at"} <= set(exc.value.message_dict)


def test_the_shelter_staff_may_record_leaving_without_a_role(tree):
    staff = user_with_role(tree.community_b, "partner")
    stay = make_stay(
        make_shelter(tree.district_a, staff=[staff]), PersonFactory(org=tree.community_a)
    )
    services.stay_leave(user=staff, stay=stay, left_at=timezone.now(), destination="new_home")
    stay.refresh_from_db()
    assert stay.left_at is not None


def test_the_person_and_case_pages_list_her_stays(client, tree, officer):
    from jinguo.cases.tests.factories import make_case

    person = PersonFactory(org=tree.community_a)
    case = make_case(tree.community_a, complainant=person, category="family-violence")
    shelter = make_shelter(tree.district_a, name="春晖庇护所")
    make_stay(shelter, person, case=case)
    client.force_login(officer)
    assert "春晖庇护所" in client.get(person.get_absolute_url()).content.decode()
    assert "春晖庇护所" in client.get(case.get_absolute_url()).content.decode()


def test_the_shelter_staff_may_admit_to_their_own_shelter(tree):
    staff = user_with_role(tree.district_a, "rights_officer")
    shelter = make_shelter(tree.district_b, staff=[staff], beds=3)
    stay = admit(staff, shelter, PersonFactory(org=tree.community_a))
    assert stay.shelter == shelter
