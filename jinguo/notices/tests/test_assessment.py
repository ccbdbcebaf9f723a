"""Target assessment: indicators, scores computed from the statistics or entered with evidence,
the upper level's adjustment with a reason, the ranking of child units and its export."""

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.notices.models import Assessment, Indicator
from jinguo.notices.services import assessment as services
from jinguo.testing.factories import UserFactory, user_with_role
from jinguo.testing.responses import xlsx_rows
from jinguo.testing.scoping import ScopedModelContract

from .factories import make_notice

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
_n = itertools.count(1)


def make_indicator(unit, **kwargs):
    values = {
        "year": YEAR,
        "name": f"宣传活动完成情况{next(_n)}",
        "weight": Decimal("20"),
        "target": Decimal("4"),
        "method": "entered",
        "created_by": UserFactory(home_unit=unit),
    }
    values.update(kwargs)
    return Indicator.objects.create(org=unit, **values)


def make_assessment(unit, **kwargs):
    indicator = make_indicator(unit.parent)
    return Assessment.objects.create(indicator=indicator, org=unit, **kwargs)


class TestIndicatorContract(ScopedModelContract):
    model = Indicator
    actions = ("view", "add", "change")
    list_url = "notices:indicator_list"
    detail_url = "notices:indicator_detail"
    create_url = "notices:indicator_create"
    export = True
    scoped_create = False

    def make(self, unit):
        return make_indicator(unit)

    def export_marker(self, obj):
        return "指标名称", obj.name

    def form_data(self, unit):
        return {
            "year": YEAR,
            "name": f"妇女之家活动场次{next(_n)}",
            "weight": "10",
            "target": "12",
            "method": "entered",
            "direction": "higher",
        }


class TestAssessmentContract(ScopedModelContract):
    model = Assessment
    actions = ("view", "change")
    list_url = "notices:assessment_list"
    detail_url = "notices:assessment_detail"
    export = True

    def make(self, unit):
        return make_assessment(unit)

    def export_marker(self, obj):
        return "指标", obj.indicator.name


# --- scoring -------------------------------------------------------------------------------


def test_score_rules():
    higher = Indicator(weight=Decimal("20"), target=Decimal("4"), direction="higher")
    assert services.score_of(higher, Decimal("2")) == Decimal("10.00")
    assert services.score_of(higher, Decimal("9")) == Decimal("20.00")
    assert services.score_of(higher, None) == Decimal("0.00")
    lower = Indicator(weight=Decimal("10"), target=Decimal("5"), direction="lower")
    assert services.score_of(lower, Decimal("3")) == Decimal("10.00")
    assert services.score_of(lower, Decimal("10")) == Decimal("5.00")


def test_a_computed_share_reads_the_statistics(tree, street_officer, community_chair):
    # 芳草 completed 1 of its 2 tasks, 杏林 none: completion shares 50 % and 0 %.
    first, second = make_notice(tree.street_a), make_notice(tree.street_a)
    from jinguo.notices import services as notice_services

    notice_services.receipt_complete(
        user=community_chair, receipt=first.receipts.get(org=tree.community_a), note="完成"
    )
    indicator = services.indicator_create(
        user=street_officer,
        year=YEAR,
        name="任务完成率",
        weight="30",
        target="100",
        method="share",
        source="notices.receipts",
        dimension="state",
        values=["completed"],
    )
    assert services.assessment_compute(user=street_officer, indicator=indicator) == 2
    scores = {a.org: (a.actual, a.score) for a in indicator.assessments.all()}
    assert scores[tree.community_a] == (Decimal("50.00"), Decimal("15.00"))
    assert scores[tree.community_a2] == (Decimal("0.00"), Decimal("0.00"))
    assert AuditEvent.objects.filter(action="assessment_compute").exists()
    assert second.pk


def test_indicator_checks_its_fields(tree, street_officer):
    with pytest.raises(ValidationError) as exc:
        services.indicator_create(
            user=street_officer,
            year=1800,
            name="",
            weight="abc",
            target="-1",
            method="share",
            source="nope",
        )
    assert set(exc.value.message_dict) >= {"year", "name", "weight", "target", "source"}


