"""The bell in the top bar and the notification centre."""

import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import Notification
from jinguo.core.notifications import notify, notify_unit_leaders
from jinguo.testing.factories import UserFactory, grant, user_with_role

pytestmark = pytest.mark.django_db
LIST = reverse("core:notification_list")


def note(user, title="提醒", read=False, url=""):
    return Notification.objects.create(
        recipient=user, title=title, url=url, read_at=timezone.now() if read else None
    )


def bell(html: str) -> str | None:
    match = re.search(r'data-testid="bell">.*?(?:badge-notification[^>]*>(\d+)<|</a>)', html, re.S)
    return match.group(1) if match else None


def test_the_bell_counts_only_my_unread_notifications(client, community_chair, district_officer):
    note(community_chair, "未读一")
    note(community_chair, "未读二")
    note(community_chair, "已读", read=True)
    for _ in range(3):
        note(district_officer, "别人的")
    client.force_login(community_chair)
    r = client.get(reverse("core:home"))
    assert r.context["unread_notifications"] == 2
    assert bell(r.content.decode()) == "2"


def test_no_badge_when_everything_is_read(client, community_chair):
    note(community_chair, read=True)
    client.force_login(community_chair)
    r = client.get(reverse("core:home"))
    assert r.context["unread_notifications"] == 0
    assert bell(r.content.decode()) is None


def test_reading_one_marks_it_and_follows_its_link(client, community_chair):
    mine = note(community_chair, url="/orgs/")
    client.force_login(community_chair)
    r = client.post(reverse("core:notification_read", args=[mine.pk]))
    assert r.status_code == 302 and r["Location"] == "/orgs/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_an_outside_link_is_not_followed(client, community_chair):
    mine = note(community_chair)
    Notification.objects.filter(pk=mine.pk).update(url="https://evil.example/")
    client.force_login(community_chair)
    r = client.post(reverse("core:notification_read", args=[mine.pk]))
    assert r["Location"] == LIST


def test_someone_elses_notification_is_not_found_and_stays_unread(
    client, community_chair, district_officer
):
    theirs = note(district_officer)
    client.force_login(community_chair)
    assert client.post(reverse("core:notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_needs_a_post(client, community_chair):
    mine = note(community_chair)
    client.force_login(community_chair)
    assert client.get(reverse("core:notification_read", args=[mine.pk])).status_code == 405
    assert client.get(reverse("core:notification_read_all")).status_code == 405


def test_read_all_touches_only_mine(client, community_chair, district_officer):
    mine = [note(community_chair), note(community_chair)]
    theirs = note(district_officer)
    client.force_login(community_chair)
    r = client.post(reverse("core:notification_read_all"))
    assert r.status_code == 302
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert bell(client.get(reverse("core:home")).content.decode()) is None


def test_the_list_shows_mine_and_filters_unread(client, community_chair, district_officer):
    note(community_chair, "会议通知")
    note(community_chair, "已处理的转介", read=True)
    note(district_officer, "别人的秘密")
    client.force_login(community_chair)
    html = client.get(LIST).content.decode()
    assert "会议通知" in html and "已处理的转介" in html
    assert "别人的秘密" not in html
    unread = client.get(LIST + "?unread=1").content.decode()
    assert "会议通知" in unread and "已处理的转介" not in unread


def test_empty_state(client, community_chair):
    client.force_login(community_chair)
    html = client.get(LIST).content.decode()
    assert "暂无通知" in html
    assert "到期提醒、转介回复等消息会显示在这里。" in html


def test_notify_waits_for_the_commit(community_chair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(community_chair, "转介已受理", body="公安分局已受理", url="/cases/1/")
        assert not Notification.objects.exists()
    assert len(callbacks) == 1
    sent = Notification.objects.get()
    assert (sent.recipient, sent.title, sent.body, sent.url, sent.level) == (
        community_chair,
        "转介已受理",
        "公安分局已受理",
        "/cases/1/",
        "info",
    )


def test_a_rolled_back_change_notifies_nobody(community_chair, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(community_chair, "不该收到")
        raise RuntimeError
    assert not Notification.objects.exists()


def test_notify_refuses_outside_links_and_unknown_levels(community_chair):
    with pytest.raises(ValueError):
        notify(community_chair, "x", url="https://evil.example/")
    with pytest.raises(ValueError):
        notify(community_chair, "x", url="//evil.example/")
    with pytest.raises(ValueError):
        notify(community_chair, "x", level="shout")


def test_unit_leaders_are_the_leaders_and_sensitive_readers_of_that_unit(
    tree, district_officer, django_capture_on_commit_callbacks
):
    leader = user_with_role(tree.district_a, "leader", username="leader_heping")
    custom = UserFactory(home_unit=tree.district_a, username="custom")
    grant(custom, "core.view_sensitive")
    user_with_role(tree.district_a, "community_chair", username="chair_in_district")
    user_with_role(tree.district_a, "leader", username="retired", is_active=False)
    user_with_role(tree.street_a, "leader", username="leader_below")
    user_with_role(tree.district_b, "leader", username="leader_elsewhere")
    with django_capture_on_commit_callbacks(execute=True):
        recipients = notify_unit_leaders(
            tree.district_a, "紧急访问", body="有人查看了本单位的敏感个案", level="warning"
        )
    expected = {leader.username, custom.username, district_officer.username}
    assert {u.username for u in recipients} == expected
    sent = Notification.objects.select_related("recipient")
    assert {n.recipient.username for n in sent} == expected
    assert {n.level for n in sent} == {"warning"}
