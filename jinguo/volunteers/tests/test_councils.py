"""妇女议事会: one council per community, meetings and resolutions followed up until done,
overdue resolutions on the home page of who may see them, the council's record for a year."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.core import registry
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role
from jinguo.volunteers.services import councils

from .factories import make_council, make_resolution

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def chair(tree):
    return user_with_role(tree.community_a, "community_chair", username="chair_fangcao")


def panels(user):
    return {p.key: ctx for p, ctx in registry.panels_for(user)}


def test_a_council_sits_in_a_community_once(tree, chair):
    street_officer = user_with_role(tree.street_a, "community_chair")
    with pytest.raises(ValidationError) as exc:
        councils.council_create(user=street_officer, org=tree.street_a)
    assert "org" in exc.value.message_dict
    council = councils.council_create(user=chair, org=tree.community_a)
    assert council.name == "芳草社区妇联妇女议事会"
    with pytest.raises(ValidationError):
        councils.council_create(user=chair, org=tree.community_a)


def test_a_meeting_takes_resolutions_followed_up_until_done(tree, chair, client):
    council = councils.council_create(user=chair, org=tree.community_a)
    councils.member_add(user=chair, council=council, person=PersonFactory(org=tree.community_a))
    meeting = councils.meeting_create(
        user=chair, council=council, held_on=TODAY(), topics="小区停车难", discussion="居民代表发言"
    )
    client.force_login(chair)
    r = client.post(
        reverse("volunteers:resolution_add", args=[meeting.pk]),
        {
            "text": "协调物业划定停车位",
            "responsible": "社区居委会",
            "due_on": TODAY() + timedelta(days=30),
        },
    )
    assert r.status_code == 302
    resolution = meeting.resolutions.get()
    client.post(reverse("volunteers:followup_add", args=[resolution.pk]), {"note": "已与物业沟通"})
    resolution.refresh_from_db()
    assert resolution.status == "open" and resolution.followups.count() == 1
    client.post(
        reverse("volunteers:followup_add", args=[resolution.pk]), {"note": "划线完成", "done": "on"}
    )
    resolution.refresh_from_db()
    assert resolution.status == "done" and resolution.done_on == TODAY()
    assert AuditEvent.objects.filter(action="resolution_done", object_id=str(resolution.pk))
    with pytest.raises(ValidationError):
        councils.followup_add(user=chair, resolution=resolution, note="再记一笔")

    record = client.get(council.get_absolute_url())
    assert record.context["resolution_count"] == 1 and record.context["done_count"] == 1
    last_year = client.get(council.get_absolute_url() + f"?year={TODAY().year - 1}")
    assert list(last_year.context["meetings"]) == []
    assert client.get(council.get_absolute_url() + "?year=abc").status_code == 200


def test_a_resolution_due_before_its_meeting_is_refused(tree, chair):
    council = make_council(tree.community_a)
    meeting = councils.meeting_create(user=chair, council=council, held_on=TODAY(), topics="议题")
    with pytest.raises(ValidationError) as exc:
        councils.resolution_add(
            user=chair, meeting=meeting, text="事项", responsible="张主任",
            due_on=TODAY() - timedelta(days=1),
        )  # fmt: skip
    assert "due_on" in exc.value.message_dict


def test_overdue_resolutions_show_on_the_home_panel_in_scope_only(tree, chair, client):
    late = make_resolution(tree.community_a, due_in_days=-3)
    make_resolution(tree.community_a, due_in_days=10)
    make_resolution(tree.community_a, due_in_days=-5, status="done", done_on=TODAY())
    panel = panels(chair)["volunteers.overdue_resolutions"]
    assert panel["rows"] == [late] and panel["count"] == 1

    other = user_with_role(tree.community_b, "community_chair")
    assert "volunteers.overdue_resolutions" not in panels(other)

    client.force_login(chair)
    home = client.get("/").content.decode()
    assert late.text in home
    listed = client.get(reverse("volunteers:resolution_list") + "?overdue=true")
    assert [row.record.pk for row in listed.context["table"].rows] == [late.pk]


def test_a_refused_resolution_keeps_what_was_typed(tree, chair, client):
    meeting = councils.meeting_create(
        user=chair, council=make_council(tree.community_a), held_on=TODAY(), topics="议题"
    )
    client.force_login(chair)
    r = client.post(
        reverse("volunteers:resolution_add", args=[meeting.pk]),
        {"text": "开设四点半课堂", "responsible": "", "due_on": "2000-01-01"},
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "开设四点半课堂" in page
    assert r.context["resolution_form"].errors
    r = client.post(
        reverse("volunteers:resolution_add", args=[meeting.pk]),
        {"text": "开设四点半课堂", "responsible": "社区", "due_on": "2000-01-01"},
    )
    assert r.status_code == 200 and "due_on" in r.context["resolution_form"].errors
    assert not meeting.resolutions.exists()


def test_a_refused_follow_up_keeps_what_was_typed(tree, chair, client):
    resolution = make_resolution(tree.community_a)
    client.force_login(chair)
    long_note = "落" * 501
    r = client.post(
        reverse("volunteers:followup_add", args=[resolution.pk]), {"note": long_note, "done": "on"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="followup-errors"' in html and long_note in html
    assert not resolution.followups.exists()
