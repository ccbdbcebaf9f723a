"""Appeals through the intake queue (JINGUO_PORTAL_QUEUE, on in production): the request
stores the appeal and gives her code; the intake worker files the case and her code follows
it. Nothing she sent is lost, refused out of her sight, or readable in the queue's row."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from jinguo.cases import choices as case_choices
from jinguo.cases.models import Case, IntakeSubmission, SubmissionStatus
from jinguo.cases.services.inbox import register_pending
from jinguo.portal.models import PortalAppeal
from jinguo.portal.services.appeals import appeal_lookup, appeal_submit
from jinguo.portal.services.replies import reply_publish

pytestmark = pytest.mark.django_db
STORY = "他把家门反锁了，不让我出去"


@pytest.fixture(autouse=True)
def _queued(settings):
    settings.JINGUO_PORTAL_QUEUE = True


def send(unit, **extra):
    kwargs = {
        "unit": unit,
        "topic": "violence",
        "story": STORY,
        "in_danger": True,
        "contact_way": "none",
        "pin": "2580",
        "anonymous": True,
        **extra,
    }
    return appeal_submit(**kwargs)


def test_the_request_stores_the_appeal_and_the_worker_files_it_in_the_district(
    tree, district_officer, other_district_officer
):
    appeal, code = send(tree.community_a)
    assert appeal.case is None and not Case.objects.exists()
    submission = appeal.submission
    assert submission.status == SubmissionStatus.PENDING
    # Her code works at once and says plainly that it is being registered.
    assert "正在登记" in _status(code)

    assert register_pending().registered == 1
    appeal.refresh_from_db()
    case = appeal.case
    assert case is not None
    assert case.org == tree.district_a
    assert case.channel == case_choices.Channel.PORTAL
    assert case.urgency == case_choices.Urgency.URGENT
    assert case.subcategory.code == "family-violence" and case.anonymous
    assert STORY in case.narrative and "芳草社区妇联" in case.narrative
    # Deadlines run from when she sent it, not from when the worker filed it.
    assert case.received_at == submission.received_at
    assert case.decide_due_at is not None
    assert "已收到，正在等待工作人员受理" in _status(code)
    assert Case.objects.restrict(district_officer, "view").filter(pk=case.pk).exists()
    assert not Case.objects.restrict(other_district_officer, "view").filter(pk=case.pk).exists()
    # The worker answers from the case page as for any portal appeal.
    reply_publish(user=district_officer, case=case, body="已收到，我们会尽快处理。")
    assert appeal.replies.count() == 1


def _status(code):
    from jinguo.portal.selectors import public_view

    return public_view(appeal_lookup(code=code, pin="2580"))["status"]


def test_the_queued_row_keeps_her_words_encrypted(tree):
    appeal, _code = send(tree.community_a, contact_way="phone", phone="13912345678")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT payload FROM cases_intakesubmission WHERE id = %s", [appeal.submission_id]
        )
        raw = cursor.fetchone()[0]
    assert STORY not in raw and "13912345678" not in raw
    register_pending()
    appeal.refresh_from_db()
    assert appeal.case.caller_phone == "13912345678"


def test_a_bad_phone_is_refused_to_her_before_anything_is_stored(tree):
    with pytest.raises(ValidationError) as refused:
        send(tree.community_a, contact_way="phone", phone="12ab")
    assert "phone" in refused.value.message_dict
    assert not IntakeSubmission.objects.exists() and not PortalAppeal.objects.exists()


def test_the_form_works_the_same_and_shows_the_code(client, tree, submit):
    response = submit(tree.community_a)
    assert response.status_code == 200
    assert 'data-testid="tracking-code"' in response.content.decode()
    assert IntakeSubmission.objects.count() == 1 and not Case.objects.exists()
    assert register_pending().registered == 1
    assert PortalAppeal.objects.get().case is not None


def test_an_appeal_with_files_is_filed_in_the_request(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jinguo.testing.samples import pdf

    appeal, _code = send(
        tree.community_a, uploads=[SimpleUploadedFile("照片.pdf", pdf("x"), "application/pdf")]
    )
    assert appeal.case is not None and appeal.submission is None
    assert appeal.case.attachments.count() == 1


def test_a_refused_registration_tells_her_to_call(tree):
    appeal, code = send(tree.community_a)
    IntakeSubmission.objects.filter(pk=appeal.submission_id).update(
        status=SubmissionStatus.REJECTED
    )
    assert "12338" in _status(code)


def test_wrong_pins_lock_a_queued_appeal_too(tree, settings):
    settings.JINGUO_PORTAL_PIN_FAILURES = 2
    from jinguo.portal.services.appeals import LookupRefused

    _appeal, code = send(tree.community_a)
    for _ in range(2):
        with pytest.raises(LookupRefused):
            appeal_lookup(code=code, pin="9999")
    with pytest.raises(LookupRefused) as refused:
        appeal_lookup(code=code, pin="2580")
    assert refused.value.reason == "locked"


def test_a_case_from_another_account_with_a_portal_like_reference_links_nothing(
    tree, district_officer
):
    from jinguo.cases.models import Category
    from jinguo.cases.services.intake import case_create

    appeal, _code = send(tree.community_a)
    reference = appeal.submission.client_reference
    case_create(
        user=district_officer,
        channel=case_choices.Channel.PORTAL,
        summary="冒用编号",
        category=Category.objects.get(code="family"),
        client_reference=reference,
        received_at=timezone.now() - timedelta(minutes=1),
    )
    appeal.refresh_from_db()
    assert appeal.case is None


def test_administrators_hear_of_a_refused_queued_appeal_once_a_day(
    tree, sysadmin, django_capture_on_commit_callbacks
):
    from jinguo.core.models import Notification
    from jinguo.portal.services.appeals import check_refused

    assert check_refused() == "网上求助登记正常"
    appeal, _code = send(tree.community_a)
    IntakeSubmission.objects.filter(pk=appeal.submission_id).update(
        status=SubmissionStatus.REJECTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert "1" in check_refused()
    told = Notification.objects.filter(recipient=sysadmin, title="网上求助登记未成功")
    assert told.count() == 1 and STORY not in told.get().body
    with django_capture_on_commit_callbacks(execute=True):
        check_refused()
    assert told.count() == 1
