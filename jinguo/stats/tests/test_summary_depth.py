"""A summary kept to a depth (JINGUO_STATS_SUMMARY_DEPTH): no count row below it, and every
reader — the selectors, the dashboard, the detail sheet — gives the same figures as with
every level kept, the deeper units' figures being summed from the ledger."""

import datetime

import pytest
from django.utils import timezone

from jinguo.cases import choices
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import make_case
from jinguo.people.tests.factories import PersonFactory
from jinguo.stats import counts, dashboard, maintenance, selectors, sources, triggers
from jinguo.stats.detail import SubtreeCounts
from jinguo.stats.models import StatsCount, StatsEntry
from jinguo.stats.periods import Period, months_between
from jinguo.testing.factories import user_with_role

from .test_summary_property import random_writes, tree_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def use_depth(settings):
    def use(depth):
        settings.JINGUO_STATS_SUMMARY_DEPTH = depth
        triggers.install()
        for src in sources.sources():
            maintenance.rebuild(src)

    yield use
    use(None)


def _periods():
    """This year, this month and every month."""
    today = timezone.localdate()
    year = Period("year", datetime.date(today.year, 1, 1), datetime.date(today.year + 1, 1, 1))
    start = today.replace(day=1)
    month = Period("month", start, (start + datetime.timedelta(days=32)).replace(day=1))
    return [year, month, None]


def _snapshot(tree, user) -> dict:
    """Every figure the readers give for every unit of the tree."""
    out = {}
    units = [u.__class__.objects.get(pk=u.pk) for u in tree_units(tree)]
    for src in sources.sources():
        for unit in units:
            for period in _periods():
                key = (src.key, unit.pk, period)
                out[(*key, "total")] = selectors.total(src, unit.path, period)
                for dim in sources.dimensions(src):
                    out[(*key, dim)] = selectors.by_dimension(src, unit.path, dim, period)
                    out[(*key, dim, "child")] = selectors.by_child(src, unit, period, {dim: None})
            months = months_between(_periods()[0].start, _periods()[0].end)
            out[(src.key, unit.pk, "months")] = selectors.by_month(src, unit.path, months)
    for unit in units:
        for period in _periods()[:2]:
            out[("dashboard", unit.pk, period)] = dashboard.dashboard(user, unit, period)
    for period in _periods()[:2]:
        for root in units[:4]:
            sheet = SubtreeCounts(root.path, period)
            for src in sources.sources():
                for dim in [None, *sources.dimensions(src)]:
                    where = None if dim is None else {dim: None}
                    for unit in units:
                        if unit.path.startswith(root.path):
                            out[("sheet", root.pk, period, src.key, dim, unit.pk)] = sheet.total(
                                src, unit.path, period, where
                            )
    return out


def _deepest_count_row() -> int:
    return max(
        (counts.depth_of(p) for p in StatsCount.objects.values_list("unit_path", flat=True)),
        default=0,
    )


def _records(tree):
    now = timezone.now()
    for i, unit in enumerate(tree_units(tree)):
        for j in range(i + 2):
            make_case(
                unit,
                channel=choices.Channel.values[j % len(choices.Channel.values)],
                urgency="urgent" if j % 3 == 0 else "normal",
                received_at=now - datetime.timedelta(days=40 * j),
            )
        PersonFactory(org=unit, is_sensitive=i % 2 == 0)
    Case.objects.filter(pk__in=Case.objects.values("pk")[:5]).update(due_state="overdue")


def test_a_summary_kept_to_a_depth_gives_the_same_figures(tree, use_depth):
    leader = user_with_role(tree.city, "leader", username="leader_city_depth")
    _records(tree)
    every_level = _snapshot(tree, leader)
    assert _deepest_count_row() == counts.depth_of(tree.grid_a.path)

    use_depth(2)
    assert _deepest_count_row() == 2
    assert _snapshot(tree, leader) == every_level

    # Writes counted by the depth's triggers: still the figures of a full recount.
    make_case(tree.community_b, urgency="urgent")
    case = Case.objects.filter(org=tree.community_a).first()
    case.status = "resolved"
    case.save(update_fields=["status", "updated_at"])
    Case.objects.filter(org=tree.grid_a).delete()
    assert _deepest_count_row() == 2
    for src in sources.sources():
        assert maintenance.check(src) == [], src.key
    kept_to_two = _snapshot(tree, leader)
    use_depth(None)
    assert _snapshot(tree, leader) == kept_to_two


def test_random_writes_keep_a_summary_to_a_depth_equal_to_the_records(tree, use_depth):
    use_depth(3)
    random_writes(tree, 400, seed=20261206)
    assert _deepest_count_row() <= 3


def test_check_compares_the_deep_units_read_from_the_ledger(tree, use_depth):
    make_case(tree.community_a)
    use_depth(2)
    src = sources.source("cases.case")
    assert maintenance.check(src) == []
    # A ledger row put under a sibling community: the kept levels (city, district) are the
    # same, the street's figures too, but the two communities' are not.
    StatsEntry.objects.filter(source=src.key, org_path=tree.community_a.path).update(
        org_path=tree.community_a2.path
    )
    wrong = {key.path for key, _summary, _records in maintenance.check(src)}
    assert wrong == {tree.community_a.path, tree.community_a2.path}


def test_check_reports_a_wrong_count_at_the_root_and_below_it(tree, use_depth):
    """PostgreSQL checks the root's rows and each subtree below it apart: both are seen."""
    make_case(tree.community_a)
    make_case(tree.district_b)
    use_depth(3)
    src = sources.source("cases.case")
    assert maintenance.check(src) == []
    for unit in (tree.city, tree.district_b, tree.street_a):
        row = StatsCount.objects.filter(source=src.key, unit_path=unit.path, dim=0).first()
        row.n += 1
        row.save(update_fields=["n"])
    wrong = {key.path for key, _summary, _records in maintenance.check(src)}
    assert wrong == {tree.city.path, tree.district_b.path, tree.street_a.path}
