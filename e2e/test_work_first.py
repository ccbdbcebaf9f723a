"""Work first, in the browser: a leader reaches her most overdue case from 工作台 in one click;
a grid worker on a phone records a visit from her home page in two taps."""

import os
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.cases.models import Case
from jinguo.cases.tests.factories import make_case
from jinguo.people.models import Visit
from jinguo.people.services.contacts import contact_assign
from jinguo.people.tests.factories import HouseholdFactory
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("JINGUO_SHOTS", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def overdue_case(unit, days, **kw):
    case = make_case(unit, status="in_progress", **kw)
    Case.objects.filter(pk=case.pk).update(
        due_state="overdue", due_at=timezone.now() - timedelta(days=days, hours=1)
    )
    return case


def test_a_leader_reaches_her_most_overdue_case_in_one_click(
    live_server, page, sign_in, tree, settings
):
    # A leader's role asks for a second factor (e2e/test_two_factor.py signs in with one).
    settings.JINGUO_TWO_FACTOR_ENFORCED = False
    leader = user_with_role(tree.district_a, "leader", username="leader_heping", real_name="刘主席")
    overdue_case(tree.community_a, 2, summary="两天前到期")
    worst = overdue_case(tree.community_a, 21, summary="三周前到期")
    overdue_case(tree.community_a2, 5, summary="五天前到期")

    sign_in(page, leader)
    panel = page.get_by_test_id("leader-overdue")
    expect(panel).to_contain_text("逾期 21 天")
    shot(page, "leader-home")
    first = panel.get_by_test_id("work-case").first
    expect(first).to_contain_text(worst.number)
    first.click()  # the one click
    page.wait_for_url(f"**/cases/{worst.pk}/")
    expect(page.get_by_text(worst.number).first).to_be_visible()


def test_a_grid_worker_records_a_visit_from_her_home_in_two_taps(
    live_server, phone_page, sign_in, tree
):
    chair = user_with_role(tree.community_a, "community_chair", username="chair_fc")
    grid = user_with_role(tree.grid_a, "grid_worker", username="grid_fc", real_name="张小红")
    household = HouseholdFactory(org=tree.grid_a, name="王家")
    contact_assign(
        user=chair, worker=grid, household=household, since=date.today() - timedelta(days=40)
    )

    page = sign_in(phone_page, grid)
    shot(page, "grid-home")
    page.get_by_test_id("home-visit").first.tap()  # tap 1: the prefilled form
    form = page.get_by_test_id("visit-form")
    form.wait_for()
    shot(page, "grid-visit-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("textarea[name=situation]")).not_to_have_value("")
    page.get_by_role("button", name="保存走访记录").tap()  # tap 2: saved, nothing typed
    page.wait_for_url(f"{live_server.url}/")

    visit = Visit.objects.get(household=household)
    assert visit.worker == grid and visit.visited_on == timezone.localdate()
    assert visit.method == "home" and visit.situation
    # Back on her home page, the household is no longer overdue.
    expect(page.get_by_text("王家").first).to_be_visible()


def test_the_queue_filters_by_a_unit_typed_in_the_picker(live_server, page, sign_in, tree):
    """The unit filter of 个案工作台 is searched, not listed: typing the pinyin initials and
    Enter narrows the table to that unit's subtree."""
    officer = user_with_role(tree.district_a, "rights_officer", username="picker_officer")
    ours = make_case(tree.community_a, summary="芳草社区的个案")
    theirs = make_case(tree.community_a2, summary="杏林社区的个案")
    sign_in(page, officer)
    page.goto(f"{live_server.url}/cases/?queue=all")
    table = page.get_by_test_id("case-table")
    expect(table).to_contain_text(theirs.number)
    page.locator("button[aria-controls=more-filters]").click()
    unit = page.get_by_test_id("unit-search-unit")
    unit.click()
    unit.press_sequentially("fcsq")  # 芳草社区妇联
    expect(page.locator("[data-unit-option]").first).to_be_visible()
    unit.press("Enter")
    expect(page.locator("input[name=unit]")).to_have_value(str(tree.community_a.pk))
    expect(table).not_to_contain_text(theirs.number)
    expect(table).to_contain_text(ours.number)
