"""The pages as a street chair and a community chair use them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.notices.choices import ReceiptState
from jinguo.notices.models import Notice

from .factories import make_notice
from .test_services import PNG

pytestmark = pytest.mark.django_db


def form(**extra):
    data = {
        "kind": "task",
        "title": "关于报送妇女之家活动情况的通知",
        "body": "请于 25 日前报送三月份活动情况。",
        "due_on": (timezone.localdate() + datetime.timedelta(days=12)).isoformat(),
        "targets": "picked",
    }
    data.update(extra)
    return data


def test_issue_to_picked_units_with_a_file(tree, street_officer, login):
    c = login(street_officer)
    assert c.get(reverse("notices:notice_create")).status_code == 200
    data = form(units=[tree.community_a2.pk], files=[SimpleUploadedFile("要求.png", PNG)])
    r = c.post(reverse("notices:notice_create"), data)
    assert r.status_code == 302
    notice = Notice.objects.get()
    assert [x.org for x in notice.receipts.all()] == [tree.community_a2]
    page = c.get(notice.get_absolute_url()).content.decode()
    assert tree.community_a2.name in page and "要求.png" in page


def test_a_failed_form_keeps_what_was_typed_and_the_picked_units(tree, street_officer, login):
    c = login(street_officer)
    r = c.post(reverse("notices:notice_create"), form(units=[tree.community_a2.pk], due_on=""))
    assert r.status_code == 200
    html = r.content.decode()
    assert "任务须填写完成期限" in html
    assert "关于报送妇女之家活动情况的通知" in html
    assert f'value="{tree.community_a2.pk}"' in html and tree.community_a2.name in html
    assert not Notice.objects.exists()


def test_a_unit_of_another_branch_cannot_be_picked(tree, street_officer, login):
    c = login(street_officer)
    r = c.post(reverse("notices:notice_create"), form(units=[tree.community_b.pk]))
    assert r.status_code == 200
    assert "不是本单位的下级单位" in r.content.decode()
    assert not Notice.objects.exists()


def test_sign_and_complete_on_the_page(tree, community_chair, login):
    receipt = make_notice(tree.street_a).receipts.get(org=tree.community_a)
    c = login(community_chair)
    page = c.get(receipt.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledge"' in page and 'data-testid="complete-form"' in page
    c.post(reverse("notices:receipt_acknowledge", args=[receipt.pk]))
    receipt.refresh_from_db()
    assert receipt.state == ReceiptState.ACKNOWLEDGED
    # A bad figure: the form comes back with what was typed.
    url = reverse("notices:receipt_complete", args=[receipt.pk])
    bad = {"note": "开展活动一场", "figures_key": ["参加人数"], "figures_value": ["五十"]}
    r = c.post(url, bad)
    assert r.status_code == 200
    html = r.content.decode()
    assert "须是一个数字" in html and "五十" in html and "开展活动一场" in html
    good = {"note": "开展活动一场", "figures_key": ["参加人数", ""], "figures_value": ["50", ""]}
    assert c.post(url, good).status_code == 302
    receipt.refresh_from_db()
    assert receipt.state == ReceiptState.COMPLETED
    assert receipt.figures == [{"key": "参加人数", "value": 50}]


def test_the_issuer_sees_who_has_done_what_and_cannot_sign_for_them(
    tree, street_officer, community_chair, login
):
    notice = make_notice(tree.street_a)
    receipt = notice.receipts.get(org=tree.community_a)
    login(community_chair).post(reverse("notices:receipt_acknowledge", args=[receipt.pk]))
    c = login(street_officer)
    html = c.get(notice.get_absolute_url()).content.decode()
    assert tree.community_a.name in html and tree.community_a2.name in html
    assert "已签收" in html and "未签收" in html
    page = c.get(receipt.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledge"' not in page
    assert 'data-testid="complete-form"' not in page
    assert c.post(reverse("notices:notice_remind", args=[notice.pk])).status_code == 302
    r = c.post(reverse("notices:notice_withdraw", args=[notice.pk]), {"reason": ""})
    assert r.status_code == 200 and "撤回原因" in r.content.decode()
    c.post(reverse("notices:notice_withdraw", args=[notice.pk]), {"reason": "错发"})
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None


def test_files_reach_the_issuer_and_the_receiving_units_only(
    tree, street_officer, community_chair, other_chair, login
):
    from jinguo.notices import services

    notice = services.notice_issue(
        user=street_officer,
        kind="notice",
        title="通知",
        body="见附件",
        targets="children",
        files=[SimpleUploadedFile("附件.png", PNG)],
    )
    stored = notice.files.get()
    url = reverse("notices:file_download", args=[stored.pk])
    r = login(community_chair).get(url)
    assert r.status_code == 200 and r.content == PNG
    assert AuditEvent.objects.filter(action="open", detail__file_id=stored.pk).exists()
    assert login(street_officer).get(url).status_code == 200
    assert login(other_chair).get(url).status_code == 404


def test_a_units_completion_files_are_not_shown_to_its_sibling(
    tree, street_officer, community_chair, chair2, login
):
    from jinguo.notices import services

    notice = make_notice(tree.street_a)
    receipt = notice.receipts.get(org=tree.community_a)
    services.receipt_complete(
        user=community_chair,
        receipt=receipt,
        note="完成",
        files=[SimpleUploadedFile("签到.png", PNG)],
    )
    url = reverse("notices:file_download", args=[receipt.files.get().pk])
    assert login(street_officer).get(url).status_code == 200
    assert login(chair2).get(url).status_code == 404


def test_inbox_filter_waiting(tree, community_chair, login):
    waiting = make_notice(tree.street_a)
    gone = make_notice(tree.street_a)
    gone.withdrawn_at = timezone.now()
    gone.save()
    c = login(community_chair)
    r = c.get(reverse("notices:receipt_list") + "?state=waiting")
    html = r.content.decode()
    assert waiting.title in html and gone.title not in html
    r = c.get(reverse("notices:receipt_list") + "?state=bogus")
    assert r.status_code == 200
