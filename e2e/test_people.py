"""A grid worker finds a woman by pinyin initials and records a visit from her phone."""

from datetime import date

import pytest
from playwright.sync_api import expect

from jinguo.people.models import Visit
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_grid_worker_finds_by_initials_and_records_a_visit_on_a_phone(
    live_server, phone_page, sign_in, tree
):
    grid_worker = user_with_role(tree.grid_a, "grid_worker", real_name="张小红")
    elsewhere = user_with_role(tree.community_b, "community_chair", real_name="吴桂兰")
    woman = PersonFactory(org=tree.grid_a, name="张丽", birth_date=date(1986, 5, 12))
    PersonFactory(org=tree.grid_a, name="王芳", birth_date=date(1990, 1, 2))

    page = sign_in(phone_page, grid_worker)
    page.goto(f"{live_server.url}/people/persons/")
    page.fill("input[name=q]", "zl")
    page.keyboard.press("Enter")
    # htmx swaps in the filtered table: wait until the other woman has gone from it.
    expect(page.get_by_role("link", name="王芳")).to_have_count(0)
    result = page.get_by_role("link", name="张丽")
    expect(result).to_have_count(1)
    result.click()
    page.wait_for_url(f"**/people/persons/{woman.pk}/")

    page.get_by_role("link", name="记录走访").click()
    page.get_by_test_id("visit-form").wait_for()
    page.fill("textarea[name=situation]", "入户走访，本人在家，身体状况良好，孩子已入学。")
    page.fill("textarea[name=needs]", "希望参加社区技能培训")
    page.get_by_role("button", name="保存走访记录").click()
    page.wait_for_url(lambda url: "/visits/new/" not in url)

    visit = Visit.objects.get(person=woman)
    assert visit.worker == grid_worker
    assert visit.situation.startswith("入户走访")
    # The phone-sized page shows the visit on her record.
    page.goto(f"{live_server.url}/people/persons/{woman.pk}/")
    assert page.get_by_text("入户走访").first.is_visible()

    # A worker of another community cannot open her file, by page or by API.
    page.context.clear_cookies()
    sign_in(page, elsewhere)
    response = page.goto(f"{live_server.url}/people/persons/{woman.pk}/")
    assert response.status == 404
    assert "张丽" not in page.content()
    api = page.request.get(f"{live_server.url}/api/people/persons/{woman.pk}/")
    assert api.status == 404
