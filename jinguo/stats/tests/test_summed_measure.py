"""A source registered with a measure (volunteers.service: confirmed hours) has its sum kept
in the summary beside the count, by the same triggers, at every ancestor level; formulas read
it with sum(); stats_check compares it too."""

from decimal import Decimal

import pytest
from django.utils import timezone

from jinguo.stats import maintenance, periods, sources
from jinguo.stats.indicators import Evaluator, FormulaError, check
from jinguo.stats.selectors import total
from jinguo.volunteers.tests.factories import make_activity, make_participation

pytestmark = pytest.mark.django_db

KEY = "volunteers.service"


def _hours(unit) -> tuple[int, Decimal]:
    src = sources.source(KEY)
    period = periods.parse({})[0]
    cell = total(src, unit.path, period)
    return cell.n, Decimal(cell.amount)


def test_hours_are_summed_up_the_tree_through_every_kind_of_write(tree):
    now = timezone.now()
    activity = make_activity(tree.community_a, held_on=timezone.localdate())
    a = make_participation(
        tree.community_a, activity=activity, attended=True, confirmed_at=now, hours=Decimal("2.5")
    )
    make_participation(
        tree.community_a, activity=activity, attended=True, confirmed_at=now, hours=Decimal("1")
    )
    unconfirmed = make_participation(
        tree.community_a, activity=activity, attended=True, hours=Decimal("4")
    )
    for unit in (tree.community_a, tree.street_a, tree.district_a):
        assert _hours(unit) == (2, Decimal("3.5")), unit
    assert _hours(tree.community_b) == (0, Decimal(0))
    a.hours = Decimal("3.5")
    a.save(update_fields=["hours"])
    assert _hours(tree.district_a) == (2, Decimal("4.5"))
    type(a).objects.filter(pk=unconfirmed.pk).update(confirmed_at=now)  # a bulk write
    assert _hours(tree.district_a) == (3, Decimal("8.5"))
    a.delete()
    assert _hours(tree.street_a) == (2, Decimal("5"))
    assert maintenance.check(sources.source(KEY)) == []
    # A rebuild gives the same figures as the triggers kept.
    before = maintenance.summary(sources.source(KEY))
    maintenance.rebuild(sources.source(KEY))
    assert maintenance.summary(sources.source(KEY)) == before


def test_formulas_sum_the_measure_and_refuse_it_for_a_source_that_only_counts(tree):
    activity = make_activity(tree.community_a, held_on=timezone.localdate())
    make_participation(
        tree.community_a,
        activity=activity,
        attended=True,
        confirmed_at=timezone.now(),
        hours=Decimal("1.5"),
    )
    period = periods.parse({})[0]
    ev = Evaluator.for_unit(tree.street_a.path, period)
    assert ev.evaluate(f'sum("{KEY}")') == 1.5
    assert ev.evaluate(f'sum("{KEY}") / count("{KEY}")') == 1.5
    check(f'sum("{KEY}")')
    with pytest.raises(FormulaError, match="只计数"):
        check('sum("cases.case")')
    with pytest.raises(FormulaError, match="sum 需要"):
        check("sum(1)")


def test_the_dashboard_shows_the_hours_beside_the_count(login, tree):
    from django.urls import reverse

    from jinguo.testing.factories import user_with_role

    activity = make_activity(tree.community_a, held_on=timezone.localdate())
    for hours in ("2", "1.5", "3", "1", "2.5"):
        make_participation(
            tree.community_a,
            activity=activity,
            attended=True,
            confirmed_at=timezone.now(),
            hours=Decimal(hours),
        )
    leader = user_with_role(tree.district_a, "leader", username="leader_hours")
    response = login(leader).get(reverse("stats:dashboard"))
    row = next(s for s in response.context["data"]["sources"] if s["key"] == KEY)
    assert row["count"] == 5 and row["amount"] == 10
    assert 'data-testid="source-amount"' in response.content.decode()
