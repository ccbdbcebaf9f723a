"""The five concerns read as one 反家暴与预警 menu, in the order of the work, for each role."""

import pytest

from jinguo.core.navigation import menu_for
from jinguo.core.registry import registry
from jinguo.protection.contributions import MENU_ORDER
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def protection_menu(user) -> list[str]:
    groups = {g["label"]: [str(i["label"]) for i in g["items"]] for g in menu_for(user, "/")}
    return groups.get("反家暴与预警", [])


def test_every_entry_of_the_group_has_its_place_in_the_one_order():
    entries = [i for i in registry.menu_items if i.group == "protection"]
    assert {i.url_name for i in entries} == set(MENU_ORDER)
    assert len(set(MENU_ORDER.values())) == len(MENU_ORDER)  # no two entries tie


def test_a_rights_officer_reads_warnings_first_and_related_lists_together(tree):
    officer = user_with_role(tree.district_a, "rights_officer", username="menu_officer")
    menu = protection_menu(officer)
    assert menu[0] == "维权预警"
    assert menu[-1] == "风险评估工具"
    for first, second in [
        ("风险人员", "风险评估记录"),
        ("保护性回访", "回访计划"),
        ("告诫书", "告诫书回访"),
        ("庇护场所", "庇护入住"),
    ]:
        assert menu.index(second) == menu.index(first) + 1


def test_a_community_chair_sees_her_visits_and_screening_not_the_officers_lists(tree):
    chair = user_with_role(tree.community_a, "community_chair", username="menu_chair")
    menu = protection_menu(chair)
    assert menu[0] == "维权预警"
    assert {"保护性回访", "告诫书回访", "排查上报"} <= set(menu)
    assert not {"风险人员", "人身安全保护令", "匿名暴力统计", "风险评估工具"} & set(menu)
