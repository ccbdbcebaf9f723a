"""The demo registry of 示范市: several hundred fictional persons, loaded once, scoped as usual."""

import io
from datetime import timedelta

import pytest
from django.db.models import Count, F
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.services import ensure_default_roles
from jinguo.core.identity import parse_resident_id
from jinguo.core.models import Share
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.people_data import load_people
from jinguo.people.models import (
    Consent,
    ContactAssignment,
    FocusTagType,
    Household,
    Person,
    PersonTag,
    Visit,
)
from jinguo.people.services.derived import id_number_index, person_is_sensitive
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    # The demo units and accounts, without the registry the demo command also loads.
    command = DemoCommand()
    ensure_default_roles()
    command.load_units()
    command.load_users()
    return load_people(stdout=io.StringIO())


def test_several_hundred_persons_with_every_kind_of_record(demo):
    assert 300 <= demo["persons"] == Person.objects.count() <= 800
    assert 120 <= demo["households"] == Household.objects.count() <= 180
    assert demo["visits"] == Visit.objects.count() > 50
    assert demo["shares"] == Share.objects.count() == 2 * ContactAssignment.objects.count()
    used = set(PersonTag.objects.values_list("tag_type__name", flat=True))
    assert used == set(FocusTagType.objects.values_list("name", flat=True))
    purposes = set(Consent.objects.values_list("purpose", flat=True))
    assert "processing" in purposes and len(purposes) > 3
    assert Person.objects.exclude(org_path__startswith="9901/").count() == 0


def test_loading_twice_creates_nothing_the_second_time(demo):
    before = {m: m.objects.count() for m in (Person, Household, PersonTag, Visit, Share)}
    again = load_people(stdout=io.StringIO())
    assert set(again.values()) == {0}
    assert before == {m: m.objects.count() for m in before}


def test_derived_values_and_sensitivity_follow_the_services(demo):
    for person in Person.objects.all()[:400]:
        assert person.name_pinyin and person.search_text
        assert person.org_path == person.org.path
        if person.id_number:
            parsed = parse_resident_id(person.id_number)
            assert (parsed.birth_date, parsed.gender) == (person.birth_date, person.gender)
            assert person.id_number_index == id_number_index(person.id_type, person.id_number)
        assert person.is_sensitive == person_is_sensitive(person)
    for model in (PersonTag, Consent):
        assert not model.objects.exclude(is_sensitive=F("person__is_sensitive")).exists()
    dv = PersonTag.objects.filter(tag_type__code="dv_victim")
    assert dv.exists() and not dv.filter(person__is_sensitive=False).exists()
    for household in Household.objects.annotate(n=Count("members")):
        sensitive = household.members.filter(person__is_sensitive=True).exists()
        assert household.is_sensitive == sensitive and household.n >= 1
    for visit in Visit.objects.select_related("person", "household"):
        target = visit.person or visit.household
        assert (visit.is_sensitive, visit.org_path) == (target.is_sensitive, target.org_path)


def test_demo_workers_have_households_some_overdue_and_shares(demo):
    today = timezone.localdate()
    grid = User.objects.get(username="grid")
    chair = User.objects.get(username="chair")
    for worker in (grid, chair):
        contacts = ContactAssignment.objects.filter(worker=worker)
        assert contacts.exists()
        overdue = 0
        for contact in contacts:
            target = contact.person or contact.household
            last = target.visits.order_by("-visited_on").values_list("visited_on", flat=True)
            last = last.first()
            if last is None or last < today - timedelta(days=contact.visit_every_days):
                overdue += 1
            assert (
                Share.objects.filter(
                    user=worker, object_id=target.pk, reason=f"联系点指派 #{contact.pk}"
                ).count()
                == 2
            )
        assert 0 < overdue < contacts.count()
    assert PersonTag.objects.filter(next_review_on__lt=today).exists()
    assert PersonTag.objects.filter(next_review_on__gte=today).exists()
    # The grid worker has no view_sensitive, yet sees the sensitive households assigned to her.
    households = Household.objects.filter(contacts__worker=grid)
    assert households.filter(is_sensitive=True).exists()
    assert set(households) <= set(Household.objects.restrict(grid, "view"))


def test_a_district_user_sees_only_her_district(demo):
    from jinguo.orgs.models import OrgUnit

    heping = OrgUnit.objects.get(code="990101")
    officer = user_with_role(heping, "rights_officer", username="heping_officer")
    visible = Person.objects.restrict(officer, "view")
    assert visible.count() == Person.objects.filter(org_path__startswith=heping.path).count()
    assert visible.count() > 50
    assert not visible.exclude(org_path__startswith=heping.path).exists()
