"""The summary equals the records after thousands of random writes of every kind: saves,
bulk updates the signals never see (the deadline sweep, moving records with their case),
raw bulk inserts (person import), unit moves, deletions and rolled-back transactions."""

import datetime
import os
import random

import pytest
from django.db import transaction
from django.utils import timezone

from jinguo.cases import choices
from jinguo.cases.models import Case, Category
from jinguo.cases.tests.factories import make_case
from jinguo.orgs.services import orgunit_move
from jinguo.people.models import Person
from jinguo.people.services.bulk_insert import insert_rows
from jinguo.people.tests.factories import PersonFactory
from jinguo.stats import maintenance, sources
from jinguo.stats.models import StatsCount

OPS = int(os.environ.get("STATS_PROPERTY_OPS", "2000"))
SUBCATEGORIES = ["family-dispute", "family-violence", "labour-rights", "personal-sexual", None]


class Rollback(Exception):
    pass


def _assert_equal_to_records():
    for src in sources.sources():
        assert maintenance.check(src) == [], src.key


def tree_units(tree) -> list:
    """Every unit of the test tree, from the city down to the grid."""
    return [
        tree.city,
        tree.district_a,
        tree.district_b,
        tree.street_a,
        tree.street_b,
        tree.community_a,
        tree.community_a2,
        tree.community_b,
        tree.grid_a,
    ]


@pytest.mark.django_db(transaction=False)
def test_random_writes_keep_the_summary_equal_to_the_records(tree):
    random_writes(tree, OPS)


def random_writes(tree, ops: int, seed: int = 20260612) -> None:
    """``ops`` random writes of every kind, checking the summary against the records."""
    rng = random.Random(seed)
    units = tree_units(tree)
    tops = list(Category.objects.filter(parent=None)[:4])
    now = timezone.now()

    def unit():
        u = rng.choice(units)
        u.refresh_from_db()  # a unit move rewrites paths in bulk
        return u

    def case_ids():
        return list(Case.objects.values_list("pk", flat=True))

    def person_ids():
        return list(Person.objects.values_list("pk", flat=True))

    def create_case():
        code = rng.choice(SUBCATEGORIES)
        make_case(
            unit(),
            category=code or rng.choice(tops),
            channel=rng.choice(choices.Channel.values),
            urgency=rng.choice(choices.Urgency.values),
            received_at=now - datetime.timedelta(hours=rng.randrange(0, 24 * 400)),
        )

    def transition():
        ids = case_ids()
        if ids:
            case = Case.objects.get(pk=rng.choice(ids))
            case.status = rng.choice(choices.Status.values)
            case.save(update_fields=["status", "updated_at"])

    def sweep():
        ids = case_ids()
        if ids:
            picked = rng.sample(ids, min(len(ids), rng.randrange(1, 8)))
            Case.objects.filter(pk__in=picked).update(due_state=rng.choice(choices.DueState.values))

    def move_case():
        ids = case_ids()
        if ids:
            case = Case.objects.get(pk=rng.choice(ids))
            case.org = unit()
            case.save(update_fields=["org", "updated_at"])

    def move_case_in_bulk():
        ids = case_ids()
        if ids:
            target = unit()
            Case.objects.filter(pk=rng.choice(ids)).update(org=target, org_path=target.path)

    def redate_case():
        ids = case_ids()
        if ids:
            Case.objects.filter(pk=rng.choice(ids)).update(
                received_at=now - datetime.timedelta(hours=rng.randrange(0, 24 * 400))
            )

    def delete_case():
        ids = case_ids()
        if ids:
            Case.objects.filter(pk__in=rng.sample(ids, min(len(ids), rng.randrange(1, 3)))).delete()

    def create_person():
        PersonFactory(org=unit(), living_situation=rng.choice(["family", "alone", "left_behind"]))

    def import_persons():
        built = [PersonFactory.build(org=unit()) for _ in range(rng.randrange(1, 6))]
        for person in built:
            person.org_path = person.org.path
        insert_rows(Person, built, returning=True)

    def change_person():
        ids = person_ids()
        if ids:
            Person.objects.filter(pk=rng.choice(ids)).update(
                living_situation=rng.choice(["family", "alone", "institution"]),
                is_sensitive=rng.random() < 0.3,
            )

    def merge_person():
        ids = person_ids()
        if len(ids) > 1:
            a, b = rng.sample(ids, 2)
            Person.objects.filter(pk=a, merged_into__isnull=True).update(merged_into_id=b)

    def delete_person():
        ids = list(
            Person.objects.filter(complaints=None, case_roles=None, merged_from=None).values_list(
                "pk", flat=True
            )
        )
        if ids:
            Person.objects.get(pk=rng.choice(ids)).delete()

    def move_unit():
        community = tree.community_a2
        community.refresh_from_db()
        target = tree.street_b if community.parent_id == tree.street_a.pk else tree.street_a
        orgunit_move(user=None, unit=community, new_parent=target)

    def rolled_back():
        try:
            with transaction.atomic():
                create_case()
                transition()
                sweep()
                raise Rollback
        except Rollback:
            pass

    weighted = [
        (create_case, 20),
        (transition, 20),
        (sweep, 10),
        (move_case, 8),
        (move_case_in_bulk, 4),
        (redate_case, 3),
        (delete_case, 5),
        (create_person, 10),
        (import_persons, 4),
        (change_person, 6),
        (merge_person, 2),
        (delete_person, 3),
        (move_unit, 1),
        (rolled_back, 2),
    ]
    actions = [a for a, _w in weighted]
    weights = [w for _a, w in weighted]
    for step in range(ops):
        rng.choices(actions, weights)[0]()
        if step % 500 == 499:
            _assert_equal_to_records()
    _assert_equal_to_records()
    assert StatsCount.objects.filter(source="cases.case").exists()
    assert StatsCount.objects.filter(source="people.person").exists()
    # A rebuild from the records lands on the same figures.
    before = {s.key: maintenance.summary(s) for s in sources.sources()}
    for src in sources.sources():
        maintenance.rebuild(src)
    assert {s.key: maintenance.summary(s) for s in sources.sources()} == before
