"""Households: members, the head, masked address, sensitivity following the members."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.people.models import FocusTagType, Household
from jinguo.people.services import households, tags
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

ADDRESS = "江苏省苏州市姑苏区平江路88号3幢201室"


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer")


@pytest.fixture
def household(tree, officer):
    return households.household_create(
        user=officer, org=tree.community_a, name="王丽家", address=ADDRESS
    )


def test_address_is_encrypted_and_masked(client, officer, household):
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM people_household WHERE id = %s", [household.pk])
        assert "平江路" not in cursor.fetchone()[0]
    client.force_login(officer)
    html = client.get(reverse("people:household_detail", args=[household.pk])).content.decode()
    assert "平江路" not in html and household.masked_address in html
    html = client.get(reverse("people:household_update", args=[household.pk])).content.decode()
    assert "平江路" not in html
    api = APIClient()
    api.force_authenticate(officer)
    assert "平江路" not in api.get(reverse("household-list")).content.decode()
    assert (
        "平江路" not in api.get(reverse("household-detail", args=[household.pk])).content.decode()
    )


def test_blank_address_on_edit_keeps_the_old_one(officer, household):
    households.household_update(user=officer, household=household, name="王丽家", address=None)
    assert Household.objects.get(pk=household.pk).address == ADDRESS


def test_members_and_head(client, tree, officer, household):
    wife = PersonFactory(org=tree.community_a, name="王丽")
    husband = PersonFactory(org=tree.community_a, name="李强", gender="M")
    households.household_member_add(
        user=officer, household=household, person=husband, relationship="head"
    )
    household.refresh_from_db()
    assert household.head == husband
    with pytest.raises(ValidationError) as exc:
        households.household_member_add(
            user=officer, household=household, person=wife, relationship="head"
        )
    assert "该家庭已有户主" in str(exc.value)
    households.household_member_add(
        user=officer, household=household, person=wife, relationship="spouse"
    )
    with pytest.raises(ValidationError) as exc:
        households.household_member_add(
            user=officer, household=household, person=wife, relationship="other"
        )
    assert "已是这个家庭的成员" in str(exc.value)
    member = household.members.get(person=husband)
    client.force_login(officer)
    r = client.post(reverse("people:household_member_remove", args=[household.pk, member.pk]))
    assert r.status_code == 302
    household.refresh_from_db()
    assert household.head is None and household.members.count() == 1


def test_member_out_of_scope_is_refused(tree, officer, household):
    stranger = PersonFactory(org=tree.community_b)
    with pytest.raises(ValidationError) as exc:
        households.household_member_add(
            user=officer, household=household, person=stranger, relationship="other"
        )
    assert "不在您的管辖范围内" in str(exc.value)


def test_sensitivity_follows_members(tree, officer, household):
    person = PersonFactory(org=tree.community_a)
    households.household_member_add(
        user=officer, household=household, person=person, relationship="spouse"
    )
    assert not Household.objects.get(pk=household.pk).is_sensitive
    tags.tag_add(user=officer, person=person, tag_type=FocusTagType.objects.get(code="dv_victim"))
    assert Household.objects.get(pk=household.pk).is_sensitive
    chair = user_with_role(tree.community_a, "community_chair")
    assert not Household.objects.restrict(chair).filter(pk=household.pk).exists()


def test_household_placed_outside_the_subtree_is_refused(tree, officer):
    with pytest.raises(ValidationError) as exc:
        households.household_create(user=officer, org=tree.community_b, name="外区家庭")
    assert "所属单位" in str(exc.value)
