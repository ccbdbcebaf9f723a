"""core.sharing: grants and revocations, their audit rows and their effect on restrict()."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent, Share
from jinguo.core.sharing import share_grant, share_revoke, shares_of
from jinguo.people.models import (
    Consent,
    ContactAssignment,
    FocusTagType,
    Household,
    HouseholdMember,
    Person,
    PersonTag,
    Visit,
)
from jinguo.people.services import consents, tags, visits
from jinguo.people.tests.factories import HouseholdFactory, PersonFactory
from jinguo.testing.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(tree):
    return PersonFactory(org=tree.community_a, name="张丽")


@pytest.fixture
def outsider(tree):
    """A grid worker of 桃李社区 in the other district, allowed to view persons in her own scope."""
    user = UserFactory(home_unit=tree.community_b, real_name="外区网格员")
    grant(user, "people.view_person", "people.change_person")
    return user


def test_grant_makes_the_record_visible_and_revoke_hides_it(person, outsider, community_chair):
    assert not Person.objects.restrict(outsider, "view").filter(pk=person.pk).exists()
    shares = share_grant(
        obj=person,
        user=outsider,
        actions=("view", "change"),
        reason="跨社区协助走访",
        granted_by=community_chair,
    )
    assert {s.action for s in shares} == {"view", "change"}
    assert Person.objects.restrict(outsider, "view").filter(pk=person.pk).exists()
    assert Person.objects.restrict(outsider, "change").filter(pk=person.pk).exists()
    assert not Person.objects.restrict(outsider, "delete").filter(pk=person.pk).exists()
    event = AuditEvent.objects.filter(action="share", object_id=str(person.pk)).get()
    assert event.after["actions"] == ["view", "change"]
    assert event.after["grantee_user_id"] == outsider.pk

    assert (
        share_revoke(obj=person, user=outsider, reason="协助结束", revoked_by=community_chair) == 2
    )
    assert not Person.objects.restrict(outsider, "view").filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(action="unshare", object_id=str(person.pk)).count() == 1
    assert not shares_of(person).exists()


def test_unit_share_reaches_the_unit_staff_who_work_with_such_records(
    tree, person, community_chair
):
    colleague = UserFactory(home_unit=tree.community_b)
    grant(colleague, "people.view_person")
    # An account homed in the same unit without that permission (a partner agency's user,
    # the unit's administrator) does not inherit the share.
    bystander = UserFactory(home_unit=tree.community_b)
    share_grant(obj=person, unit=tree.community_b, reason="转介", granted_by=community_chair)
    assert Person.objects.restrict(colleague, "view").filter(pk=person.pk).exists()
    assert not Person.objects.restrict(bystander, "view").filter(pk=person.pk).exists()


def test_expired_share_gives_nothing(person, outsider, community_chair, monkeypatch):
    [share] = share_grant(
        obj=person,
        user=outsider,
        reason="紧急查看",
        granted_by=community_chair,
        expires_at=timezone.now() + timedelta(hours=4),
    )
    assert Person.objects.restrict(outsider, "view").filter(pk=person.pk).exists()
    # The shares restrict() read are memoised on the user object with their expiry: four hours
    # later the same object no longer reaches the record.
    later = timezone.now() + timedelta(hours=4, minutes=1)
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: later)
        assert not Person.objects.restrict(outsider, "view").filter(pk=person.pk).exists()
    # A share cut short in the database is over for the next request (a fresh user object).
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    fresh = type(outsider).objects.get(pk=outsider.pk)
    assert not Person.objects.restrict(fresh, "view").filter(pk=person.pk).exists()


def test_revoke_by_grant_reason_keeps_other_grants(person, outsider, community_chair):
    share_grant(obj=person, user=outsider, reason="联系点指派 #1", granted_by=community_chair)
    share_grant(obj=person, user=outsider, reason="关注标签责任人 #2", granted_by=community_chair)
    revoked = share_revoke(
        obj=person,
        user=outsider,
        reason="联系结束",
        revoked_by=community_chair,
        grant_reason="联系点指派 #1",
    )
    assert revoked == 1
    assert Person.objects.restrict(outsider, "view").filter(pk=person.pk).exists()


def test_nothing_to_revoke_writes_no_audit_row(person, outsider, community_chair):
    before = AuditEvent.objects.count()
    assert share_revoke(obj=person, user=outsider, reason="无", revoked_by=community_chair) == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"reason": ""}, "请填写共享原因"),
        ({"actions": ()}, "请至少选择一项允许的操作"),
        ({"user": None}, "只能选其一"),
        ({"expires_at": "past"}, "到期时间须晚于当前时间"),
    ],
)
def test_grant_validation_speaks_chinese(tree, person, outsider, community_chair, kwargs, message):
    args = {
        "obj": person,
        "user": outsider,
        "reason": "协助",
        "granted_by": community_chair,
        **kwargs,
    }
    if args.get("expires_at") == "past":
        args["expires_at"] = timezone.now() - timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        share_grant(**args)
    assert message in " ".join(exc.value.messages)
    assert not Share.objects.exists()


def test_both_user_and_unit_is_refused(tree, person, outsider, community_chair):
    with pytest.raises(ValidationError):
        share_grant(
            obj=person,
            user=outsider,
            unit=tree.community_b,
            reason="协助",
            granted_by=community_chair,
        )


def test_shared_person_page_opens_for_the_grantee(client, person, outsider, community_chair):
    client.force_login(outsider)
    url = reverse("people:person_detail", args=[person.pk])
    assert client.get(url).status_code == 404
    share_grant(obj=person, user=outsider, reason="协助", granted_by=community_chair)
    assert client.get(url).status_code == 200


# --- what a share of the person or household reaches (scope_parent) -------------------------


def _around(person, community_chair):
    """A tag, a visit and a consent on ``person``, recorded by her community's chair."""
    tag_type = FocusTagType.objects.get(code="left_behind_woman")
    return [
        tags.tag_add(user=community_chair, person=person, tag_type=tag_type),
        visits.visit_create(user=community_chair, person=person, situation="上门了解情况"),
        consents.consent_record(
            user=community_chair, person=person, purpose="processing", method="written"
        ),
    ]


