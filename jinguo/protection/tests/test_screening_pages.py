"""The screening pages as staff use them, the home panels and the registry contributions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.core.registry import panels_for, registry
from jinguo.protection.models import ScreeningCampaign
from jinguo.protection.services import screening as services
from jinguo.testing.factories import user_with_role

from .factories_screening import make_entry, make_opinion

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(tree):
    return user_with_role(tree.district_a, "leader")


def issue(user):
    return services.campaign_issue(
        user=user,
        title="春节前排查",
        kind="special",
        scope=["violence"],
        due_on=timezone.localdate() + datetime.timedelta(days=1),
    )


def test_issue_through_the_page_keeps_input_on_error(tree, leader, client):
    client.force_login(leader)
    url = reverse("protection:screeningcampaign_create")
    assert client.get(url).status_code == 200
    data = {
        "title": "春节前排查",
        "kind": "special",
        "scope": ["violence", "marriage"],
        "targets": "county",
        "due_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
    }
    r = client.post(url, data)
    assert r.status_code == 200 and "targets" in r.context["form"].errors
    assert r.context["form"]["title"].value() == "春节前排查"
    r = client.post(url, {**data, "targets": "community"})
    assert r.status_code == 302
    assert ScreeningCampaign.objects.get().reports.count() == 2


def test_a_chair_fills_and_submits_through_the_pages(tree, leader, community_chair, client):
    campaign = issue(leader)
    report = campaign.reports.get(org=tree.community_a)
    client.force_login(community_chair)
    r = client.get(report.get_absolute_url())
    assert r.status_code == 200 and r.context["fillable"]
    r = client.post(reverse("protection:screeningreport_submit", args=[report.pk]), {"note": ""})
    assert r.status_code == 200 and "note" in r.context["form"].errors
    r = client.post(
        reverse("protection:disputeentry_create", args=[report.pk]),
        {
            "kind": "violence",
            "risk": "high",
            "found_on": timezone.localdate().isoformat(),
            "parties": "刘某与其丈夫",
            "description": "邻居听到打骂声",
            "action_taken": "",
        },
    )
    assert r.status_code == 302
    r = client.post(reverse("protection:screeningreport_submit", args=[report.pk]), {"note": ""})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    # The leader's page shows it reported, with its count.
    client.force_login(leader)
    r = client.get(campaign.get_absolute_url())
    assert r.context["progress"]["submitted"] == 1
    assert r.context["totals"]["totals"]["total"] == 1


def test_remind_and_close_buttons(tree, leader, client):
    campaign = issue(leader)
    client.force_login(leader)
    url = reverse("protection:screeningcampaign_action", args=[campaign.pk, "remind"])
    assert client.post(url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.reports.filter(reminded_at__isnull=False).count() == 2
    url = reverse("protection:screeningcampaign_action", args=[campaign.pk, "close"])
    assert client.post(url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    url = reverse("protection:screeningcampaign_action", args=[campaign.pk, "nonsense"])
    assert client.post(url).status_code == 404


def test_pending_returns_panel_lists_the_soonest_due_first(tree, leader, community_chair):
    issue(leader)
    later = services.campaign_issue(
        user=leader,
        title="日常排查",
        kind="routine",
        scope=["neighbour"],
        due_on=timezone.localdate() + datetime.timedelta(days=20),
    )
    panels = dict((p.key, ctx) for p, ctx in panels_for(community_chair))
    ctx = panels["protection.screening_pending"]
    assert ctx["total"] == 2
    assert [r["report"].campaign.title for r in ctx["rows"]] == ["春节前排查", later.title]
    # Nothing waiting: no panel.
    other = user_with_role(tree.community_b, "community_chair")
    assert "protection.screening_pending" not in dict((p.key, c) for p, c in panels_for(other))


def test_issuer_panel_and_opinion_panel(tree, leader):
    issue(leader)
    make_opinion(tree.community_a, level="major", title="重大舆情甲")
    make_opinion(tree.community_a, level="general", title="一般舆情")
    make_opinion(tree.community_b, level="major", title="别区重大舆情")
    panels = dict((p.key, ctx) for p, ctx in panels_for(leader))
    assert [c.title for c in panels["protection.screening_campaigns"]["rows"]] == ["春节前排查"]
    assert [o.title for o in panels["protection.opinions"]["rows"]] == ["重大舆情甲"]


def test_the_home_page_renders_the_panels(tree, leader, community_chair, client):
    issue(leader)
    client.force_login(community_chair)
    r = client.get("/")
    assert r.status_code == 200 and "待上报的排查" in r.content.decode()


def test_lists_render_for_a_chair_at_phone_width(tree, leader, community_chair, client):
    campaign = issue(leader)
    make_entry(tree.community_a, report=campaign.reports.get(org=tree.community_a))
    client.force_login(community_chair)
    for name in ("screeningreport_list", "disputeentry_list"):
        r = client.get(reverse(f"protection:{name}"))
        assert r.status_code == 200 and 'data-phone="lead"' in r.content.decode()


def test_contributions_are_registered():
    assert "protection.screening_reminders" in registry.jobs
    assert "protection.violence_cases" in registry.stats_sources
    assert "screening_issue" in registry.audit_labels
    assert "protection.view_violence_stats" in registry.role_grants["leader"]
    assert "protection.change_screeningreport" in registry.role_grants["grid_worker"]
    assert "protection.add_screeningcampaign" not in registry.role_grants["community_chair"]


def test_stats_sources_are_scoped(tree, leader):
    from jinguo.cases.tests.factories import make_case

    make_case(tree.community_a, category="family-violence")
    make_case(tree.community_b, category="family-violence")
    make_case(tree.community_a, category="family-dispute")
    source = registry.stats_sources["protection.violence_cases"]
    assert source.queryset(leader).count() == 1
