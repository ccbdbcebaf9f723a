"""The staff side: public replies from the case page, knowledge pages and the schedule."""

import pytest
from django.urls import reverse

from jinguo.core.models import AuditEvent
from jinguo.portal.models import ConsultationSlot, KnowledgePage, PublicReply
from jinguo.portal.services.appeals import appeal_submit
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(tree):
    found, _code = appeal_submit(
        unit=tree.community_a,
        topic="marriage",
        story="想咨询离婚后孩子归谁。",
        in_danger=False,
        contact_way="none",
        pin="2580",
    )
    return found


def test_the_case_page_has_the_portal_section_with_a_reply_form(login, district_officer, appeal):
    page = login(district_officer).get(reverse("cases:case_detail", args=[appeal.case_id]))
    text = page.content.decode()
    assert 'data-testid="case-portal"' in text
    assert 'data-testid="portal-reply-form"' in text


def test_a_case_from_another_channel_has_no_portal_section(login, district_officer, tree):
    from jinguo.cases.tests.factories import make_case

    case = make_case(tree.district_a)
    page = login(district_officer).get(reverse("cases:case_detail", args=[case.pk]))
    assert 'data-testid="case-portal"' not in page.content.decode()


def test_the_district_officer_publishes_a_reply_audited(login, district_officer, appeal):
    url = reverse("portal:reply", args=[appeal.case_id])
    response = login(district_officer).post(url, {"body": "请于周三上午来区妇联面谈。"})
    assert response.status_code == 302
    reply = PublicReply.objects.get()
    assert reply.appeal == appeal and reply.published_by == district_officer
    event = AuditEvent.objects.filter(action="publish_reply").get()
    assert "周三" not in str(event.after)


def test_an_empty_reply_is_refused_with_a_message(login, district_officer, appeal):
    client = login(district_officer)
    response = client.post(
        reverse("portal:reply", args=[appeal.case_id]), {"body": " "}, follow=True
    )
    assert "请填写要回复给求助人的内容" in response.content.decode()
    assert not PublicReply.objects.exists()


def test_another_district_and_a_user_without_the_permission_get_a_404(
    login, other_district_officer, community_chair, appeal
):
    url = reverse("portal:reply", args=[appeal.case_id])
    assert login(other_district_officer).post(url, {"body": "x"}).status_code == 404
    assert login(community_chair).post(url, {"body": "x"}).status_code == 404
    assert not PublicReply.objects.exists()


def test_the_section_renders_nothing_for_another_branch(other_district_officer, appeal):
    from jinguo.core.registry import sections_for

    # The case page itself answers 404 to her; the section adds no way round it.
    page_sections = sections_for(other_district_officer, appeal.case)
    assert all(
        entry.key != "portal.replies" or ctx["portal_can_reply"] is False
        for entry, ctx in page_sections
    )


@pytest.fixture
def leader(tree):
    return user_with_role(tree.city, "leader", username="leader_city", real_name="市领导")


def test_a_leader_writes_a_knowledge_page_that_appears_on_the_portal(login, leader, client):
    staff = login(leader)
    assert staff.get(reverse("portal:page_list")).status_code == 200
    response = staff.post(
        reverse("portal:page_create"),
        {
            "kind": "page",
            "title": "家暴怎么办",
            "body": "# 先保安全\n- 拨打 110",
            "sort_order": 1,
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = KnowledgePage.objects.get()
    assert AuditEvent.objects.filter(action="create", object_type="portal.knowledgepage").exists()
    staff.logout()
    public = client.get(f"/portal/rights/{page.pk}/").content.decode()
    assert "<h2>先保安全</h2>" in public and "<li>拨打 110</li>" in public


def test_a_failed_page_form_keeps_what_was_typed(login, leader):
    response = login(leader).post(
        reverse("portal:page_create"), {"kind": "page", "title": "", "body": "正文留着"}
    )
    assert response.status_code == 200
    assert "正文留着" in response.content.decode()


def test_the_schedule_is_edited_by_staff(login, leader):
    staff = login(leader)
    response = staff.post(
        reverse("portal:slot_create"),
        {
            "topic": "律师在线",
            "way": "online",
            "starts_at": "2026-12-20T09:00",
            "ends_at": "2026-12-20T08:00",
        },
    )
    assert "结束时间须晚于开始时间" in response.content.decode()
    response = staff.post(
        reverse("portal:slot_create"),
        {
            "topic": "律师在线",
            "way": "online",
            "starts_at": "2026-12-20T09:00",
            "ends_at": "2026-12-20T11:00",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    slot = ConsultationSlot.objects.get()
    response = staff.post(
        reverse("portal:slot_update", args=[slot.pk]),
        {
            "topic": "律师在线（改）",
            "way": "phone",
            "starts_at": "2026-12-20T09:00",
            "ends_at": "2026-12-20T11:00",
        },
    )
    slot.refresh_from_db()
    assert slot.topic == "律师在线（改）" and not slot.is_published


def test_content_pages_are_404_without_the_permission(login, district_officer, community_chair):
    assert login(community_chair).get(reverse("portal:page_list")).status_code == 404
    officer = login(district_officer)
    assert officer.get(reverse("portal:page_list")).status_code == 200
    assert officer.get(reverse("portal:page_create")).status_code == 404
    assert officer.get(reverse("portal:slot_list")).status_code == 404


def test_the_home_panel_lists_appeals_awaiting_a_first_reply(
    login, district_officer, other_district_officer, appeal
):
    from jinguo.portal.contrib import awaiting_panel

    assert [c.pk for c in awaiting_panel(district_officer)["rows"]] == [appeal.case_id]
    assert awaiting_panel(other_district_officer) is None
    home = login(district_officer).get("/").content.decode()
    assert 'data-testid="panel-portal-awaiting"' in home
    from jinguo.portal.services.replies import reply_publish

    reply_publish(user=district_officer, case=appeal.case, body="已收到。")
    assert awaiting_panel(district_officer) is None
    assert appeal.case.events.filter(kind="note").exists()
