"""Editing after the fact: an activity before it happens (or its cancellation, with the
reason), a meeting's topics and discussion, a resolution's owner and deadline, marking it done
and reopening it. Each change is audited; a refused form keeps what was typed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.testing.factories import user_with_role
from jinguo.volunteers.services import councils, teams

from .factories import (
    make_activity,
    make_meeting,
    make_participation,
    make_resolution,
    make_volunteer,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def chair(tree):
    return user_with_role(tree.community_a, "community_chair", username="chair_fangcao")


@pytest.fixture
def other_chair(tree):
    return user_with_role(tree.community_b, "community_chair", username="chair_other")


def edit_data(**extra):
    return {
        "held_on": (TODAY() + timedelta(days=7)).isoformat(),
        "title": "重阳节敬老探访",
        "place": "社区日间照料中心",
        "capacity": "12",
        **extra,
    }


# --- activities --------------------------------------------------------------------------------


def test_an_activity_to_come_is_edited_and_its_sign_ups_follow_the_date(tree, chair, client):
    activity = make_activity(tree.community_a, held_on=TODAY() + timedelta(days=3))
    signed = make_participation(tree.community_a, activity=activity)
    client.force_login(chair)
    page = client.get(activity.get_absolute_url())
    assert page.context["can_edit"]
    r = client.post(reverse("volunteers:activity_update", args=[activity.pk]), edit_data())
    assert r.status_code == 302
    activity.refresh_from_db()
    signed.refresh_from_db()
    assert activity.title == "重阳节敬老探访" and activity.capacity == 12
    assert signed.held_on == activity.held_on == TODAY() + timedelta(days=7)
    event = AuditEvent.objects.get(action="update", object_id=str(activity.pk))
    assert event.after["title"] == "重阳节敬老探访"


def test_a_refused_activity_edit_keeps_what_was_typed(tree, chair, client):
    activity = make_activity(tree.community_a, held_on=TODAY() + timedelta(days=3))
    make_participation(tree.community_a, activity=activity)
    make_participation(tree.community_a, activity=activity)
    client.force_login(chair)
    url = reverse("volunteers:activity_update", args=[activity.pk])
    r = client.post(url, edit_data(capacity="1", title="已改的名称"))
    assert r.status_code == 200
    assert "已有 2 人报名" in r.content.decode() and "已改的名称" in r.content.decode()
    r = client.post(url, edit_data(held_on=(TODAY() - timedelta(days=1)).isoformat()))
    assert r.status_code == 200 and "held_on" in r.context["form"].errors
    r = client.post(url, edit_data(capacity="abc", held_on="2026-13-45"))
    assert r.status_code == 200 and r.context["form"].errors
    activity.refresh_from_db()
    assert activity.title != "已改的名称"


def test_a_past_or_attended_activity_is_no_longer_edited(tree, chair, client):
    past = make_activity(tree.community_a, held_on=TODAY() - timedelta(days=1))
    with pytest.raises(ValidationError):
        teams.activity_update(
            user=chair, activity=past, held_on=TODAY(), title="x", place="", capacity=5
        )
    today = make_activity(tree.community_a, held_on=TODAY())
    make_participation(tree.community_a, activity=today, attended=True, hours=Decimal("2"))
    with pytest.raises(ValidationError):
        teams.activity_cancel(user=chair, activity=today, reason="下雨")
    client.force_login(chair)
    assert not client.get(today.get_absolute_url()).context["can_edit"]


def test_an_activity_is_cancelled_with_a_reason_and_takes_no_more_sign_ups(tree, chair, client):
    activity = make_activity(tree.community_a, held_on=TODAY() + timedelta(days=2))
    signed = make_participation(tree.community_a, activity=activity)
    client.force_login(chair)
    url = reverse("volunteers:activity_cancel", args=[activity.pk])
    r = client.post(url, {"reason": "  "})
    assert r.status_code == 200 and r.context["form"].errors
    r = client.post(url, {"reason": "台风预警，活动取消"})
    assert r.status_code == 302
    activity.refresh_from_db()
    assert activity.is_cancelled and activity.cancel_reason == "台风预警，活动取消"
    page = client.get(activity.get_absolute_url())
    assert "台风预警" in page.content.decode()
    assert page.context["signup_form"] is None and not page.context["can_edit"]
    # The reason is free text: the audit row does not carry it.
    event = AuditEvent.objects.get(action="activity_cancel", object_id=str(activity.pk))
    assert "台风" not in str(event.after)
    volunteer = make_volunteer(tree.community_a, team=activity.team)
    with pytest.raises(ValidationError):
        teams.signup(user=chair, activity=activity, volunteer=volunteer)
    with pytest.raises(ValidationError):
        teams.hours_record(user=chair, participation=signed, attended=True, hours=Decimal("2"))
    with pytest.raises(ValidationError):
        teams.activity_cancel(user=chair, activity=activity, reason="再次")


def test_another_community_cannot_edit_or_cancel(tree, other_chair, client):
    activity = make_activity(tree.community_a, held_on=TODAY() + timedelta(days=2))
    client.force_login(other_chair)
    for name in ("activity_update", "activity_cancel"):
        url = reverse(f"volunteers:{name}", args=[activity.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {**edit_data(), "reason": "x"}).status_code == 404
    with pytest.raises(ValidationError):
        teams.activity_cancel(user=other_chair, activity=activity, reason="越权")
    activity.refresh_from_db()
    assert not activity.is_cancelled


# --- councils ----------------------------------------------------------------------------------


def test_a_meetings_topics_and_discussion_are_edited(tree, chair, other_chair, client):
    meeting = make_meeting(tree.community_a)
    client.force_login(chair)
    url = reverse("volunteers:meeting_update", args=[meeting.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"topics": "", "discussion": "补记的讨论"})
    assert r.status_code == 200 and "补记的讨论" in r.content.decode()
    r = client.post(url, {"topics": "小区停车难；加装电梯", "discussion": "居民代表 12 人发言"})
    assert r.status_code == 302
    meeting.refresh_from_db()
    assert meeting.discussion == "居民代表 12 人发言"
    event = AuditEvent.objects.get(action="meeting_update", object_id=str(meeting.pk))
    assert event.after == {"changed": ["topics", "discussion"]}
    client.force_login(other_chair)
    assert client.post(url, {"topics": "越权"}).status_code == 404


def test_a_resolution_changes_hands_and_deadline(tree, chair, client):
    resolution = make_resolution(tree.community_a)
    client.force_login(chair)
    url = reverse("volunteers:resolution_update", args=[resolution.pk])
    before = resolution.meeting.held_on - timedelta(days=1)
    r = client.post(url, {"responsible": "物业公司", "due_on": before.isoformat()})
    assert r.status_code == 200 and "物业公司" in r.content.decode()
    assert "不能早于会议日期" in r.content.decode()
    r = client.post(url, {"responsible": "物业公司", "due_on": "not-a-date"})
    assert r.status_code == 200 and "due_on" in r.context["form"].errors
    due = TODAY() + timedelta(days=60)
    r = client.post(url, {"responsible": "物业公司", "due_on": due.isoformat()})
    assert r.status_code == 302
    resolution.refresh_from_db()
    assert (resolution.responsible, resolution.due_on) == ("物业公司", due)
    event = AuditEvent.objects.get(action="resolution_update", object_id=str(resolution.pk))
    assert event.after["responsible_changed"] is True and "物业" not in str(event.after)


def test_a_resolution_is_done_with_a_note_and_reopened(tree, chair, other_chair, client):
    resolution = make_resolution(tree.community_a)
    client.force_login(chair)
    client.post(
        reverse("volunteers:followup_add", args=[resolution.pk]),
        {"note": "停车位已划定", "done": "on"},
    )
    resolution.refresh_from_db()
    assert resolution.status == "done" and resolution.done_on == TODAY()
    # Done: it is no longer edited, only reopened.
    with pytest.raises(ValidationError):
        councils.resolution_update(
            user=chair, resolution=resolution, responsible="x", due_on=resolution.due_on
        )
    url = reverse("volunteers:resolution_reopen", args=[resolution.pk])
    client.force_login(other_chair)
    assert client.post(url, {"reason": "越权"}).status_code == 404
    client.force_login(chair)
    r = client.post(url, {"reason": ""})
    assert r.status_code == 200 and r.context["form"].errors
    r = client.post(url, {"reason": "居民反映车位被占，仍未落实"})
    assert r.status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == "open" and resolution.done_on is None
    notes = list(resolution.followups.values_list("note", flat=True))
    assert notes[-1].startswith("重新打开") and "仍未落实" in notes[-1]
    assert AuditEvent.objects.filter(action="resolution_reopen", object_id=str(resolution.pk))
    with pytest.raises(ValidationError):
        councils.resolution_reopen(user=chair, resolution=resolution, reason="再次")
    page = client.get(resolution.meeting.get_absolute_url()).content.decode()
    assert reverse("volunteers:resolution_update", args=[resolution.pk]) in page
