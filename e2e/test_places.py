"""Service places on a phone: the community chair sees on her home page that her 妇女之家 fails
its standard, opens it from the count, ticks the three items and it meets the standard; she
logs a 姐妹谈心 session. The leader sees the district's shelter listed, never its address."""

import pytest
from playwright.sync_api import expect

from jinguo.places.tests.factories import SECRET_ADDRESS, make_place
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_chair_brings_her_womens_home_up_to_standard(tree, phone_page, sign_in, live_server):
    chair = user_with_role(tree.community_a, "community_chair", username="chair", real_name="李芳")
    make_place(tree.community_a, name="芳草社区妇女之家")
    page = sign_in(phone_page, chair)
    panel = page.get_by_test_id("panel-places")
    expect(panel.get_by_test_id("places-failing")).to_contain_text("1")
    panel.get_by_test_id("places-failing").click()
    page.get_by_role("link", name="芳草社区妇女之家").click()
    expect(page.get_by_test_id("standard-badge")).to_have_text("未达标")
    page.get_by_role("link", name="核查标准").click()
    for label in ("有人员", "有牌子", "有场所"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("standard-badge")).to_have_text("达标")
    page.get_by_role("link", name="登记活动").click()
    page.get_by_label("活动类型").select_option("talk")
    page.get_by_label("主题").fill("姐妹谈心会")
    page.get_by_label("参加人数").fill("9")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("place-activities")).to_contain_text("姐妹谈心会")


def test_leader_never_sees_the_shelter_address(tree, page, sign_in, live_server, settings):
    # A leader's role asks for a second factor (e2e/test_two_factor.py signs in with one).
    settings.JINGUO_TWO_FACTOR_ENFORCED = False
    leader = user_with_role(tree.city, "leader", username="leader", real_name="林秀英")
    staff = user_with_role(tree.district_a, "rights_officer", username="weiquan")
    make_place(
        tree.district_a,
        kind_code="shelter",
        staff=[staff],
        address=SECRET_ADDRESS,
        name="和平区庇护点",
    )
    sign_in(page, leader)
    page.goto(f"{live_server.url}/places/")
    page.get_by_role("link", name="和平区庇护点").click()
    expect(page.get_by_test_id("place-address")).to_contain_text("保密场所")
    assert SECRET_ADDRESS not in page.content()
