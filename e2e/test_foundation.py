import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_community_chair_sees_her_unit_and_not_another_district(
    live_server, page, sign_in, tree, community_chair
):
    sign_in(page, community_chair)
    # The top bar and the home page name her own unit.
    assert page.get_by_test_id("user-unit").inner_text().startswith("芳草社区妇联")
    assert "芳草社区妇联" in page.get_by_test_id("home-unit").inner_text()

    # Her own unit opens.
    page.goto(f"{live_server.url}/orgs/units/{tree.community_a.pk}/")
    assert page.locator("h2.page-title").inner_text().strip().startswith("芳草社区妇联")

    # A unit of another district answers 404, by URL ...
    response = page.goto(f"{live_server.url}/orgs/units/{tree.community_b.pk}/")
    assert response.status == 404
    assert page.get_by_text("找不到您要的页面").is_visible()
    assert "桃李社区" not in page.content()

    # ... and by API, with the browser's own session.
    api = page.request.get(f"{live_server.url}/api/orgs/units/{tree.community_b.pk}/")
    assert api.status == 404
    mine = page.request.get(f"{live_server.url}/api/orgs/units/{tree.community_a.pk}/")
    assert mine.status == 200
    assert mine.json()["name"] == "芳草社区妇联"


def test_login_page_is_chinese_and_rejects_a_wrong_password(live_server, page, community_chair):
    page.goto(f"{live_server.url}/accounts/login/")
    assert re.search("登录您的账号", page.content())
    page.fill("input[name=username]", community_chair.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.get_by_text("用户名或密码错误").is_visible()
    assert page.input_value("input[name=username]") == community_chair.username
