"""The auditor's pages speak Chinese and names, and verify the chain without a console."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from jinguo.core import audit
from jinguo.core.models import AuditEvent, AuditKind, ChainCheck, Notification
from jinguo.core.tables import type_label
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
CHAIN = reverse("core:audit_chain")


def test_every_type_the_trail_can_name_has_a_chinese_label():
    for model in apps.get_models():
        label = type_label(model._meta.label_lower)
        assert re.search(r"[\u4e00-\u9fff]", label), f"{model._meta.label_lower}: {label}"


def test_the_auditor_starts_a_verification_and_reads_its_result(
    client, auditor, community_chair, django_capture_on_commit_callbacks
):
    audit.record_change(community_chair, None, "update", object_type="demo")
    client.force_login(auditor)
    assert "还没有校验记录" in client.get(CHAIN).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(CHAIN)
    assert r.status_code == 302
    check = ChainCheck.objects.get()
    assert check.outcome == ChainCheck.Outcome.INTACT and check.requested_by == auditor
    assert check.checked == AuditEvent.objects.count()
    page = client.get(CHAIN).content.decode()
    assert "审计链完整" in page and "manage.py" not in page
    assert AuditEvent.objects.filter(action="verify", username=auditor.username).exists()


def test_a_broken_chain_is_shown_and_every_auditor_is_told(
    client, auditor, tree, django_capture_on_commit_callbacks
):
    other = user_with_role(tree.city, "auditor", username="auditor2")
    event = audit.write_event(kind=AuditKind.ACCESS, action="open")
    AuditEvent.objects.filter(pk=event.pk).update(action="export")
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHAIN)
    check = ChainCheck.objects.get()
    assert check.outcome == ChainCheck.Outcome.BROKEN and check.broken_at == event.pk
    page = client.get(CHAIN).content.decode()
    assert "审计链被破坏" in page and f"#{event.pk}" in page
    told = set(
        Notification.objects.filter(title="审计链校验发现异常").values_list("recipient", flat=True)
    )
    assert {auditor.pk, other.pk} <= told


def test_only_auditors_may_verify(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(CHAIN).status_code == 403
    assert client.post(CHAIN).status_code == 403
    assert not ChainCheck.objects.exists()


def test_the_scheduler_verifies_the_chain_daily():
    from jinguo.core.registry import registry

    job = registry.jobs["core.audit_chain"]
    assert job.every_minutes == 24 * 60
    assert job.function().startswith("完整")


def test_rows_show_names_not_login_codes(client, auditor, community_chair, tree):
    audit.record_access(
        community_chair, None, action="export", object_type="people.person", rows=3, channel="api"
    )
    event = AuditEvent.objects.filter(action="export").latest("id")
    client.force_login(auditor)
    page = client.get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert f"{community_chair.real_name}（{community_chair.username}）" in page
    assert tree.community_a.name in page
    assert "行数" in page and "接口" in page and "人员档案" in page
    listing = client.get(reverse("core:audit_list")).content.decode()
    assert community_chair.real_name in listing and tree.community_a.name in listing


def test_the_auditors_home_shows_the_chain_and_security_events(client, auditor):
    audit.write_event(kind=AuditKind.SECURITY, action="login_failed", username="nobody")
    client.force_login(auditor)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="panel-chain"' in page and "尚未校验" in page
    assert "登录失败" in page and "nobody" in page
