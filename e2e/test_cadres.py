"""队伍建设 journeys: a street federation records a community's election and the elected
appear on the roster; a chair records a contact-point visit on a phone and takes an appeal
that becomes a case."""

import pytest
from django.utils import timezone

from jinguo.cadres.models import PositionType
from jinguo.cadres.tests.factories import make_point, make_position
from jinguo.cases.models import Case, Category
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_street_records_an_election_and_the_roster_turns_over(tree, page, live_server, sign_in):
    officer = user_with_role(tree.street_a, "rights_officer", username="street_e2e")
    old = make_position(tree.community_a, "chair")
    new = PersonFactory(org=tree.community_a, name="欧阳新华", gender="F")
    sign_in(page, officer)
    today = timezone.localdate().isoformat()
    page.goto(f"{live_server.url}/cadres/elections/new/")
    page.fill("[data-testid=unit-search-org]", "芳草")
    page.wait_for_selector(f"[data-unit-option='{tree.community_a.pk}']")
    page.press("[data-testid=unit-search-org]", "Enter")
    page.fill("input[name=held_on]", today)
    page.select_option("select[name=method]", "competitive")
    page.fill("input[name=term_starts_on]", today)
    page.click("form.card button[type=submit]")
    page.wait_for_selector("[data-testid=add-candidate]")
    # The candidate is searched among the community's persons (type, pick with Enter).
    page.fill("[data-testid=unit-search-person]", "欧阳")
    page.wait_for_selector(f"[data-unit-option='{new.pk}']")
    page.press("[data-testid=unit-search-person]", "Enter")
    page.select_option("select[name=position_type]", str(PositionType.objects.get(code="chair").pk))
    page.fill("input[name=votes]", "36")
    page.click("[data-testid=add-candidate]")
    page.wait_for_selector("text=欧阳新华")
    page.click("[data-testid=report]")
    page.wait_for_selector("[data-testid=decide]")
    page.click("[data-testid=decide]")
    page.wait_for_selector("text=新一届名册已生效")
    page.goto(f"{live_server.url}/cadres/roster/?unit={tree.community_a.pk}")
    roster = page.locator("#object-table").inner_text()
    assert "欧阳新华" in roster and old.person.name not in roster


def test_a_contact_point_visit_on_a_phone_takes_an_appeal(tree, phone_page, live_server, sign_in):
    chair = user_with_role(tree.community_a, "community_chair", username="chair_e2e")
    point = make_point(tree.street_a, place=tree.community_a, cadre_user=chair, due_in_days=-4)
    page = sign_in(phone_page, chair)
    page.click(f"[data-testid=contact-points-panel] [data-point='{point.pk}']")
    page.click("[data-testid=record-visit]")
    page.fill("input[name=met_whom]", "王大姐")
    page.fill("textarea[name=findings]", "妇女之家活动正常，一名女工反映被拖欠工资")
    page.click("summary")
    page.fill("input[name=appeal_summary]", "女工反映工厂拖欠两个月工资")
    page.select_option("select[name=appeal_category]", str(Category.objects.get(code="labour").pk))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click("[data-testid=visit-form] button[type=submit]")
    page.wait_for_selector("text=诉求已登记为个案")
    case = Case.objects.get()
    assert case.number in page.content()
    point.refresh_from_db()
    assert not point.is_overdue
