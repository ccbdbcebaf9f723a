"""Portal appeals: routing to the right queue, the tracking code and PIN, lock and expiry."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from jinguo.cases import choices as case_choices
from jinguo.cases.models import Case
from jinguo.portal.models import PortalAppeal
from jinguo.portal.services.appeals import (
    CODE_ALPHABET,
    LookupRefused,
    appeal_lookup,
    appeal_submit,
    format_code,
    route_unit,
)

pytestmark = pytest.mark.django_db


def send(unit, **extra):
    kwargs = {
        "unit": unit,
        "topic": "violence",
        "story": "丈夫经常打我。",
        "in_danger": False,
        "contact_way": "none",
        "pin": "2580",
        "anonymous": True,
        **extra,
    }
    return appeal_submit(**kwargs)


def test_an_appeal_from_a_community_enters_its_district_queue_as_an_online_case(tree):
    appeal, code = send(tree.community_a, in_danger=True)
    case = appeal.case
    assert case.org == tree.district_a
    assert case.channel == case_choices.Channel.PORTAL
    assert case.urgency == case_choices.Urgency.URGENT
    assert case.category.code == "family"
    assert case.subcategory.code == "family-violence"
    assert case.is_sensitive and case.anonymous
    assert case.decide_due_at is not None and case.finish_due_at is not None
    assert "芳草社区妇联" in case.narrative and "丈夫经常打我。" in case.narrative
    assert case.status == case_choices.Status.REGISTERED
    assert len(code) == 12 and set(code) <= set(CODE_ALPHABET)


def test_the_district_officer_sees_it_and_the_other_district_does_not(
    tree, district_officer, other_district_officer
):
    appeal, _code = send(tree.community_a)
    assert Case.objects.restrict(district_officer, "view").filter(pk=appeal.case_id).exists()
    assert (
        not Case.objects.restrict(other_district_officer, "view").filter(pk=appeal.case_id).exists()
    )


def test_routing_goes_up_to_the_district_and_stops_at_the_chosen_unit_above_it(tree):
    assert route_unit(tree.community_b) == tree.district_b
    assert route_unit(tree.street_a) == tree.district_a
    assert route_unit(tree.district_a) == tree.district_a
    assert route_unit(tree.city) == tree.city


def test_plain_topics_map_to_the_case_taxonomy(tree):
    appeal, _code = send(tree.community_b, topic="work", anonymous=False, name="小王")
    assert appeal.case.subcategory.code == "labour-rights"
    assert "自称姓名：小王" in appeal.case.narrative
    appeal, _code = send(tree.community_b, topic="advice")
    assert appeal.case.category.code == "consultation"


def test_contact_by_phone_needs_a_number_and_keeps_it_encrypted_on_the_case(tree):
    with pytest.raises(ValidationError) as exc:
        send(tree.community_a, contact_way="phone")
    assert "phone" in exc.value.message_dict
    appeal, _code = send(tree.community_a, contact_way="sms", phone="13912345678")
    assert appeal.case.caller_phone == "13912345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_phone FROM cases_case WHERE id = %s", [appeal.case_id])
        (raw,) = cursor.fetchone()
    assert "13912345678" not in raw


@pytest.mark.parametrize("pin", ["", "12", "123456789", "abcd", "1111", "1234"])
def test_a_weak_or_malformed_pin_is_refused(tree, pin):
    with pytest.raises(ValidationError) as exc:
        send(tree.community_a, pin=pin)
    assert "pin" in exc.value.message_dict
    assert not Case.objects.exists()


def test_code_and_pin_open_the_appeal_and_the_code_is_not_stored(tree):
    appeal, code = send(tree.community_a)
    assert appeal_lookup(code=format_code(code).lower(), pin="2580") == appeal
    stored = PortalAppeal.objects.values_list("code_index", "pin_hash").get()
    assert code not in stored[0] and "2580" not in stored[1]


def test_a_wrong_pin_and_an_unknown_code_get_the_same_answer(tree):
    _appeal, code = send(tree.community_a)
    for given_code, pin in ((code, "9999"), ("ABCDEFGHJKMN", "2580"), ("short", "2580")):
        with pytest.raises(LookupRefused) as exc:
            appeal_lookup(code=given_code, pin=pin)
        assert exc.value.reason == "wrong"


def test_five_wrong_pins_lock_the_code_even_for_the_right_pin(tree, settings):
    settings.JINGUO_PORTAL_PIN_FAILURES = 5
    appeal, code = send(tree.community_a)
    for _ in range(4):
        with pytest.raises(LookupRefused):
            appeal_lookup(code=code, pin="0000")
    with pytest.raises(LookupRefused) as exc:
        appeal_lookup(code=code, pin="0000")
    assert exc.value.reason == "locked"
    from jinguo.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="portal_lock", object_id=str(appeal.case_id)).exists()
    with pytest.raises(LookupRefused) as exc:
        appeal_lookup(code=code, pin="2580")
    assert exc.value.reason == "locked"
    PortalAppeal.objects.filter(pk=appeal.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert appeal_lookup(code=code, pin="2580") == appeal


def test_a_right_pin_resets_the_count_of_wrong_ones(tree):
    appeal, code = send(tree.community_a)
    for _ in range(3):
        with pytest.raises(LookupRefused):
            appeal_lookup(code=code, pin="0000")
    appeal_lookup(code=code, pin="2580")
    appeal.refresh_from_db()
    assert appeal.failed_pins == 0


def test_an_expired_code_is_refused(tree):
    appeal, code = send(tree.community_a)
    PortalAppeal.objects.filter(pk=appeal.pk).update(expires_at=timezone.now())
    with pytest.raises(LookupRefused) as exc:
        appeal_lookup(code=code, pin="2580")
    assert exc.value.reason == "expired"


def test_codes_expire_after_the_configured_days(tree, settings):
    settings.JINGUO_PORTAL_CODE_DAYS = 30
    appeal, _code = send(tree.community_a)
    assert (appeal.expires_at - appeal.created_at).days == 30


def test_attachments_are_checked_and_stored_encrypted_on_the_case(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jinguo.testing.samples import pdf

    appeal, _code = send(
        tree.community_a, uploads=[SimpleUploadedFile("伤情.pdf", pdf("x"), "application/pdf")]
    )
    attachment = appeal.case.attachments.get()
    assert attachment.original_name == "伤情.pdf"
    assert not attachment.file.read().startswith(b"%PDF")
    with pytest.raises(ValidationError):
        send(tree.community_a, uploads=[SimpleUploadedFile("a.pdf", b"MZ\x90\x00", "a/b")])
    assert Case.objects.count() == 1


def test_an_intake_account_another_worker_created_without_its_role_yet_still_files(tree):
    """The first appeals to a district can arrive together in two workers: one has created
    the intake account and not yet given it its role when the other reads it."""
    from jinguo.accounts.models import Role, User
    from jinguo.portal.services.appeals import INTAKE_ROLE, route_unit

    district = route_unit(tree.community_a)
    User.objects.create_user(username=f"portal-intake-{district.code}", home_unit=district)
    Role.objects.filter(code=INTAKE_ROLE).delete()
    appeal, _code = send(tree.community_a)
    assert appeal.case.org == district
    # A role another worker has created and not yet given its permissions is completed.
    Role.objects.get(code=INTAKE_ROLE).permissions.clear()
    User.objects.filter(username=f"portal-intake-{tree.district_b.code}").delete()
    assert send(tree.community_b)[0].case.org == tree.district_b
    assert Role.objects.get(code=INTAKE_ROLE).permissions.count() == 2


def test_a_repeated_right_lookup_reads_without_writing_and_a_wrong_pin_still_counts(tree):
    from django.test.utils import CaptureQueriesContext

    appeal, code = send(tree.community_a)
    appeal_lookup(code=code, pin="2580")  # stamps last_viewed_at
    with CaptureQueriesContext(connection) as ctx:
        assert appeal_lookup(code=code, pin="2580").pk == appeal.pk
    assert len(ctx.captured_queries) == 1
    assert not any(q["sql"].startswith("UPDATE") for q in ctx.captured_queries)
    with pytest.raises(LookupRefused):
        appeal_lookup(code=code, pin="9999")
    appeal.refresh_from_db()
    assert appeal.failed_pins == 1
    # The next right PIN forgets the wrong one (the locked path, with its write).
    appeal_lookup(code=code, pin="2580")
    appeal.refresh_from_db()
    assert appeal.failed_pins == 0
    # A stamp older than VIEW_STAMP is renewed.
    from jinguo.portal.services.appeals import VIEW_STAMP

    old = timezone.now() - VIEW_STAMP - timedelta(minutes=1)
    PortalAppeal.objects.filter(pk=appeal.pk).update(last_viewed_at=old)
    appeal_lookup(code=code, pin="2580")
    appeal.refresh_from_db()
    assert appeal.last_viewed_at > old
