"""Every list a grid worker or a chair opens works at a phone's width (390 × 844): no page
scrolls sideways, and the number or name, the status and the deadline of a row are on screen."""

import os
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jinguo.cases import choices
from jinguo.cases.models import Agency, Case, Referral
from jinguo.cases.services.mediation import mediation_create
from jinguo.cases.tests.factories import make_case
from jinguo.people.models import FocusTagType, PersonTag, Visit
from jinguo.people.services.contacts import contact_assign
from jinguo.people.tests.factories import HouseholdFactory, PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("JINGUO_SHOTS", "")
LONG = (
    "丈夫长期酗酒后殴打本人及孩子，孩子身上多处淤青，学校老师发现后报告，要求尽快介入处理并提供庇护"
)

# (path, the labels of cells a row must show on the phone); the lead cell (number or name)
# is always checked.
LISTS = {
    "cases": ("/cases/?queue=all", ("状态", "当前期限", "超期/剩余")),
    "cases_overdue": ("/cases/?queue=overdue", ("状态", "超期/剩余")),
    "referrals": ("/cases/referrals/", ("状态", "答复期限")),
    "persons": ("/people/persons/", ()),
    "households": ("/people/households/", ()),
    "visits": ("/people/visits/", ()),
    "reviews": ("/people/reviews/unit/", ("下次复核",)),
    "my_contacts": ("/people/contacts/mine/", ()),
    "contacts": ("/people/contacts/", ("应走访日期",)),
    "mediations": ("/cases/mediations/", ("调解结果",)),
}


@pytest.fixture
def world(tree):
    chair = user_with_role(
        tree.community_a, "community_chair", username="chair_phone", real_name="李芳"
    )
    grid = user_with_role(tree.grid_a, "grid_worker", username="grid_phone", real_name="张小红")
    woman = PersonFactory(
        org=tree.grid_a,
        name="欧阳秀英",
        birth_date=date(1986, 5, 12),
        address="示范市和平区春晖街道芳草社区幸福路888号12栋3单元1502室",
    )
    household = HouseholdFactory(org=tree.grid_a, name="欧阳秀英户")
    Visit.objects.create(person=woman, org=woman.org, situation=LONG, worker=grid)
    contact_assign(user=chair, worker=grid, person=woman)
    contact_assign(user=chair, worker=grid, household=household)
    tag_type = FocusTagType.objects.filter(is_active=True).first() or FocusTagType.objects.create(
        code="phone_test", name="手机测试关注"
    )
    PersonTag.objects.create(
        person=woman,
        org=woman.org,
        tag_type=tag_type,
        review_days=90,
        responsible=grid,
        next_review_on=timezone.localdate() - timedelta(days=3),
    )
    case = make_case(
        tree.community_a,
        status="in_progress",
        assigned_to=chair,
        urgency="urgent",
        summary=LONG,
        complainant=woman,
    )
    Case.objects.filter(pk=case.pk).update(
        due_state="overdue", due_at=timezone.now() - timedelta(days=21)
    )
    agency = Agency.objects.create(
        org=tree.district_a, name="示范市和平区妇女儿童法律援助工作站", kind="legal_aid"
    )
    Referral.objects.create(
        case=case,
        agency=agency,
        request="请提供法律援助",
        status=choices.ReferralStatus.SENT,
        consent_purpose=agency.consent_purpose,
        org=case.org,
        is_sensitive=case.is_sensitive,
        due_at=timezone.now() - timedelta(days=4),
    )
    mediation_create(
        user=chair,
        case=case,
        held_at=timezone.now(),
        mode="federation",
        parties="申请人：欧阳秀英\n被申请人：王强",
        mediators="李芳、赵调解",
        outcome="agreed",
        statements=LONG,
        agreement="王强每月支付抚养费1500元",
    )
    return {"chair": chair, "grid": grid}


def check_fits(page, name: str, labels) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
    assert width <= 390, f"{name}: the page is {width}px wide"
    if name.endswith("my_contacts"):
        return  # a list of cards of its own
    table = page.locator("table.card-table").first
    # Inside a scrolling box the page itself does not scroll: the table must fit too.
    box = table.bounding_box()
    assert box["x"] + box["width"] <= 390, f"{name}: the table is {box['width']:.0f}px wide"
    row = table.locator("tbody tr").first
    if row.locator("td[colspan]").count():
        return  # nothing of hers in this list: the empty message
    lead = row.locator('td[data-phone="lead"]')
    assert lead.count() == 1, f"{name}: no lead cell"
    cells = [lead] + [row.locator(f'td[data-label="{label}"]') for label in labels]
    for cell in cells:
        assert cell.is_visible(), f"{name}: a key cell is hidden"
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{name}: a cell is off screen"
    hidden = row.locator('td[data-phone="hide"]')
    for i in range(hidden.count()):
        assert not hidden.nth(i).is_visible()


@pytest.mark.parametrize("who", ["chair", "grid"])
def test_every_list_fits_a_phone(live_server, phone_page, sign_in, world, who):
    page = sign_in(phone_page, world[who])
    opened = 0
    for name, (path, labels) in LISTS.items():
        response = page.goto(f"{live_server.url}{path}")
        if response.status in (403, 404):
            continue  # not her list
        assert response.status == 200, f"{name}: {response.status}"
        opened += 1
        check_fits(page, f"{who}-{name}", labels)
    # The chair opens all of them; the grid worker at least her people, visits and contacts.
    assert opened == len(LISTS) if who == "chair" else opened >= 4
