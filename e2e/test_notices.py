"""The notices journey: the street's chair sends a task to one community picked by search;
the community's chair finds it on her home page, signs it and reports completion with a
figure; the street sees it done. A chair of another district sees none of it (404)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.notices.models import Notice
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "报送三月普法宣传活动情况"


def test_task_down_and_back(tree, live_server, page, browser, sign_in):
    street = user_with_role(tree.street_a, "rights_officer", username="jiedao", real_name="黄丽")
    chair = user_with_role(
        tree.community_a2, "community_chair", username="chair3", real_name="郑秀梅"
    )
    stranger = user_with_role(tree.community_b, "community_chair", username="chair2")

    sign_in(page, street)
    page.goto(f"{live_server.url}/notices/sent/new/")
    page.check("input[name=kind][value=task]")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=body]", "请于月底前组织一场活动，报告参加人数。")
    due = timezone.localdate() + timedelta(days=5)
    page.fill("input[name=due_on]", due.isoformat())
    page.check("input[name=targets][value=picked]")
    search = page.get_by_test_id("unit-multi-units")
    search.fill("杏林")
    expect(page.locator("[data-unit-option]").first).to_be_visible()
    search.press("Enter")
    expect(page.locator("[data-unit-chip]")).to_have_count(1)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/notices/sent/\d+/$"))
    notice = Notice.objects.get(title=TITLE)
    assert [r.org for r in notice.receipts.all()] == [tree.community_a2]

    context = browser.new_context(locale="zh-CN")
    other = context.new_page()
    sign_in(other, chair)
    panel = other.get_by_test_id("panel-notices-inbox")
    expect(panel).to_contain_text(TITLE)
    panel.get_by_text(TITLE).click()
    other.get_by_test_id("acknowledge").click()
    expect(other.get_by_test_id("receipt-state")).to_have_text("已签收")
    form = other.get_by_test_id("complete-form")
    form.locator("textarea[name=note]").fill("在社区广场开展宣传一场。")
    form.locator("input[name=figures_key]").first.fill("参加人数")
    form.locator("input[name=figures_value]").first.fill("48")
    form.locator("button[type=submit]").click()
    expect(other.get_by_test_id("receipt-state")).to_have_text("已完成")
    expect(other.get_by_test_id("receipt-figures")).to_contain_text("48")
    context.close()

    page.goto(f"{live_server.url}{notice.get_absolute_url()}")
    expect(page.get_by_test_id("receipts")).to_contain_text("已完成")

    context = browser.new_context(locale="zh-CN")
    outsider = context.new_page()
    sign_in(outsider, stranger)
    receipt = notice.receipts.get()
    response = outsider.goto(f"{live_server.url}{receipt.get_absolute_url()}")
    assert response.status == 404
    context.close()
