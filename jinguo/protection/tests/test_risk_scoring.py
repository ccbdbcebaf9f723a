"""Scoring, bands, forcing items, professional judgement and the next assessment date."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import RiskAssessment
from jinguo.protection.services import risk as services
from jinguo.protection.services.risk_default import ITEMS
from jinguo.testing.factories import UserFactory, user_with_role

from .factories_risk import (
    STRANGULATION,
    THREAT_TO_KILL,
    WEAPON,
    answers,
    default_instrument,
    make_assessment,
    plain_yes,
)

pytestmark = pytest.mark.django_db


def test_the_shipped_instrument_has_24_yes_no_items_to_be_validated_locally():
    instrument = default_instrument()
    assert instrument.items.count() == len(ITEMS) == 24
    assert set(instrument.items.values_list("answer_type", flat=True)) == {"yes_no"}
    assert set(instrument.items.values_list("weight", flat=True)) == {Decimal(1)}
    assert instrument.locally_validated is False
    assert all(instrument.items.values_list("help_text", flat=True))
    bands = {b.level: (b.min_score, b.review_days) for b in instrument.bands.all()}
    assert bands == {"standard": (0, 90), "medium": (10, 30), "high": (14, 7)}


def test_loading_defaults_again_changes_nothing():
    from jinguo.protection.contributions.risk import load_defaults

    instrument = default_instrument()
    instrument.items.filter(number=1).update(question="本地改过的问题")
    load_defaults()
    assert instrument.items.get(number=1).question == "本地改过的问题"


@pytest.mark.parametrize(
    ("count", "level"),
    [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (21, "high")],
)
def test_the_band_is_the_highest_one_the_count_of_yes_reaches(tree, count, level):
    assessment = make_assessment(unit=tree.community_a, yes=plain_yes(count))
    assert assessment.score == count
    assert assessment.computed_level == level == assessment.level


@pytest.mark.parametrize("item", [STRANGULATION, THREAT_TO_KILL, WEAPON])
def test_a_forcing_item_makes_the_level_high_whatever_the_score(tree, item):
    assessment = make_assessment(unit=tree.community_a, yes={item})
    assert assessment.score == 1
    assert assessment.computed_level == "high"


def test_score_is_the_sum_of_the_weights_of_yes(tree):
    instrument = default_instrument()
    instrument.items.filter(number__in=[1, 2]).update(weight=Decimal("2.5"))
    result = services.score_answers(instrument, answers({1, 2, 3}))
    assert result.score == Decimal("6")
    assert result.band_level == "standard"


def test_a_forcing_item_answered_no_forces_nothing(tree):
    result = services.score_answers(default_instrument(), answers(plain_yes(3)))
    assert result.computed_level == "standard" and result.forced_by == ()


def test_every_item_must_be_answered(tree):
    given = answers()
    del given["7"]
    with pytest.raises(ValidationError) as refused:
        make_assessment_with(tree, given)
    assert "请回答第 7 题。" in refused.value.message_dict["item_7"]


def test_an_answer_the_item_does_not_offer_is_refused(tree):
    given = answers() | {"3": "unknown"}
    with pytest.raises(ValidationError) as refused:
        make_assessment_with(tree, given)
    assert "item_3" in refused.value.message_dict


def make_assessment_with(tree, given, **kwargs):
    return services.assessment_create(
        user=None,
        person=PersonFactory(org=tree.community_a),
        answers=given,
        assessed_by=UserFactory(),
        **kwargs,
    )


def test_judgement_may_raise_the_level_with_a_reason(tree):
    assessment = make_assessment(
        unit=tree.community_a,
        yes=plain_yes(3),
        judged_level="high",
        judgement_reason="对方刚出狱，扬言报复",
    )
    assert assessment.computed_level == "standard"
    assert assessment.judged_level == "high" and assessment.level == "high"
    assert assessment.next_review_on == timezone.localdate() + timedelta(days=7)


def test_raising_the_level_without_a_reason_is_refused(tree):
    with pytest.raises(ValidationError) as refused:
        make_assessment(unit=tree.community_a, yes=plain_yes(3), judged_level="medium")
    assert refused.value.message_dict["judgement_reason"] == [
        "依专业判断提高风险等级时，须填写判断理由。"
    ]
    assert not RiskAssessment.objects.exists()


def test_judgement_may_never_lower_the_level(tree):
    with pytest.raises(ValidationError) as refused:
        make_assessment(
            unit=tree.community_a,
            yes={STRANGULATION},
            judged_level="standard",
            judgement_reason="她说只是一次",
        )
    assert "专业判断只能提高风险等级" in refused.value.message_dict["judged_level"][0]
    assert not RiskAssessment.objects.exists()


def test_a_judgement_equal_to_the_result_is_no_judgement(tree):
    assessment = make_assessment(
        unit=tree.community_a, yes=plain_yes(10), judged_level="medium", judgement_reason="同意"
    )
    assert assessment.judged_level == "" and assessment.judgement_reason == ""


@pytest.mark.parametrize(("count", "days"), [(0, 90), (11, 30), (15, 7)])
def test_the_next_assessment_falls_due_after_the_bands_interval(tree, count, days):
    assessment = make_assessment(unit=tree.community_a, yes=plain_yes(count))
    assert assessment.next_review_on == timezone.localdate() + timedelta(days=days)


def test_a_next_assessment_date_before_the_assessment_is_refused(tree):
    with pytest.raises(ValidationError) as refused:
        make_assessment(
            unit=tree.community_a, next_review_on=timezone.localdate() - timedelta(days=1)
        )
    assert "next_review_on" in refused.value.message_dict


def test_the_case_must_be_the_persons_own(tree):
    from jinguo.cases.tests.factories import make_case

    person = PersonFactory(org=tree.community_a)
    other = make_case(tree.community_a, complainant=PersonFactory(org=tree.community_a))
    with pytest.raises(ValidationError) as refused:
        make_assessment(person, case=other)
    assert "case" in refused.value.message_dict
    own = make_case(tree.community_a, complainant=person)
    assert make_assessment(person, case=own).case == own


def test_the_case_must_be_visible_to_the_assessor(tree):
    from jinguo.cases.tests.factories import make_case

    officer = user_with_role(tree.district_a, "rights_officer")
    person = PersonFactory(org=tree.community_a)
    hidden = make_case(tree.community_b, complainant=person)
    with pytest.raises(ValidationError) as refused:
        make_assessment(person, case=hidden, user=officer)
    assert "case" in refused.value.message_dict


def test_an_assessment_is_sensitive_kept_in_the_persons_unit_and_audited(tree):
    officer = user_with_role(tree.district_a, "rights_officer")
    assessment = make_assessment(unit=tree.community_a, yes={WEAPON}, user=officer)
    assert assessment.is_sensitive and assessment.org == tree.community_a
    assert assessment.assessed_by == officer
    event = AuditEvent.objects.get(object_type="protection.riskassessment", action="create")
    assert event.after["level"] == "high" and event.after["forced_by"] == [WEAPON]
    assert "answers" not in event.after


def test_a_user_without_the_permission_may_not_assess(tree):
    chair = user_with_role(tree.community_a, "community_chair")
    with pytest.raises(PermissionDenied):
        make_assessment(unit=tree.community_a, user=chair)


def test_a_person_out_of_scope_cannot_be_assessed(tree):
    officer = user_with_role(tree.district_b, "rights_officer")
    with pytest.raises(ValidationError):
        make_assessment(unit=tree.community_a, user=officer)
    assert not RiskAssessment.objects.exists()
