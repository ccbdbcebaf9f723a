"""Issuing, signing, completing, reminding and withdrawing, as the services do them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jinguo.cases.storage import attachment_storage
from jinguo.core.models import AuditEvent, Notification
from jinguo.notices import services
from jinguo.notices.choices import ReceiptState
from jinguo.notices.models import Notice, NoticeFile, Receipt
from jinguo.orgs.choices import UnitKind

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def later(days=10):
    return timezone.localdate() + datetime.timedelta(days=days)


def issue(user, **kwargs):
    values = {
        "kind": "task",
        "title": "关于开展三八维权周活动的通知",
        "body": "请各社区组织一次法律宣传活动，报告参加人数。",
        "targets": "children",
        "due_on": later(),
    }
    values.update(kwargs)
    return services.notice_issue(user=user, **values)


def actions(obj):
    return list(AuditEvent.objects.filter(object_id=str(obj.pk)).values_list("action", flat=True))


# --- issuing -----------------------------------------------------------------------------


def test_issue_to_children_makes_one_receipt_per_unit_and_tells_their_staff(
    tree, street_officer, community_chair, chair2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = issue(street_officer)
    assert {r.org for r in notice.receipts.all()} == {tree.community_a, tree.community_a2}
    assert all(r.state == ReceiptState.PENDING for r in notice.receipts.all())
    assert "notice_issue" in actions(notice)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {community_chair.username, chair2.username}


def test_issue_to_a_level_reaches_every_unit_of_that_kind_below(tree, district_officer):
    notice = issue(district_officer, targets="level", target_kind=UnitKind.COMMUNITY)
    assert {r.org for r in notice.receipts.all()} == {tree.community_a, tree.community_a2}


def test_issue_to_picked_units(tree, district_officer):
    notice = issue(district_officer, targets="picked", units=[tree.community_a2])
    assert [r.org for r in notice.receipts.all()] == [tree.community_a2]


def test_a_picked_unit_of_another_branch_is_refused(tree, district_officer):
    with pytest.raises(ValidationError) as exc:
        issue(district_officer, targets="picked", units=[tree.community_a, tree.community_b])
    assert "units" in exc.value.error_dict
    assert not Notice.objects.exists()


def test_issuing_checks_every_field_in_chinese(tree, street_officer):
    with pytest.raises(ValidationError) as exc:
        issue(street_officer, title=" ", body="", due_on=None)
    errors = exc.value.message_dict
    assert set(errors) >= {"title", "body", "due_on"}
    assert "完成期限" in errors["due_on"][0]


def test_a_notice_has_no_due_date(tree, street_officer):
    notice = issue(street_officer, kind="notice", due_on=later())
    assert notice.due_on is None
    assert all(r.due_on is None for r in notice.receipts.all())


def test_a_unit_without_units_below_cannot_issue(tree, street_officer):
    with pytest.raises(ValidationError) as exc:
        issue(street_officer, targets="level", target_kind=UnitKind.COUNTY)
    assert "target_kind" in exc.value.error_dict


def test_issuing_needs_the_permission(tree, nobody):
    with pytest.raises(PermissionDenied):
        issue(nobody)


def test_files_are_checked_and_stored_encrypted(tree, street_officer):
    good = SimpleUploadedFile("通知.png", PNG)
    notice = issue(street_officer, files=[good])
    stored = notice.files.get()
    assert stored.original_name == "通知.png"
    with attachment_storage.open(stored.file.name, "rb") as fh:
        assert PNG not in fh.read()


def test_a_disguised_file_is_refused_and_nothing_is_written(tree, street_officer):
    bad = SimpleUploadedFile("表格.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as exc:
        issue(street_officer, files=[bad])
    assert "表格.pdf" in exc.value.message_dict["files"][0]
    assert not Notice.objects.exists() and not NoticeFile.objects.exists()


# --- the receiving unit ------------------------------------------------------------------


def test_the_receiving_unit_signs(tree, street_officer, community_chair):
    notice = issue(street_officer)
    receipt = notice.receipts.get(org=tree.community_a)
    services.receipt_acknowledge(user=community_chair, receipt=receipt)
    receipt.refresh_from_db()
    assert receipt.state == ReceiptState.ACKNOWLEDGED
    assert receipt.acknowledged_by == community_chair
    assert "receipt_acknowledge" in actions(receipt)
    with pytest.raises(ValidationError):
        services.receipt_acknowledge(user=community_chair, receipt=receipt)


def test_only_the_unit_itself_signs_not_the_level_above(tree, district_officer, street_officer):
    notice = issue(district_officer, targets="children")
    receipt = notice.receipts.get(org=tree.street_a)
    # The district sees the receipt but does not answer for the street.
    with pytest.raises(ValidationError) as exc:
        services.receipt_acknowledge(user=district_officer, receipt=receipt)
    assert exc.value.code == "not_found"
    services.receipt_acknowledge(user=street_officer, receipt=receipt)


def test_another_branch_cannot_sign(tree, street_officer, other_chair):
    receipt = issue(street_officer).receipts.first()
    with pytest.raises(ValidationError) as exc:
        services.receipt_acknowledge(user=other_chair, receipt=receipt)
    assert exc.value.code == "not_found"


def test_completing_a_task_with_figures_and_files(tree, street_officer, community_chair):
    receipt = issue(street_officer).receipts.get(org=tree.community_a)
    done = services.receipt_complete(
        user=community_chair,
        receipt=receipt,
        note="3 月 8 日在社区广场开展宣传，发放资料 200 份。",
        figures=[("开展活动场次", "1"), ("覆盖人数", "1,200"), ("", "")],
        files=[SimpleUploadedFile("签到表.png", PNG)],
    )
    assert done.state == ReceiptState.COMPLETED
    assert done.acknowledged_at is not None  # completing signs too
    assert done.figures == [
        {"key": "开展活动场次", "value": 1},
        {"key": "覆盖人数", "value": 1200},
    ]
    assert done.files.count() == 1 and not done.is_late
    assert "receipt_complete" in actions(done)


def test_figures_are_numbers_with_unique_names(tree, street_officer, community_chair):
    receipt = issue(street_officer).receipts.get(org=tree.community_a)
    with pytest.raises(ValidationError) as exc:
        services.receipt_complete(
            user=community_chair,
            receipt=receipt,
            note="已完成",
            figures=[("人数", "很多"), ("场次", "1"), ("场次", "2"), ("", "5")],
        )
    problems = exc.value.message_dict["figures"]
    assert len(problems) == 3
    assert any("人数" in p for p in problems)
    receipt.refresh_from_db()
    assert receipt.state == ReceiptState.PENDING


def test_a_note_is_required_and_a_notice_is_not_completed(tree, street_officer, community_chair):
    receipt = issue(street_officer).receipts.get(org=tree.community_a)
    with pytest.raises(ValidationError) as exc:
        services.receipt_complete(user=community_chair, receipt=receipt, note="  ")
    assert "note" in exc.value.message_dict
    plain = issue(street_officer, kind="notice").receipts.get(org=tree.community_a)
    with pytest.raises(ValidationError):
        services.receipt_complete(user=community_chair, receipt=plain, note="好")


def test_late_completion_is_flagged(tree, street_officer, community_chair):
    receipt = issue(street_officer).receipts.get(org=tree.community_a)
    Receipt.objects.filter(pk=receipt.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(1)
    )
    done = services.receipt_complete(user=community_chair, receipt=receipt, note="补做了")
    assert done.is_late


# --- the issuer --------------------------------------------------------------------------


def test_remind_reaches_only_the_units_still_waiting(
    tree, street_officer, community_chair, chair2, django_capture_on_commit_callbacks
):
    notice = issue(street_officer)
    services.receipt_complete(
        user=community_chair, receipt=notice.receipts.get(org=tree.community_a), note="完成"
    )
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notice_remind(user=street_officer, notice=notice) == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [chair2.pk]
    assert "notice_remind" in actions(notice)
    services.receipt_complete(
        user=chair2, receipt=notice.receipts.get(org=tree.community_a2), note="完成"
    )
    with pytest.raises(ValidationError):
        services.notice_remind(user=street_officer, notice=notice)


def test_another_branch_cannot_remind_or_withdraw(tree, street_officer, other_district_officer):
    notice = issue(street_officer)
    with pytest.raises(ValidationError):
        services.notice_remind(user=other_district_officer, notice=notice)
    with pytest.raises(ValidationError):
        services.notice_withdraw(user=other_district_officer, notice=notice, reason="错发")


def test_withdraw_needs_a_reason_and_stops_the_work(tree, street_officer, community_chair):
    notice = issue(street_officer)
    with pytest.raises(ValidationError) as exc:
        services.notice_withdraw(user=street_officer, notice=notice, reason="")
    assert "reason" in exc.value.message_dict
    services.notice_withdraw(user=street_officer, notice=notice, reason="内容有误，重新下发")
    assert "notice_withdraw" in actions(notice)
    receipt = notice.receipts.get(org=tree.community_a)
    with pytest.raises(ValidationError):
        services.receipt_acknowledge(user=community_chair, receipt=receipt)
    with pytest.raises(ValidationError):
        services.notice_remind(user=street_officer, notice=notice)
