"""The intake queue: stored at once (202), registered by the worker, idempotent, private to
the submitting account, encrypted at rest, refusals explained by field."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from jinguo.cases.models import Case, IntakeSubmission, SubmissionStatus
from jinguo.cases.services import inbox
from jinguo.core.models import AuditEvent
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/cases/intake/"
PHONE = "13912345678"


@pytest.fixture
def operator(tree):
    return user_with_role(tree.city, "hotline_operator", username="queue-op", real_name="钱接")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def call(reference: str, **extra) -> dict:
    return {
        "channel": "hotline_12338",
        "category": "family-violence",
        "gbv_type": "physical",
        "summary": "丈夫酒后殴打，求助",
        "narrative": "来电人说丈夫昨晚酒后打人。",
        "caller_phone": PHONE,
        "anonymous": True,
        "client_reference": reference,
        **extra,
    }


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_post_stores_the_appeal_and_the_worker_registers_it(operator):
    api = client_for(operator)
    r = api.post(URL, call("Q-1"), format="json")
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "pending" and body["case"] is None
    assert r["Location"] == "/api/cases/intake/Q-1/"
    assert not Case.objects.exists()

    outcome = inbox.register_pending()
    assert (outcome.registered, outcome.rejected) == (1, 0)
    status = api.get("/api/cases/intake/Q-1/").json()
    case = Case.objects.get()
    assert status["status"] == "registered" and status["status_display"] == "已登记"
    assert status["case"] == {"id": case.pk, "number": case.number}
    assert case.client_reference == "Q-1" and case.created_by == operator
    assert case.subcategory.code == "family-violence" and case.is_sensitive
    submission = IntakeSubmission.objects.get()
    # Deadlines run from the moment the platform delivered the appeal.
    assert case.received_at == submission.received_at
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="create").count() == 1


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_same_reference_twice_is_one_submission_and_one_case(operator):
    api = client_for(operator)
    first = api.post(URL, call("Q-2"), format="json")
    again = api.post(URL, call("Q-2", summary="改过的摘要"), format="json")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again["Idempotent-Replayed"] == "true"
    inbox.register_pending()
    replay = api.post(URL, call("Q-2"), format="json")
    assert replay.status_code == 200 and replay.json()["status"] == "registered"
    assert IntakeSubmission.objects.count() == 1
    assert Case.objects.get().summary == "丈夫酒后殴打，求助"  # the first body wins


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_a_reference_already_registered_synchronously_gives_that_case(operator):
    api = client_for(operator)
    sync = api.post("/api/cases/cases/", call("Q-3"), format="json")
    assert sync.status_code == 201
    api.post(URL, call("Q-3"), format="json")
    inbox.register_pending()
    assert Case.objects.count() == 1
    assert IntakeSubmission.objects.get().case_id == sync.json()["id"]


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_a_bad_appeal_is_rejected_by_field_and_the_rest_of_the_batch_registers(operator):
    api = client_for(operator)
    api.post(URL, call("Q-ok-1"), format="json")
    api.post(URL, call("Q-bad", category="no-such-area", summary=""), format="json")
    api.post(URL, call("Q-bad-2", summary="请回电 13912345678"), format="json")
    api.post(URL, call("Q-ok-2", urgency="urgent"), format="json")
    outcome = inbox.register_pending()
    assert (outcome.registered, outcome.rejected) == (2, 2)
    assert set(Case.objects.values_list("client_reference", flat=True)) == {"Q-ok-1", "Q-ok-2"}
    bad = api.get("/api/cases/intake/Q-bad/").json()
    assert bad["status"] == "rejected" and bad["case"] is None
    assert "不存在" in bad["errors"]["category"][0]
    assert bad["errors"]["summary"]
    # A rule of the intake service (no phone numbers in a summary), after the serializer.
    service_refusal = api.get("/api/cases/intake/Q-bad-2/").json()
    assert "电话号码" in service_refusal["errors"]["summary"][0]
    # The refusal is audited by field name; the typed values appear nowhere in the trail.
    rejected = AuditEvent.objects.filter(action="reject", object_repr="Q-bad-2").get()
    assert rejected.after["fields"] == ["summary"]
    assert PHONE not in str(rejected.after) + str(rejected.detail)
    # Numbers stay gap-free although a refused appeal went through the service.
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert [n[-6:] for n in numbers] == ["000001", "000002"]


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_envelope_errors_are_answered_at_once(operator):
    api = client_for(operator)
    missing = api.post(URL, call(""), format="json")
    assert missing.status_code == 400
    assert "对方系统编号" in missing.json()["client_reference"][0]
    not_object = api.post(URL, [call("Q-4")], format="json")
    assert not_object.status_code == 400
    huge = api.post(URL, call("Q-5", narrative="很" * 30000), format="json")
    assert huge.status_code == 400 and "过大" in str(huge.json())
    assert not IntakeSubmission.objects.exists()


def test_only_accounts_that_may_register_can_submit(tree):
    reader = user_with_role(tree.city, "auditor", username="reader")
    r = client_for(reader).post(URL, call("Q-6"), format="json")
    assert r.status_code == 403
    assert not IntakeSubmission.objects.exists()


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_a_submission_is_seen_only_by_its_own_account(tree, operator):
    client_for(operator).post(URL, call("Q-7"), format="json")
    colleague = user_with_role(tree.city, "hotline_operator", username="queue-op2")
    assert client_for(colleague).get("/api/cases/intake/Q-7/").status_code == 404
    chair = user_with_role(tree.community_a, "community_chair", username="chair-q")
    assert client_for(chair).get("/api/cases/intake/Q-7/").status_code == 404
    assert client_for(operator).get("/api/cases/intake/Q-7/").status_code == 200
    assert IntakeSubmission.objects.restrict(colleague, "view").count() == 0
    assert IntakeSubmission.objects.restrict(operator, "view").count() == 1
    assert IntakeSubmission.objects.restrict(operator, "change").count() == 0
    # The same reference from another account is another submission.
    client_for(colleague).post(URL, call("Q-7"), format="json")
    assert IntakeSubmission.objects.count() == 2


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_the_body_is_encrypted_at_rest(operator):
    client_for(operator).post(URL, call("Q-8", narrative="她住在幸福小区三栋"), format="json")
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM cases_intakesubmission")
        (raw,) = cursor.fetchone()
    assert PHONE not in raw and "幸福小区" not in raw


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_a_deactivated_account_s_queue_is_rejected_not_registered(operator):
    client_for(operator).post(URL, call("Q-9"), format="json")
    operator.is_active = False
    operator.save()
    inbox.register_pending()
    submission = IntakeSubmission.objects.get()
    assert submission.status == SubmissionStatus.REJECTED and not Case.objects.exists()
    assert "权限" in submission.errors["__all__"][0]


@override_settings(JINGUO_INTAKE_INLINE=True)
def test_inline_mode_registers_in_the_same_request(operator):
    r = client_for(operator).post(URL, call("Q-10"), format="json")
    assert r.status_code == 202
    assert r.json()["status"] == "registered" and r.json()["case"]["number"]


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_the_worker_command_empties_the_queue_in_batches(operator, capsys):
    api = client_for(operator)
    for i in range(7):
        api.post(URL, call(f"Q-c-{i}"), format="json")
    call_command("process_intake", "--once", "--batch", "3")
    assert "登记 7 条" in capsys.readouterr().out
    assert Case.objects.count() == 7
    assert not IntakeSubmission.objects.filter(status=SubmissionStatus.PENDING).exists()


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_batched_audit_rows_keep_the_chain_whole(operator):
    from jinguo.core.audit import verify_chain

    api = client_for(operator)
    for i in range(5):
        api.post(URL, call(f"Q-a-{i}"), format="json")
    api.post(URL, call("Q-a-bad", category="nope"), format="json")
    inbox.register_pending()
    assert verify_chain().ok
    assert AuditEvent.objects.filter(action="create", object_type="cases.case").count() == 5


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_an_account_lists_its_own_submissions_by_status(tree, operator):
    api = client_for(operator)
    api.post(URL, call("Q-l-1"), format="json")
    api.post(URL, call("Q-l-2", category="nope"), format="json")
    inbox.register_pending()
    api.post(URL, call("Q-l-3"), format="json")
    listed = api.get(URL).json()
    assert listed["count"] == 3
    assert [r["client_reference"] for r in listed["results"]] == ["Q-l-3", "Q-l-2", "Q-l-1"]
    rejected = api.get(URL, {"status": "rejected"}).json()["results"]
    assert [r["client_reference"] for r in rejected] == ["Q-l-2"]
    assert api.get(URL, {"status": "bogus"}).status_code == 400
    colleague = user_with_role(tree.city, "hotline_operator", username="queue-op3")
    assert client_for(colleague).get(URL).json()["count"] == 0


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_a_lost_race_leaves_no_audit_row_for_what_was_rolled_back(tree, operator, monkeypatch):
    """The case for the reference appears between the worker's look-up and its insert."""
    from jinguo.cases.services import intake

    api = client_for(operator)
    complainant = {"name": "王芳", "gender": "F", "org": tree.community_a.pk}
    body = call("Q-race", anonymous=False, new_complainant=complainant)
    api.post(URL, body, format="json")
    winner = client_for(operator).post("/api/cases/cases/", call("Q-race"), format="json")
    assert winner.status_code == 201
    real_filter = intake.Case.objects.filter

    class Miss:
        def first(self):
            return None

    calls = {"n": 0}

    def filter_missing_once(*args, **kwargs):
        if kwargs.get("client_reference") == "Q-race" and calls["n"] == 0:
            calls["n"] += 1
            return Miss()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(intake.Case.objects, "filter", filter_missing_once)
    before = AuditEvent.objects.count()
    inbox.register_pending()
    submission = IntakeSubmission.objects.get()
    assert submission.case_id == winner.json()["id"], submission.errors
    # The complainant filed by the losing attempt was rolled back, and so was its audit row.
    assert AuditEvent.objects.count() == before
    from jinguo.core.audit import verify_chain

    assert verify_chain().ok


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_a_stuck_queue_is_reported_to_system_administrators_once_an_hour(
    tree, operator, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from jinguo.core.models import Notification

    admin = user_with_role(tree.city, "sysadmin", username="queue-admin")
    client_for(operator).post(URL, call("Q-stuck"), format="json")
    assert inbox.check_backlog() == "接入队列正常"  # just arrived
    later = timezone.now() + timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox.check_backlog(now=later) == "接入队列积压 1 条"
    [note] = Notification.objects.filter(recipient=admin)
    assert "process_intake" in note.body and note.level == "warning"
    assert not Notification.objects.filter(recipient=operator).exists()
    with django_capture_on_commit_callbacks(execute=True):
        inbox.check_backlog(now=later + timedelta(minutes=20))
    assert Notification.objects.filter(recipient=admin).count() == 1  # not again within the hour
    inbox.register_pending()
    assert inbox.check_backlog(now=later) == "接入队列正常"


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_the_worker_waits_while_a_burst_arrives_but_not_beyond_the_delay(operator):
    from datetime import timedelta

    from django.utils import timezone

    api = client_for(operator)
    for i in range(3):
        api.post(URL, call(f"Q-b-{i}"), format="json")
    now = timezone.now()
    # Arrived within the same second whatever the machine's load while posting.
    IntakeSubmission.objects.update(received_at=now - timedelta(milliseconds=200))
    pressure = inbox.queue_pressure(now)
    assert pressure.arrived_last_second == 3 and pressure.oldest_wait_seconds < 1
    assert pressure.burst(rate=3, max_delay=60)
    assert not pressure.burst(rate=4, max_delay=60)  # slower than a burst: register
    later = inbox.queue_pressure(now + timedelta(seconds=90))
    assert later.arrived_last_second == 0 and later.oldest_wait_seconds > 89
    old_burst = inbox.QueuePressure(arrived_last_second=500, oldest_wait_seconds=61)
    assert not old_burst.burst(rate=20, max_delay=60)  # the oldest has waited long enough
    inbox.register_pending()
    assert inbox.queue_pressure(now) == inbox.QueuePressure(0, 0.0)


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_an_appeal_the_service_chokes_on_does_not_block_the_queue(operator, monkeypatch):
    from django.db import OperationalError

    from jinguo.cases.services import intake

    api = client_for(operator)
    for reference in ("Q-x-1", "Q-x-bad", "Q-x-2"):
        api.post(URL, call(reference), format="json")
    real = intake.case_create_idempotent

    def choke(**kwargs):
        if kwargs["client_reference"] == "Q-x-bad":
            raise RuntimeError("unexpected")
        return real(**kwargs)

    monkeypatch.setattr(inbox, "case_create_idempotent", choke)
    outcome = inbox.register_pending()
    assert (outcome.registered, outcome.rejected) == (2, 1)
    bad = IntakeSubmission.objects.get(client_reference="Q-x-bad")
    assert bad.status == SubmissionStatus.REJECTED and "系统错误" in bad.errors["__all__"][0]

    # A lost connection or a deadlock is not the appeal's fault: the batch is tried again.
    api.post(URL, call("Q-x-3"), format="json")

    def lose_connection(**kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(inbox, "case_create_idempotent", lose_connection)
    with pytest.raises(OperationalError):
        inbox.register_pending()
    assert IntakeSubmission.objects.get(client_reference="Q-x-3").status == "pending"


@override_settings(JINGUO_INTAKE_INLINE=False)
def test_stored_reasons_never_quote_what_was_submitted(operator):
    api = client_for(operator)
    api.post(URL, call("Q-q", urgency=PHONE, category=PHONE), format="json")
    inbox.register_pending()
    submission = IntakeSubmission.objects.get()
    assert submission.status == SubmissionStatus.REJECTED
    assert set(submission.errors) == {"urgency", "category"}
    assert PHONE not in str(submission.errors)


@pytest.mark.parametrize("reference", ["REF/2026/001", "a b", "..", "-x", "编号1", "A" * 81])
@pytest.mark.parametrize("inline", [True, False])
def test_a_reference_unusable_in_the_status_url_is_refused_before_storing(
    operator, reference, inline
):
    api = client_for(operator)
    with override_settings(JINGUO_INTAKE_INLINE=inline):
        r = api.post(URL, call(reference), format="json")
    assert r.status_code == 400, r.content
    assert "对方系统编号" in r.json()["client_reference"][0]
    assert not IntakeSubmission.objects.exists() and not Case.objects.exists()
    listing = api.get(URL)
    assert listing.status_code == 200 and listing.json()["count"] == 0


@override_settings(JINGUO_INTAKE_INLINE=True)
def test_every_accepted_reference_works_end_to_end(operator):
    api = client_for(operator)
    r = api.post(URL, call("GRID-2026.001:a_b"), format="json")
    assert r.status_code == 202, r.content
    assert api.get(r["Location"]).json()["status"] == "registered"
    assert api.get(URL).json()["results"][0]["client_reference"] == "GRID-2026.001:a_b"


def test_the_list_of_submissions_publishes_and_checks_its_page(operator):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = schema["paths"][URL]["get"]["parameters"]
    page = next(p for p in params if p["name"] == "page")
    assert page["schema"]["type"] == "integer" and page["schema"]["minimum"] == 1
    api = client_for(operator)
    assert api.get(URL, {"page": "1"}).status_code == 200
    assert api.get(URL, {"page": ""}).status_code == 400
