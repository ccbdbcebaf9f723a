"""The district leader's dashboard in the browser: she opens 统计分析, sees the lagging street
ranked last by on-time rate among her streets, opens that street's dashboard and drills down
to its overdue cases — only that street's, only what she may see."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.cases import choices as C
from jinguo.cases.tests.factories import make_case
from jinguo.orgs.choices import UnitKind
from jinguo.testing.factories import user_with_role
from jinguo.testing.tree import make_unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_case(unit, *, overdue: bool, summary: str):
    now = timezone.now()
    due = now - timedelta(days=5) if overdue else now + timedelta(days=20)
    return make_case(
        unit,
        status=C.Status.IN_PROGRESS,
        summary=summary,
        received_at=now - timedelta(days=70 if overdue else 10),
        due_at=due,
        finish_due_at=due,
        due_state=C.DueState.OVERDUE if overdue else C.DueState.OK,
    )


def test_leader_finds_the_lagging_street_and_its_overdue_cases(
    live_server, page, sign_in, tree, settings
):
    # Leaders' roles ask for a second factor (e2e/test_two_factor.py signs in with one).
    settings.JINGUO_TWO_FACTOR_ENFORCED = False
    lagging = make_unit("990101002", "安澜街道妇联", UnitKind.TOWNSHIP, tree.district_a)
    jinxiu = make_unit("990101002001", "锦绣社区妇联", UnitKind.COMMUNITY, lagging)
    # 春晖街道 keeps its cases in time; 安澜街道 has two of three past the deadline.
    for i in range(3):
        open_case(tree.community_a, overdue=False, summary=f"春晖按期办理{i}")
    late = [open_case(jinxiu, overdue=True, summary=f"安澜超期未办{i}") for i in range(2)]
    in_time = open_case(lagging, overdue=False, summary="安澜按期办理")
    # Another district's overdue case: never hers.
    elsewhere = open_case(tree.community_b, overdue=True, summary="新华超期个案")
    leader = user_with_role(tree.district_a, "leader", username="district_lead", real_name="吴和")

    sign_in(page, leader)
    page.get_by_role("link", name="统计分析").first.click()
    expect(page.get_by_test_id("key-figures")).to_be_visible()
    expect(page.get_by_test_id("figure-overdue")).to_contain_text("2")

    rows = page.get_by_test_id("children-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(tree.street_a.name)
    expect(rows.first).to_contain_text("100.0%")
    expect(rows.last).to_contain_text(lagging.name)
    expect(rows.last).to_contain_text("33.3%")

    # Into the lagging street, then to the cases behind its overdue figure.
    rows.last.get_by_role("link", name=lagging.name).click()
    expect(page.locator("body")).to_contain_text(lagging.name)
    expect(page.get_by_test_id("figure-overdue")).to_contain_text("2")
    page.get_by_test_id("list-overdue").click()
    page.wait_for_url("**/cases/**")
    body = page.locator("body")
    for case in late:
        expect(body).to_contain_text(case.number)
    expect(body).not_to_contain_text(in_time.number)
    expect(body).not_to_contain_text(elsewhere.number)
    expect(body).not_to_contain_text("春晖按期办理")
