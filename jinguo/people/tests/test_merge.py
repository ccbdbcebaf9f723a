"""Merging duplicates moves everything onto the survivor and can be undone exactly."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.people.models import (
    Consent,
    FocusTagType,
    HouseholdMember,
    Person,
    PersonTag,
    Visit,
)
from jinguo.people.services.merge import person_merge, person_unmerge
from jinguo.people.tests.factories import HouseholdFactory, PersonFactory, resident_id

pytestmark = pytest.mark.django_db

ID = resident_id(date(1985, 3, 1), "F")


def add_tag(person, code):
    tag_type, _ = FocusTagType.objects.get_or_create(code=code, defaults={"name": code})
    return PersonTag.objects.create(
        person=person,
        org=person.org,
        tag_type=tag_type,
        review_days=90,
        next_review_on=timezone.localdate() + timedelta(days=10),
    )


@pytest.fixture
def pair(tree, district_officer):
    survivor = PersonFactory(org=tree.community_a, name="张丽", birth_date=date(1985, 3, 1))
    duplicate = PersonFactory(
        org=tree.community_a2,
        name="张丽",
        birth_date=date(1985, 3, 1),
        id_type="resident",
        id_number=ID,
        phone="13800138000",
        marital_status="married",
    )
    household = HouseholdFactory(org=tree.community_a)
    shared = HouseholdFactory(org=tree.community_a)
    HouseholdMember.objects.create(household=shared, person=survivor, relationship="head")
    rows = {
        "visit": Visit.objects.create(
            person=duplicate,
            org=duplicate.org,
            situation="情况良好",
            worker=district_officer,
        ),
        "consent": Consent.objects.create(
            person=duplicate, org=duplicate.org, purpose="processing", method="written"
        ),
        "member": HouseholdMember.objects.create(
            household=household, person=duplicate, relationship="spouse"
        ),
        "clash": HouseholdMember.objects.create(
            household=shared, person=duplicate, relationship="other"
        ),
        "tag": add_tag(duplicate, "left_behind"),
        "same_tag": add_tag(duplicate, "poor_mother"),
    }
    add_tag(survivor, "poor_mother")
    return survivor, duplicate, rows


def test_merge_moves_rows_fills_fields_and_closes_the_duplicate(district_officer, pair):
    survivor, duplicate, rows = pair
    event = person_merge(
        user=district_officer, survivor=survivor, duplicate=duplicate, reason="同一人重复建档"
    )
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor and not duplicate.is_active
    assert survivor.id_number == ID and survivor.phone == "13800138000"
    assert survivor.marital_status == "married"
    assert survivor.id_number_index and survivor.phone_index
    visit = Visit.objects.get(pk=rows["visit"].pk)
    assert visit.person == survivor and visit.org == survivor.org  # follows her unit
    assert Consent.objects.get(pk=rows["consent"].pk).person == survivor
    assert HouseholdMember.objects.get(pk=rows["member"].pk).person == survivor
    assert HouseholdMember.objects.get(pk=rows["clash"].pk).person == duplicate  # skipped
    assert PersonTag.objects.get(pk=rows["tag"].pk).person == survivor
    assert PersonTag.objects.get(pk=rows["same_tag"].pk).person == duplicate  # skipped

    assert event.action == "merge" and event.object_id == str(survivor.pk)
    moved = {m["model"]: m["ids"] for m in event.detail["moved"]}
    assert moved["people.visit"] == [rows["visit"].pk]
    assert moved["people.householdmember"] == [rows["member"].pk]
    assert moved["people.persontag"] == [rows["tag"].pk]
    skipped = {m["model"]: m["ids"] for m in event.detail["skipped"]}
    assert skipped["people.householdmember"] == [rows["clash"].pk]
    assert set(event.detail["filled"]) >= {"id_number", "phone", "marital_status"}
    text = str(event.detail) + str(event.before) + str(event.after)
    assert ID not in text and "13800138000" not in text


def test_unmerge_reverses_exactly_that_merge(district_officer, pair, tree):
    survivor, duplicate, rows = pair
    event = person_merge(user=district_officer, survivor=survivor, duplicate=duplicate)
    undo = person_unmerge(user=district_officer, merge_event_id=event.pk)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.is_active and duplicate.merged_into is None
    assert duplicate.id_number == ID
    assert survivor.id_number == "" and survivor.phone == "" and survivor.id_number_index == ""
    assert survivor.marital_status == "unknown"
    visit = Visit.objects.get(pk=rows["visit"].pk)
    assert visit.person == duplicate and visit.org == tree.community_a2
    assert HouseholdMember.objects.get(pk=rows["member"].pk).person == duplicate
    assert PersonTag.objects.get(pk=rows["tag"].pk).person == duplicate
    assert undo.action == "unmerge" and undo.detail["merge_event"] == event.pk
    # Twice is refused.
    with pytest.raises(Exception, match="撤销过"):
        person_unmerge(user=district_officer, merge_event_id=event.pk)


def test_merge_needs_the_permission_and_both_in_scope(tree, community_chair, pair):
    survivor, duplicate, _ = pair
    with pytest.raises(PermissionDenied):
        person_merge(user=community_chair, survivor=survivor, duplicate=duplicate)
    from jinguo.testing.factories import grant

    grant(community_chair, "people.merge_person")
    # 杏林社区 (the duplicate's unit) is outside the 芳草社区 chair's scope.
    with pytest.raises(PermissionDenied):
        person_merge(user=community_chair, survivor=survivor, duplicate=duplicate)
    assert Person.objects.get(pk=duplicate.pk).is_active


def test_merge_and_unmerge_pages(client, tree, district_officer, pair):
    survivor, duplicate, _ = pair
    client.force_login(district_officer)
    url = reverse("people:person_merge", args=[survivor.pk])
    r = client.post(url, {"other": duplicate.pk, "keep": "this", "reason": "重复"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "确认合并" in html and ID not in html
    r = client.post(url, {"other": duplicate.pk, "keep": "this", "reason": "重复", "confirm": "on"})
    assert r.status_code == 302
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
    event = AuditEvent.objects.get(action="merge")
    detail = client.get(survivor.get_absolute_url()).content.decode()
    unmerge_url = reverse("people:person_unmerge", args=[survivor.pk, event.pk])
    assert unmerge_url in detail
    assert client.post(unmerge_url).status_code == 302
    assert Person.objects.get(pk=duplicate.pk).is_active


def test_merge_page_refuses_a_record_out_of_scope(client, tree, district_officer):
    mine = PersonFactory(org=tree.community_a, name="张丽")
    theirs = PersonFactory(org=tree.community_b, name="张丽")
    client.force_login(district_officer)
    r = client.post(
        reverse("people:person_merge", args=[mine.pk]),
        {"other": theirs.pk, "keep": "this", "confirm": "on"},
    )
    assert r.status_code == 200 and "不在您的管辖范围内" in r.content.decode()
    assert Person.objects.get(pk=theirs.pk).is_active


def test_an_assigned_worker_keeps_access_through_merge_and_unmerge(tree, district_officer, pair):
    from jinguo.people.services.contacts import contact_assign
    from jinguo.testing.factories import UserFactory, grant

    survivor, duplicate, _rows = pair
    # A grid worker whose own grid holds neither record, assigned to the duplicate only.
    worker = UserFactory(home_unit=tree.grid_a)
    grant(worker, "people.view_person")
    contact_assign(user=district_officer, worker=worker, person=duplicate)
    visible = Person.objects.restrict(worker, "view")
    assert set(visible.values_list("pk", flat=True)) == {duplicate.pk}

    event = person_merge(user=district_officer, survivor=survivor, duplicate=duplicate)
    assert set(Person.objects.restrict(worker, "view").values_list("pk", flat=True)) == {
        survivor.pk
    }

    person_unmerge(user=district_officer, merge_event_id=event.pk)
    assert set(Person.objects.restrict(worker, "view").values_list("pk", flat=True)) == {
        duplicate.pk
    }
