"""The scheduler's sweep: tasks due within two days are reminded once, overdue ones once more."""

import datetime

import pytest
from django.utils import timezone

from jinguo.core.models import Notification
from jinguo.core.registry import registry
from jinguo.notices import services
from jinguo.notices.choices import NoticeKind

from .factories import make_notice

pytestmark = pytest.mark.django_db


def run(capture, now=None):
    with capture(execute=True):
        return services.remind_due(now=now)


def test_job_is_registered():
    assert "notices.reminders" in registry.jobs


def test_due_soon_then_overdue_each_once(
    tree, community_chair, chair2, django_capture_on_commit_callbacks
):
    notice = make_notice(tree.street_a, due_in=2)
    assert run(django_capture_on_commit_callbacks) == 2
    assert Notification.objects.filter(recipient=community_chair).count() == 1
    assert run(django_capture_on_commit_callbacks) == 0  # once only
    # Two days on, the task is overdue: one more reminder, flagged as a warning.
    later = timezone.now() + datetime.timedelta(days=3)
    assert run(django_capture_on_commit_callbacks, later) == 2
    latest = Notification.objects.filter(recipient=community_chair).order_by("-pk").first()
    assert latest.level == "warning" and notice.title in latest.title
    assert run(django_capture_on_commit_callbacks, later) == 0


def test_far_completed_withdrawn_and_notices_are_left_alone(
    tree, community_chair, django_capture_on_commit_callbacks
):
    make_notice(tree.street_a, due_in=10)
    done = make_notice(tree.street_a, due_in=1)
    services.receipt_complete(
        user=community_chair, receipt=done.receipts.get(org=tree.community_a), note="完成"
    )
    done.receipts.exclude(org=tree.community_a).update(state="completed")
    gone = make_notice(tree.street_a, due_in=1)
    gone.withdrawn_at = timezone.now()
    gone.save()
    make_notice(tree.street_a, kind=NoticeKind.NOTICE)
    assert run(django_capture_on_commit_callbacks) == 0
    assert not Notification.objects.exists()
