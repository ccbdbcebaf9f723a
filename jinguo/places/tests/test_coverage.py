"""Coverage: the share of townships and villages/communities owning a place of each kind that
meets its standard, by child unit, with the gaps; and its Excel export."""

import pytest
from django.urls import reverse

from jinguo.orgs.choices import UnitKind
from jinguo.places import selectors
from jinguo.places.choices import CoverageLevel
from jinguo.places.tests.factories import kind, make_place, meet
from jinguo.testing.factories import user_with_role
from jinguo.testing.responses import xlsx_rows
from jinguo.testing.tree import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(tree):
    return user_with_role(tree.city, "leader", username="leader_cov")


@pytest.fixture
def covered(tree):
    """芳草 has a 妇女之家 meeting the standard; 杏林's fails it; 桃李 has none. A sibling
    township whose code begins with 春晖's (9901010019…) owns a standard 妇女之家 in its own
    community: it must never be counted under 春晖."""
    meet(make_place(tree.community_a, name="芳草妇女之家"))
    make_place(tree.community_a2, name="杏林妇女之家")
    meet(make_place(tree.street_a, kind_code="rights_station", name="春晖维权站"))
    lookalike = make_unit("9901010019", "伪春晖街道妇联", UnitKind.TOWNSHIP, tree.district_a)
    village = make_unit("9901010019001", "伪春晖社区妇联", UnitKind.COMMUNITY, lookalike)
    meet(make_place(village, name="伪社区妇女之家"))
    return lookalike, village


def cell(result, unit, code):
    row = next(r for r in result.rows if r.unit == unit)
    return row.cells[kind(code).pk]


def test_coverage_by_child_unit(tree, leader, covered):
    result = selectors.coverage(leader, tree.city, CoverageLevel.COMMUNITY)
    assert [r.unit for r in result.rows] == [tree.district_a, tree.district_b]
    a = cell(result, tree.district_a, "womens_home")
    assert (a.covered, a.total) == (2, 3)  # 芳草 and 伪春晖社区 of 3 communities
    b = cell(result, tree.district_b, "womens_home")
    assert (b.covered, b.total, b.percent) == (0, 1, 0)
    total = result.total.cells[kind("womens_home").pk]
    assert (total.covered, total.total) == (2, 4)


def test_a_lookalike_code_is_not_in_the_subtree(tree, leader, covered):
    result = selectors.coverage(leader, tree.district_a, CoverageLevel.COMMUNITY)
    spring = cell(result, tree.street_a, "womens_home")
    assert (spring.covered, spring.total) == (1, 2)
    lookalike, _village = covered
    assert (cell(result, lookalike, "womens_home").covered) == 1
    gaps = selectors.coverage_gaps(tree.street_a, kind("womens_home"), CoverageLevel.COMMUNITY)
    assert list(gaps) == [tree.community_a2]


def test_township_level(tree, leader, covered):
    result = selectors.coverage(leader, tree.city, CoverageLevel.TOWNSHIP)
    a = cell(result, tree.district_a, "rights_station")
    assert (a.covered, a.total) == (1, 2)  # 春晖 has its station; the lookalike township not


def test_coverage_page_gaps_and_export(tree, leader, covered, client):
    client.force_login(leader)
    r = client.get(reverse("places:coverage"))
    assert r.status_code == 200 and "和平区妇联" in r.content.decode()
    r = client.get(
        reverse("places:coverage_gaps")
        + f"?unit={tree.district_a.pk}&level=community&kind={kind().pk}"
    )
    assert "杏林社区妇联" in r.content.decode() and "芳草社区妇联" not in r.content.decode()
    r = client.get(reverse("places:coverage") + f"?unit={tree.city.pk}&export=xlsx")
    assert r.status_code == 200
    rows = xlsx_rows(r.content)
    heping = next(row for row in rows if row["单位"] == "和平区妇联")
    assert heping["妇女之家/妇女微家 达标数"] == 2 and heping["妇女之家/妇女微家 应建数"] == 3


def test_coverage_stays_in_her_subtree(tree, covered, client):
    officer_b = user_with_role(tree.district_b, "rights_officer", username="officer_b_cov")
    client.force_login(officer_b)
    # A unit outside her scope in the query is not hers to count: her own unit is used.
    r = client.get(reverse("places:coverage") + f"?unit={tree.district_a.pk}")
    assert r.status_code == 200
    assert r.context["coverage"].unit == tree.district_b
    r = client.get(reverse("places:coverage_gaps") + f"?unit={tree.district_a.pk}&kind={kind().pk}")
    assert "杏林社区妇联" not in r.content.decode()


def test_coverage_queries_do_not_grow_with_the_tree(
    tree, leader, covered, django_assert_max_num_queries
):
    for n in range(20):
        parent = tree.street_b
        make_unit(f"990102001{100 + n}", f"新社区{n}", UnitKind.COMMUNITY, parent)
    with django_assert_max_num_queries(8):
        selectors.coverage(leader, tree.city, CoverageLevel.COMMUNITY)