def _reached(user, records, action="view") -> list:
    return [r for r in records if type(r).objects.restrict(user, action).filter(pk=r.pk).exists()]


def test_a_share_of_the_person_reaches_her_records_until_it_is_revoked(
    person, outsider, community_chair
):
    records = _around(person, community_chair)
    assert _reached(outsider, records) == []
    share_grant(obj=person, user=outsider, reason="跨社区协助走访", granted_by=community_chair)
    # The same user object: the grant is seen at once (restrict() memoises shares).
    assert _reached(outsider, records) == records
    assert _reached(outsider, records, "change") == []  # a view share gives view
    share_revoke(obj=person, user=outsider, reason="协助结束", revoked_by=community_chair)
    assert _reached(outsider, records) == []


def test_a_share_of_the_household_reaches_its_visits_not_its_members_tags(
    tree, person, outsider, community_chair
):
    household = HouseholdFactory(org=tree.community_a)
    HouseholdMember.objects.create(household=household, person=person, relationship="head")
    visit = visits.visit_create(user=community_chair, household=household, situation="入户走访")
    tag, *_ = _around(person, community_chair)
    share_grant(obj=household, user=outsider, reason="协助走访", granted_by=community_chair)
    assert _reached(outsider, [visit, tag]) == [visit]


def test_shares_are_read_once_per_user_object(person, outsider, community_chair):
    share_grant(obj=person, user=outsider, reason="协助", granted_by=community_chair)
    with CaptureQueriesContext(connection) as queries:
        for model in (Person, Household, PersonTag, Visit, Consent, ContactAssignment):
            for action in ("view", "change"):
                list(model.objects.restrict(outsider, action))
    assert len([q for q in queries if "core_share" in q["sql"]]) == 1


def test_the_person_page_reads_the_shares_once(client, person, community_chair):
    _around(person, community_chair)
    client.force_login(community_chair)
    url = reverse("people:person_detail", args=[person.pk])
    client.get(url)  # content types and the like
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # It used to be read by each of a dozen queries: restrict() once per model and action, and
    # again inside the queries for her tags, visits, consents and contacts.
    assert len([q for q in queries if "core_share" in q["sql"]]) == 1
