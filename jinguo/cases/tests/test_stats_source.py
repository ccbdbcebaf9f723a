"""What the cases app gives the statistics: handling outcome and satisfaction counted by unit
and month as the cases move, through the summary triggers."""

import pytest

from jinguo.cases import choices
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import make_case
from jinguo.stats import selectors, sources

pytestmark = pytest.mark.django_db


def test_outcome_and_satisfaction_are_counted_up_the_tree(tree):
    answered = make_case(tree.community_a, status="resolved", outcome=choices.Outcome.ANSWERED)
    make_case(tree.community_a2, status="resolved", outcome=choices.Outcome.REFERRED)
    make_case(tree.community_b, status="resolved", outcome=choices.Outcome.ANSWERED)
    make_case(tree.community_a)  # still open: no outcome yet
    src = sources.source("cases.case")
    outcomes = {c.value: c.n for c in selectors.by_dimension(src, tree.district_a.path, "outcome")}
    # The open case counts under "no outcome yet" (the blank value).
    assert outcomes == {choices.Outcome.ANSWERED: 1, choices.Outcome.REFERRED: 1, "": 1}
    labels = {c.value: c.label for c in selectors.by_dimension(src, tree.city.path, "outcome")}
    assert labels[choices.Outcome.ANSWERED] == str(choices.Outcome.ANSWERED.label)
    # A follow-up call's satisfaction moves the count in the same transaction.
    Case.objects.filter(pk=answered.pk).update(satisfaction=choices.Satisfaction.SATISFIED)
    satisfied = selectors.by_dimension(src, tree.street_a.path, "satisfaction")
    assert {c.value: c.n for c in satisfied} == {choices.Satisfaction.SATISFIED: 1, "": 2}