def test_the_assessed_unit_enters_with_evidence_and_the_upper_level_adjusts(
    tree, street_officer, community_chair, other_chair
):
    indicator = services.indicator_create(
        user=street_officer,
        year=YEAR,
        name="宣传活动场次",
        weight="20",
        target="4",
        method="entered",
    )
    services.assessment_compute(user=street_officer, indicator=indicator)
    mine = indicator.assessments.get(org=tree.community_a)
    with pytest.raises(ValidationError) as exc:
        services.assessment_enter(user=community_chair, assessment=mine, actual="3", evidence="")
    assert "evidence" in exc.value.message_dict
    done = services.assessment_enter(
        user=community_chair, assessment=mine, actual="3", evidence="活动签到表 3 份"
    )
    assert done.score == Decimal("15.00")
    # Its sibling's row is not hers to fill; another branch sees nothing.
    sibling = indicator.assessments.get(org=tree.community_a2)
    with pytest.raises(ValidationError):
        services.assessment_enter(
            user=community_chair, assessment=sibling, actual="1", evidence="x"
        )
    with pytest.raises(ValidationError):
        services.assessment_enter(user=other_chair, assessment=mine, actual="1", evidence="x")
    # The street adjusts with a reason, never above the weight; the chair cannot.
    with pytest.raises(ValidationError) as exc:
        services.assessment_adjust(user=street_officer, assessment=mine, score="25", reason="")
    assert set(exc.value.message_dict) == {"score", "reason"}
    with pytest.raises(ValidationError):
        services.assessment_adjust(user=community_chair, assessment=mine, score="1", reason="x")
    adjusted = services.assessment_adjust(
        user=street_officer, assessment=mine, score="18", reason="另有一场活动材料补交"
    )
    assert adjusted.final_score == Decimal("18.00")
    event = AuditEvent.objects.get(action="assessment_adjust")
    assert event.before == {"score": "15.00"} and event.after["reason"] == "另有一场活动材料补交"


def test_board_ranks_child_units_and_exports(tree, street_officer, community_chair, login):
    indicator = services.indicator_create(
        user=street_officer,
        year=YEAR,
        name="宣传活动场次",
        weight="20",
        target="4",
        method="entered",
    )
    services.assessment_compute(user=street_officer, indicator=indicator)
    services.assessment_enter(
        user=community_chair,
        assessment=indicator.assessments.get(org=tree.community_a),
        actual="4",
        evidence="照片",
    )
    c = login(street_officer)
    r = c.get(reverse("notices:assessment_board") + f"?year={YEAR}")
    assert r.status_code == 200
    rows = r.context["rows"]
    assert [row["unit"] for row in rows] == [tree.community_a, tree.community_a2]
    assert rows[0]["total"] == Decimal("20.00") and rows[0]["rank"] == 1
    from jinguo.testing.factories import grant

    grant(street_officer, "core.export")
    r = c.get(reverse("notices:assessment_board") + f"?year={YEAR}&export=xlsx")
    table = xlsx_rows(r.content)
    assert table[0]["单位"] == tree.community_a.name
    assert AuditEvent.objects.filter(action="export", detail__report="assessment_board").exists()


def test_board_of_another_branch_shows_nothing(tree, street_officer):
    indicator = services.indicator_create(
        user=street_officer,
        year=YEAR,
        name="宣传活动场次",
        weight="20",
        target="4",
        method="entered",
    )
    services.assessment_compute(user=street_officer, indicator=indicator)
    other = user_with_role(tree.street_b, "rights_officer")
    from django.test import Client

    c = Client()
    c.force_login(other)
    r = c.get(reverse("notices:assessment_board") + f"?year={YEAR}")
    assert r.status_code == 200 and not r.context["indicators"]
    assert indicator.name not in r.content.decode()
    url = reverse("notices:assessment_detail", args=[indicator.assessments.first().pk])
    assert c.get(url).status_code == 404


def test_adjust_and_enter_pages(tree, street_officer, community_chair, login):
    indicator = services.indicator_create(
        user=street_officer,
        year=YEAR,
        name="宣传活动场次",
        weight="20",
        target="4",
        method="entered",
    )
    services.assessment_compute(user=street_officer, indicator=indicator)
    mine = indicator.assessments.get(org=tree.community_a)
    c = login(community_chair)
    r = c.post(reverse("notices:assessment_enter", args=[mine.pk]), {"actual": "2", "evidence": ""})
    assert r.status_code == 200 and "佐证说明" in r.content.decode()
    r = c.post(
        reverse("notices:assessment_enter", args=[mine.pk]), {"actual": "2", "evidence": "台账"}
    )
    assert r.status_code == 302
    assert c.post(reverse("notices:assessment_adjust", args=[mine.pk]), {}).status_code == 404
    c = login(street_officer)
    r = c.post(
        reverse("notices:assessment_adjust", args=[mine.pk]),
        {"score": "12", "reason": "核实后加分"},
    )
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.final_score == Decimal("12.00")
