"""志愿服务 journey: a community chair who leads a team sees a registration waiting on her
工作台, approves it, records the volunteer's hours at an activity and confirms them; the
volunteer's page then counts them."""

import pytest

from jinguo.testing.factories import user_with_role
from jinguo.volunteers.services import teams
from jinguo.volunteers.tests.factories import make_activity, make_team, make_volunteer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_team_leader_approves_and_confirms_hours(tree, page, live_server, sign_in):
    chair = user_with_role(tree.community_a, "community_chair", username="chair_vol_e2e")
    team = make_team(tree.community_a, leader=chair, name="芳草巾帼志愿服务队")
    volunteer = make_volunteer(tree.community_a, team=team, status="pending")
    activity = make_activity(tree.community_a, team=team, title="敬老院探访")

    sign_in(page, chair)
    page.click("[data-testid=pending-volunteers-panel] [data-testid=pending-link]")
    page.click(f"text={volunteer.person.name}")
    page.select_option("[data-testid=decide-form] select[name=approve]", "1")
    page.click("[data-testid=decide-form] button[type=submit]")
    page.wait_for_selector("text=审核结果已保存")
    assert "已通过" in page.locator("[data-testid=volunteer-status]").inner_text()

    volunteer.refresh_from_db()
    teams.signup(user=chair, activity=activity, volunteer=volunteer)
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.fill("input[name=hours]", "3")
    page.click("[data-testid=record-hours]")
    page.wait_for_selector("text=待队长确认")
    page.click("[data-testid=confirm-hours]")
    page.wait_for_selector("text=服务时长已确认")
    page.goto(f"{live_server.url}{volunteer.get_absolute_url()}")
    assert "3" in page.locator("[data-testid=volunteer-hours]").inner_text()
