"""The 12338 operator registers a first-time caller from the keyboard alone: the demo's
operator sits at the city federation, so the caller's record needs a community, found by its
pinyin initials. Counts every key that is not text and proves the first submit succeeds."""

import re

import pytest
from playwright.sync_api import expect

from jinguo.cases import choices
from jinguo.cases.models import Case
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PHONE = "13700001111"
MAX_NON_TEXT_KEYS = 20


class Keys:
    """Presses keys on the page and counts them; text goes through type() and is not counted."""

    def __init__(self, page):
        self.page = page
        self.pressed: list[str] = []

    def press(self, key: str):
        self.pressed.append(key)
        self.page.keyboard.press(key)

    def type(self, text: str):
        self.page.keyboard.type(text)


@pytest.fixture
def operator(tree):
    return user_with_role(tree.city, "hotline_operator", username="hotline", real_name="周晓燕")


def test_a_first_time_caller_is_registered_keyboard_only_in_few_keys(
    live_server, page, sign_in, tree, operator
):
    posts = []
    page.on(
        "response",
        lambda r: (
            posts.append(r.status)
            if r.request.method == "POST" and "/cases/hotline/" in r.url
            else None
        ),
    )
    sign_in(page, operator)
    page.goto(f"{live_server.url}/cases/hotline/")
    keys = Keys(page)

    expect(page.get_by_test_id("caller-phone")).to_be_focused()
    keys.type(NEW_PHONE)
    expect(page.get_by_test_id("caller-history")).to_contain_text("首次来电")
    keys.press("Enter")  # no record for the number: on to her name
    expect(page.locator("input[name=nc_name]")).to_be_focused()
    keys.type("李梅")
    label = page.locator("label[for=id_nc_org]")
    expect(label).to_have_class(re.compile(r"\brequired\b"))  # said before sending
    keys.press("Tab")  # gender (女 by default)
    keys.press("Tab")  # her phone (the caller's number by default)
    keys.press("Tab")
    unit = page.get_by_test_id("unit-search-nc_org")
    expect(unit).to_be_focused()
    keys.type("fcsq")  # 芳草社区妇联 by its pinyin initials
    keys.press("Enter")
    expect(page.locator("input[name=nc_org]")).to_have_value(str(tree.community_a.pk))
    expect(unit).to_have_value("芳草社区妇联（春晖街道妇联）")
    expect(page.locator("#category-search")).to_be_focused()
    keys.type("jtjf")  # 家庭纠纷
    keys.press("Enter")
    keys.press("Alt+KeyP")
    expect(page.locator("input[name=urgency][value=priority]")).to_be_checked()
    keys.press("Tab")
    expect(page.locator("input[name=summary]")).to_be_focused()
    keys.type("与婆婆长期不和，求助调解")
    keys.press("Control+Enter")

    page.wait_for_url(re.compile(r"/cases/hotline/\?registered=\d+$"))
    case = Case.objects.get()
    assert case.complainant.name == "李梅" and case.complainant.org == tree.community_a
    assert case.subcategory.code == "family-dispute"
    assert case.urgency == choices.Urgency.PRIORITY
    assert posts == [302], "the first submit must succeed"
    print(f"non-text keys for a new caller: {len(keys.pressed)} {keys.pressed}")
    assert len(keys.pressed) <= MAX_NON_TEXT_KEYS

    # The next call is one key away.
    expect(page.get_by_test_id("hotline-done")).to_contain_text(case.number)
    expect(page.get_by_test_id("next-call")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/cases/hotline/")
    expect(page.get_by_test_id("caller-phone")).to_be_focused()
    expect(page.get_by_test_id("caller-phone")).to_have_value("")


def test_n_opens_the_next_call_and_a_missing_community_is_caught_before_sending(
    live_server, page, sign_in, tree, operator
):
    sign_in(page, operator)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/cases/hotline/")
    page.keyboard.type(NEW_PHONE)
    expect(page.get_by_test_id("caller-history")).to_contain_text("首次来电")
    page.keyboard.press("Enter")
    page.keyboard.type("李梅")
    page.locator("#category-search").fill("jtjf")
    page.locator("#category-search").press("Enter")
    page.locator("input[name=summary]").fill("与婆婆长期不和，求助调解")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("nc-org-error")).to_be_visible()
    expect(page.get_by_test_id("unit-search-nc_org")).to_be_focused()
    assert posts == []  # nothing was sent, nothing was lost
    expect(page.locator("input[name=nc_name]")).to_have_value("李梅")

    page.keyboard.type("芳草")  # part of the name works as well as the initials
    expect(page.locator("[data-unit-option]")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the grid under it comes second
    page.keyboard.press("Enter")
    expect(page.locator("input[name=nc_org]")).to_have_value(str(tree.grid_a.pk))
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/cases/hotline/\?registered=\d+$"))
    assert Case.objects.get().complainant.org == tree.grid_a
    page.keyboard.press("n")
    page.wait_for_url(f"{live_server.url}/cases/hotline/")
    expect(page.get_by_test_id("caller-phone")).to_be_focused()
