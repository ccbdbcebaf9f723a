"""The 工作台 opens on work: overdue first (most urgent, then most late), each count one
click from the list behind it; the leader sees approvals and which units lag behind."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cases import panels, selectors
from jinguo.cases.choices import DueState, ExtensionStatus, ReferralStatus
from jinguo.cases.models import Agency, AgencyMember, Extension, Referral
from jinguo.cases.tests.factories import make_case
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def late(unit, days, **kw):
    return make_case(
        unit,
        status=kw.pop("status", "in_progress"),
        due_at=timezone.now() - timedelta(days=days),
        due_state=DueState.OVERDUE,
        **kw,
    )


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer", username="officer_a")


def test_the_overdue_queue_puts_urgency_first_then_lateness(tree, officer):
    a = late(tree.community_a, 2)
    b = late(tree.community_a, 9)
    child_abuse = late(tree.community_a, 21, urgency="urgent", category="family-violence")
    c = late(tree.street_a, 30, urgency="priority")
    assert list(selectors.queue_cases(officer, "overdue")) == [child_abuse, c, b, a]
    # The register stays newest first.
    assert selectors.queue_cases(officer, "all").first().pk == max(
        x.pk for x in (a, b, c, child_abuse)
    )


def test_the_work_list_counts_click_through_to_the_same_lists(client, tree, officer):
    late(tree.community_a, 3)
    late(tree.community_a, 21, urgency="urgent")
    make_case(tree.community_a, status="in_progress", urgency="urgent")
    make_case(
        tree.community_a,
        status="resolved",
        follow_up_due_at=timezone.now() - timedelta(hours=1),
    )
    late(tree.community_b, 50)  # another branch: never counted
    context = panels.work_panel(officer)
    rows = {str(row["label"]): row for row in context["rows"]}
    assert rows["已超期"]["count"] == 2
    assert rows["紧急个案"]["count"] == 2
    assert rows["到期待回访"]["count"] == 1
    client.force_login(officer)
    for label in ("已超期", "紧急个案", "到期待回访"):
        page = client.get(rows[label]["url"])
        assert page.status_code == 200
        assert page.context["table"].page.paginator.count == rows[label]["count"], label
    top = context["top"]
    assert top[0]["case"].urgency == "urgent" and top[0]["text"] == "逾期 21 天"
    assert [row["late"] for row in top] == [True, True]


def test_the_home_page_shows_the_most_overdue_case_first(client, tree, officer):
    late(tree.community_a, 3)
    worst = late(tree.community_a, 21, urgency="urgent")
    client.force_login(officer)
    page = client.get(reverse("core:home")).content.decode()
    work, figures = page.index('data-testid="panel-work"'), page.index('data-testid="cases-open"')
    assert work < figures, "the work comes before the figures"
    first = page.index('data-testid="work-case"')
    assert worst.get_absolute_url() in page[page.rfind("<a", 0, first) : first]
    assert "逾期 21 天" in page


def test_referrals_unanswered_or_returned_are_work(tree, officer):
    agency = Agency.objects.create(org=tree.district_a, name="和平区法律援助中心", kind="legal_aid")
    case = make_case(tree.community_a, status="in_progress")
    for status, due in ((ReferralStatus.SENT, -2), (ReferralStatus.DECLINED, 5)):
        Referral.objects.create(
            case=case,
            agency=agency,
            request="协助",
            status=status,
            consent_purpose=agency.consent_purpose,
            share_identity=False,
            org=case.org,
            due_at=timezone.now() + timedelta(days=due),
        )
    rows = {str(r["label"]): r["count"] for r in panels.work_panel(officer)["rows"]}
    assert rows["转介逾期未接收"] == 1 and rows["被机构退回的转介"] == 1


def test_the_leader_sees_approvals_and_a_ranking_of_her_units(tree):
    leader = user_with_role(tree.district_a, "leader", username="leader_a")
    worker = user_with_role(tree.street_a, "rights_officer", username="worker_a")
    for days in (1, 2, 3):
        late(tree.community_a, days)
    late(tree.street_a, 4)
    case = late(tree.street_a, 5)
    Extension.objects.create(
        case=case,
        days=10,
        reason="需要调查取证",
        requested_by=worker,
        status=ExtensionStatus.PENDING,
    )
    context = panels.leader_panel(leader)
    assert context["approvals"] == 1
    ranking = [(row["unit"], row["count"]) for row in context["ranking"]]
    assert ranking[0] == (tree.street_a, 5), "a street's count includes its communities"
    assert panels.leader_panel(user_with_role(tree.district_b, "leader"))["ranking"] == []


def test_an_agency_sees_its_overdue_referrals_first(tree):
    agency = Agency.objects.create(org=tree.district_a, name="和平区公安分局", kind="police")
    member = user_with_role(tree.district_a, "partner", username="police_a")
    AgencyMember.objects.create(agency=agency, user=member)
    case = make_case(tree.community_a, status="in_progress")
    for days in (3, -1):
        Referral.objects.create(
            case=case,
            agency=agency,
            request="出警",
            consent_purpose=agency.consent_purpose,
            share_identity=False,
            org=case.org,
            due_at=timezone.now() + timedelta(days=days),
        )
    context = panels.agency_panel(member)
    assert context["overdue"] == 1 and context["waiting"] == 2
    assert context["top"][0]["late"] is True
    assert panels.work_panel(member) is None and panels.figures_panel(member) is None


def test_the_hotline_card_is_one_key_away(client, tree):
    operator = user_with_role(tree.city, "hotline_operator", username="op")
    make_case(tree.community_a, created_by=operator)
    client.force_login(operator)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-hotkey="n"' in page and reverse("cases:hotline") in page
    assert panels.hotline_panel(operator)["calls_today"] == 1
    grid = user_with_role(tree.grid_a, "grid_worker", username="grid")
    assert panels.hotline_panel(grid) is None


def test_my_pending_extensions_open_exactly_those_cases(client, tree):
    worker = user_with_role(tree.street_a, "rights_officer", username="worker_ext")
    waiting, decided, _unrelated = (
        make_case(tree.community_a, status="in_progress") for _ in "abc"
    )
    for case, status in ((waiting, ExtensionStatus.PENDING), (decided, ExtensionStatus.APPROVED)):
        Extension.objects.create(
            case=case, days=10, reason="需要调查取证", requested_by=worker, status=status
        )
    row = next(
        r for r in panels.work_panel(worker)["rows"] if str(r["label"]) == "我的延期申请待审批"
    )
    assert row["count"] == 1
    client.force_login(worker)
    listed = client.get(row["url"]).context["table"].data.data
    assert [c.pk for c in listed] == [waiting.pk]
