"""The referral list opens on the work: overdue-unanswered, then returned, with counts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.choices import ReferralStatus
from jinguo.cases.tests.factories import make_case
from jinguo.cases.tests.test_views_referrals import make_referral, member_of, overdue

pytestmark = pytest.mark.django_db

S = ReferralStatus


@pytest.fixture
def legal_aid(tree):
    from jinguo.cases.models import Agency

    return Agency.objects.create(org=tree.district_a, name="和平区法律援助中心", kind="legal_aid")


def active_tab(page: str) -> str:
    return re.search(r'class="nav-link text-nowrap active"[^>]*data-tab="(\w+)"', page).group(1)


def count(page: str, name: str) -> int:
    return int(re.search(rf'data-testid="tab-count-{name}">(\d+)<', page).group(1))


def test_federation_list_opens_on_overdue_unanswered_with_counts(
    login, tree, district_officer, legal_aid
):
    late = overdue(make_referral(make_case(tree.street_a, status="in_progress"), legal_aid))
    returned = make_referral(
        make_case(tree.street_a, status="in_progress"),
        legal_aid,
        status=S.DECLINED,
        responded_at=timezone.now(),
    )
    waiting = make_referral(make_case(tree.street_a, status="in_progress"), legal_aid)
    page = login(district_officer).get(reverse("cases:referral_list")).content.decode()
    assert active_tab(page) == "overdue"
    assert late.case.number in page
    assert returned.case.number not in page and waiting.case.number not in page
    assert (count(page, "overdue"), count(page, "returned")) == (1, 1)
    assert (count(page, "open"), count(page, "all")) == (2, 3)


def test_federation_list_opens_on_returned_when_nothing_is_overdue(
    login, tree, district_officer, legal_aid
):
    returned = make_referral(
        make_case(tree.street_a, status="in_progress"), legal_aid, status=S.DECLINED
    )
    # A decline on a closed case is no longer work.
    make_referral(make_case(tree.street_a, status="closed"), legal_aid, status=S.DECLINED)
    waiting = make_referral(make_case(tree.street_a, status="in_progress"), legal_aid)
    page = login(district_officer).get(reverse("cases:referral_list")).content.decode()
    assert active_tab(page) == "returned" and count(page, "returned") == 1
    assert returned.case.number in page and waiting.case.number not in page


def test_federation_list_opens_on_all_when_no_work_waits(login, tree, district_officer, legal_aid):
    waiting = make_referral(make_case(tree.street_a, status="in_progress"), legal_aid)
    client = login(district_officer)
    page = client.get(reverse("cases:referral_list")).content.decode()
    assert active_tab(page) == "all" and waiting.case.number in page
    # Each tab is one click: the 办理中 tab lists the open referral.
    page = client.get(reverse("cases:referral_list"), {"tab": "open"}).content.decode()
    assert active_tab(page) == "open" and waiting.case.number in page


def test_overdue_tab_lists_the_most_late_first(login, tree, district_officer, legal_aid):
    # Sent first and most late: a list by sending date would put it last.
    b = make_referral(make_case(tree.street_a, status="in_progress"), legal_aid)
    a = make_referral(make_case(tree.street_a, status="in_progress"), legal_aid)
    a.due_at = timezone.now() - timedelta(days=2)
    b.due_at = timezone.now() - timedelta(days=9)
    a.save(update_fields=["due_at"])
    b.save(update_fields=["due_at"])
    page = login(district_officer).get(reverse("cases:referral_list")).content.decode()
    assert page.index(b.case.number) < page.index(a.case.number)


def test_agency_inbox_opens_on_overdue_unanswered(login, tree, legal_aid):
    lawyer = member_of(legal_aid, "lawyer")
    late = overdue(make_referral(make_case(tree.street_a), legal_aid))
    waiting = make_referral(make_case(tree.street_a), legal_aid)
    client = login(lawyer)
    page = client.get(reverse("cases:referral_list")).content.decode()
    assert active_tab(page) == "overdue" and count(page, "overdue") == 1
    assert late.case.number in page and waiting.case.number not in page
    assert count(page, "waiting") == 2
    page = client.get(reverse("cases:referral_list"), {"tab": "waiting"}).content.decode()
    assert late.case.number in page and waiting.case.number in page


def test_panel_links_open_their_tabs(login, tree, district_officer, legal_aid):
    overdue(make_referral(make_case(tree.street_a, status="in_progress"), legal_aid))
    home = login(district_officer).get(reverse("core:home")).content.decode()
    assert reverse("cases:referral_list") + "?tab=overdue" in home
