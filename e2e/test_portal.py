"""The public portal on a phone: an anonymous appeal gets a code; the district officer finds it
in her queue and publishes a reply; the woman reads it with code and PIN; the quick exit leaves
no portal page in the history."""

import os
import re

import pytest
from playwright.sync_api import expect

from jinguo.cases.models import Case
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STORY = "他昨晚喝酒后又打我，我带着孩子躲在邻居家。"
SHOTS = os.environ.get("JINGUO_SHOTS", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"portal_{name}.png"), full_page=True)


REPLY = "我们已收到您的求助，社区妇联主席会在工作日上午短信联系您。"


@pytest.fixture(autouse=True)
def _no_fill_wait(settings):
    settings.JINGUO_PORTAL_MIN_FILL_SECONDS = 0


def test_anonymous_appeal_reply_and_reading_it(live_server, tree, phone_page, page, sign_in):
    officer = user_with_role(
        tree.district_a, "rights_officer", username="officer_portal", real_name="陈维"
    )
    base = live_server.url
    woman = phone_page
    woman.goto(f"{base}/portal/")
    shot(woman, "home")
    woman.get_by_test_id("ask-help").click()
    expect(woman.get_by_test_id("safety-notice")).to_be_visible()
    woman.get_by_test_id("start").click()
    woman.fill("#q", "芳草")
    woman.get_by_role("button", name="搜索").click()
    woman.get_by_test_id("units").get_by_role("link", name="芳草社区妇联").click()
    form = woman.get_by_test_id("appeal-form")
    shot(woman, "form")
    form.get_by_text("家里有人打我、威胁我或控制我").click()
    form.locator("textarea[name=story]").fill(STORY)
    form.locator("input[name=pin]").fill("2580")
    form.get_by_test_id("submit").click()
    code = woman.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4} [A-Z2-9]{4} [A-Z2-9]{4}", code)
    shot(woman, "code")

    case = Case.objects.get(channel="portal")
    assert case.org == tree.district_a and case.anonymous
    sign_in(page, officer)
    page.goto(f"{base}/cases/?queue=all")
    page.get_by_role("link", name=case.number).first.click()
    section = page.get_by_test_id("case-portal")
    section.locator("textarea[name=body]").fill(REPLY)
    section.get_by_role("button", name="公开回复").click()
    expect(page.get_by_test_id("portal-reply")).to_contain_text(REPLY)
    shot(page, "case_section")

    woman.goto(f"{base}/portal/track/")
    track = woman.get_by_test_id("track-form")
    track.locator("input[name=code]").fill(code)
    track.locator("input[name=pin]").fill("2580")
    track.get_by_role("button", name="查询").click()
    expect(woman.get_by_test_id("reply")).to_contain_text(REPLY)
    shot(woman, "status")
    content = woman.content()
    assert "陈维" not in content and STORY not in content and case.number not in content
    # Fits the phone: nothing scrolls sideways.
    assert woman.evaluate("document.documentElement.scrollWidth") <= 390


def test_quick_exit_from_the_form_leaves_no_portal_page_in_history(live_server, tree, phone_page):
    base = live_server.url
    woman = phone_page
    woman.goto(f"{base}/portal/")
    entries = woman.evaluate("history.length")  # the tab's blank page and the portal
    woman.get_by_test_id("ask-help").click()
    woman.get_by_test_id("start").click()
    woman.get_by_test_id("units").get_by_role("link").first.click()
    woman.wait_for_url(re.compile(r"/portal/help/place/\?in="))
    woman.get_by_test_id("units").locator("a.pick").first.click()
    woman.wait_for_url(re.compile(r"/portal/help/form/"))
    woman.locator("textarea[name=story]").fill("有人在看")
    woman.keyboard.press("Escape")
    woman.wait_for_url(f"{base}/rili/")
    # Every portal step replaced the one before, and the exit replaced the last.
    assert woman.evaluate("history.length") == entries
    woman.go_back()
    assert "/portal/" not in woman.url and "/rili/" not in woman.url


def test_quick_exit_button(live_server, phone_page):
    base = live_server.url
    phone_page.goto(f"{base}/portal/rights/")
    entries = phone_page.evaluate("history.length")
    phone_page.get_by_test_id("quick-exit").click()
    phone_page.wait_for_url(f"{base}/rili/")
    assert phone_page.evaluate("history.length") == entries
    phone_page.go_back()
    assert "/portal/" not in phone_page.url


def test_the_finder_shows_her_communitys_womens_home_and_not_the_shelter(
    live_server, tree, phone_page
):
    from jinguo.places.tests.factories import make_place

    home = make_place(tree.community_a, name="芳草社区妇女之家", is_public=True)
    make_place(
        tree.district_a,
        kind_code="shelter",
        name="和平区庇护站",
        address="春晖路 9 号院（保密）",
        is_public=False,
    )
    base = live_server.url
    woman = phone_page
    woman.goto(f"{base}/portal/")
    woman.get_by_role("link", name="就近求助").click()
    woman.locator("input[name=q]").fill("芳草")
    woman.get_by_role("button", name="搜索").click()
    woman.get_by_test_id("nearby-units").get_by_role("link").first.click()
    places = woman.get_by_test_id("nearby-places")
    expect(places).to_contain_text(home.name)
    expect(places).to_contain_text(home.opening_hours)
    assert "和平区庇护站" not in woman.content() and "春晖路 9 号院" not in woman.content()
    # Up to the district: still her home, never the shelter.
    woman.get_by_test_id("nearby-trail").get_by_role("link", name=tree.district_a.name).click()
    expect(woman.get_by_test_id("nearby-places")).to_contain_text(home.name)
    assert "和平区庇护站" not in woman.content()
