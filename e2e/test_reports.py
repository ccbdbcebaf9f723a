"""Report forms in the browser: a community submits its monthly report, the street returns it
with a comment, the community corrects and resubmits, the street accepts it and submits its
own consolidated report, which reaches the district's 工作台."""

import pytest
from playwright.sync_api import expect

from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def switch(page, sign_in, user):
    page.context.clear_cookies()
    sign_in(page, user)


def test_monthly_report_up_the_tree(live_server, page, sign_in, tree, settings):
    # Leaders' roles ask for a second factor (e2e/test_two_factor.py signs in with one).
    settings.JINGUO_TWO_FACTOR_ENFORCED = False
    chair = user_with_role(
        tree.community_a, "community_chair", username="chair_fc", real_name="李芳"
    )
    street = user_with_role(tree.street_a, "leader", username="street_ch", real_name="周春")
    district = user_with_role(tree.district_a, "leader", username="district_hp", real_name="吴和")

    # The community fills in and submits (上报).
    sign_in(page, chair)
    page.goto(f"{live_server.url}/stats/reports/")
    page.locator('[data-form="rights_monthly"]').get_by_test_id("start-report").click()
    page.fill('input[name="c-main.events"]', "三场")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_text("不是数字")).to_be_visible()
    expect(page.locator('input[name="c-main.events"]')).to_have_value("三场")
    page.fill('input[name="c-main.events"]', "2")
    page.fill('input[name="c-main.participants"]', "60")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("已上报待审核")
    report_url = page.url

    # The street returns it with a comment.
    switch(page, sign_in, street)
    page.get_by_test_id("panel-reports").get_by_test_id("awaiting-review").first.click()
    page.fill("textarea[name=comment]", "参加人次与签到表不符，请核实")
    page.get_by_test_id("return-report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("已退回")

    # The community sees why, corrects and resubmits.
    switch(page, sign_in, chair)
    page.goto(report_url)
    expect(page.get_by_test_id("return-comment")).to_contain_text("参加人次与签到表不符")
    page.fill('input[name="c-main.participants"]', "45")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("已上报待审核")

    # The street accepts it, then files its own report, prefilled from its children.
    switch(page, sign_in, street)
    page.goto(report_url)
    page.get_by_test_id("accept-report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("已审核通过")
    page.goto(f"{live_server.url}/stats/reports/")
    page.locator('[data-form="rights_monthly"]').get_by_test_id("open-overview").click()
    children = page.get_by_test_id("children-reports")
    expect(children.locator(f'[data-unit="{tree.community_a.code}"]')).to_contain_text("已审核通过")
    expect(children.locator(f'[data-unit="{tree.community_a2.code}"]')).to_contain_text("未填报")
    page.get_by_text("填报本单位报表").click()
    expect(page.locator('input[name="c-main.participants"]')).to_have_value("45")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("已上报待审核")

    # The district sees it waiting for review on its 工作台.
    switch(page, sign_in, district)
    panel = page.get_by_test_id("panel-reports")
    expect(panel.get_by_test_id("awaiting-review").first).to_contain_text(tree.street_a.name)
