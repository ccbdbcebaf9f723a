"""The sweep's incrementality, the checks after a write, escalation of unsigned red warnings,
and what people do with a warning."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent, Notification
from jinguo.protection.models import Alert
from jinguo.protection.services.alert_sweep import alerts_escalate, alerts_sweep
from jinguo.protection.services.alerts import (
    alert_acknowledge,
    alert_assign,
    alert_record_action,
    alert_resolve,
)
from jinguo.testing.factories import grant, user_with_role

from . import factories_followup as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    user = user_with_role(tree.district_a, "rights_officer", username="officer_sw")
    grant(user, "core.view_sensitive")
    return user


def _some_dangers(tree):
    who = f.person(tree.community_a)
    f.assess(who, "standard", at=timezone.now() - timedelta(days=3))
    f.assess(who, "high")
    f.violence_case(tree.community_a, who, involves_minor=True)
    f.violence_case(tree.community_a, who)
    f.breach(f.order(who, until=timezone.localdate() + timedelta(days=5)))
    return who


def test_a_second_sweep_with_nothing_changed_writes_nothing_and_reads_little(tree):
    _some_dangers(tree)
    first = alerts_sweep()
    assert first.raised >= 5
    stamps = dict(Alert.objects.values_list("pk", "updated_at"))
    audit_rows = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        second = alerts_sweep(now=timezone.now() + timedelta(minutes=10))
    assert second.raised == 0 and second.resolved == 0
    assert dict(Alert.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEvent.objects.count() == audit_rows
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "DELETE"))
    ]
    assert writes == []
    # Reading what changed, each rule's small ranges, one watermark update: no per-row reads.
    assert len(queries.captured_queries) < 60


def test_a_write_is_checked_at_once_after_commit(tree, django_capture_on_commit_callbacks):
    who = f.person(tree.community_a)
    with django_capture_on_commit_callbacks(execute=True):
        f.assess(who, "high")
    assert Alert.objects.filter(rule__code="high_risk", person=who).exists()


def test_an_unsigned_red_warning_is_told_to_the_unit_above_once(
    tree, django_capture_on_commit_callbacks
):
    street_leader = user_with_role(tree.street_a, "leader", username="street_leader")
    own_leader = user_with_role(tree.community_a, "leader", username="community_leader")
    alert = f.alert(tree.community_a, raised_at=timezone.now() - timedelta(hours=1))
    yellow = f.alert(
        tree.community_a, code="minor_violence", raised_at=timezone.now() - timedelta(hours=5)
    )
    assert alerts_escalate() == 0
    later = timezone.now() + timedelta(hours=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts_escalate(now=later) == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert Notification.objects.filter(recipient=street_leader, level="danger").count() == 1
    assert not Notification.objects.filter(recipient=own_leader).exists()
    assert alerts_escalate(now=later + timedelta(hours=3)) == 0
    yellow.refresh_from_db()
    assert yellow.escalated_at is None


def test_a_signed_red_warning_is_not_escalated(tree, officer):
    alert = f.alert(tree.community_a, raised_at=timezone.now() - timedelta(hours=3))
    alert_acknowledge(user=officer, alert=alert)
    assert alerts_escalate() == 0


def test_sign_assign_act_resolve_each_audited(tree, officer):
    colleague = user_with_role(tree.district_a, "rights_officer", username="colleague_sw")
    alert = f.alert(tree.community_a)
    alert = alert_acknowledge(user=officer, alert=alert)
    assert alert.status == "acknowledged" and alert.acknowledged_by == officer
    with pytest.raises(ValidationError):
        alert_acknowledge(user=officer, alert=alert)
    alert = alert_assign(user=officer, alert=alert, worker=colleague)
    assert alert.assigned_to == colleague
    alert = alert_record_action(user=officer, alert=alert, action="已电话联系当事人，确认安全")
    assert "确认安全" in alert.actions_taken
    with pytest.raises(ValidationError) as exc:
        alert_resolve(user=officer, alert=alert, reason="")
    assert "reason" in exc.value.message_dict
    alert = alert_resolve(user=officer, alert=alert, reason="已安排庇护")
    assert alert.status == "resolved" and alert.resolved_by == officer
    steps = list(
        AuditEvent.objects.filter(
            object_type="protection.alert", object_id=str(alert.pk), action="update"
        )
        .order_by("pk")
        .values_list("detail__step", flat=True)
    )
    assert steps == ["alert_acknowledge", "alert_assign", "alert_action", "alert_resolve"]
    # The plaintext of the action is not in the audit row.
    assert "确认安全" not in str(AuditEvent.objects.filter(detail__step="alert_action").get().after)


def test_a_warning_of_another_branch_cannot_be_touched(tree, other_district_officer):
    grant(other_district_officer, "core.view_sensitive")
    alert = f.alert(tree.community_a)
    with pytest.raises(ValidationError):
        alert_acknowledge(user=other_district_officer, alert=alert)


def test_the_list_puts_unsigned_red_first(tree, officer, client):
    yellow = f.alert(tree.community_a, code="minor_violence")
    red_signed = f.alert(tree.community_a, status="acknowledged")
    red = f.alert(tree.community_a, raised_at=timezone.now() - timedelta(days=2))
    client.force_login(officer)
    r = client.get(reverse("protection:alert_list"))
    order = [row.record.pk for row in r.context["table"].page.object_list]
    # Then by level (the annotation the list computed but did not sort by), newest first.
    assert order == [red.pk, red_signed.pk, yellow.pk]
    orange = f.alert(
        tree.community_a, code="repeat_victim", raised_at=timezone.now() - timedelta(days=9)
    )
    r = client.get(reverse("protection:alert_list"))
    order = [row.record.pk for row in r.context["table"].page.object_list]
    assert order == [red.pk, red_signed.pk, orange.pk, yellow.pk]
    r = client.get(reverse("protection:alert_list"), {"sort": "-level"})
    levels = [row.record.level for row in r.context["table"].page.object_list]
    assert levels == ["yellow", "orange", "red", "red"]
    r = client.get(reverse("protection:alert_list"), {"level": "yellow"})
    assert [row.record.pk for row in r.context["table"].page.object_list] == [yellow.pk]


def test_the_home_page_shows_unsigned_red_warnings(tree, officer, client):
    f.alert(tree.community_a, summary="最近一次风险评估为高风险")
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert 'data-testid="alerts-red"' in html and "最近一次风险评估为高风险" in html


def test_the_warning_page_signs_for_it(tree, officer, client):
    alert = f.alert(tree.community_a)
    client.force_login(officer)
    assert client.get(reverse("protection:alert_detail", args=[alert.pk])).status_code == 200
    r = client.post(
        reverse("protection:alert_acknowledge", args=[alert.pk]), {"version": alert.version}
    )
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    r = client.post(
        reverse("protection:alert_resolve", args=[alert.pk]),
        {"version": alert.version, "reason": ""},
    )
    assert r.status_code == 200 and "reason" in r.context["form"].errors


def test_api_acknowledges(tree, officer):
    from rest_framework.test import APIClient

    alert = f.alert(tree.community_a)
    api = APIClient()
    api.force_authenticate(officer)
    r = api.post(f"/api/protection/alerts/{alert.pk}/acknowledge/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = api.get("/api/protection/alerts/", {"status": "acknowledged"})
    assert [row["id"] for row in r.json()["results"]] == [alert.pk]
    # A warning without a case (a person's risk, a 告诫书 visit) says so with null, which the
    # published schema allows.
    assert r.json()["results"][0]["case_number"] is None
    schema = api.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["Alert"]["properties"]["case_number"]["nullable"]


def test_many_warnings_at_once_each_with_its_audit_row(tree):
    """Past COPY_THRESHOLD the warnings and their audit rows are streamed in bulk (COPY on
    PostgreSQL): the same rows, states and chain as one by one."""
    from jinguo.core import audit as core_audit
    from jinguo.core.bulk import COPY_THRESHOLD

    people = [f.person(tree.community_a) for _ in range(COPY_THRESHOLD + 5)]
    for who in people:
        f.assess(who, "high")
    result = alerts_sweep()
    raised = Alert.objects.filter(rule__code="high_risk")
    assert result.rules["high_risk"][0] == len(people) == raised.count()
    assert set(raised.values_list("status", "level")) == {("open", "red")}
    assert set(raised.values_list("person_id", flat=True)) == {p.pk for p in people}
    audited = AuditEvent.objects.filter(
        object_type="protection.alert", detail__step="alert_raise"
    ).values_list("object_id", flat=True)
    assert set(audited) == {str(pk) for pk in raised.values_list("pk", flat=True)}
    assert core_audit.verify_chain().ok


def test_the_writes_of_one_transaction_are_checked_once_after_it_commits(
    tree, django_capture_on_commit_callbacks, monkeypatch
):
    from jinguo.protection.services import followup_receivers

    checked = []
    monkeypatch.setattr(followup_receivers, "_evaluate", lambda changed: checked.append(changed))
    who, other = f.person(tree.community_a), f.person(tree.community_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        f.assess(who, "high")
        f.assess(other, "medium")
        f.violence_case(tree.community_a, who)
    alert_checks = [c for c in callbacks if c.__qualname__.endswith("run")]
    assert len(alert_checks) == 1 and len(checked) == 1
    assert {who.pk, other.pk} <= checked[0]["persons"] and checked[0]["cases"]
    # A savepoint rolled back takes its callback with it: the next write registers another.
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                f.assess(who, "standard")
                raise RuntimeError
        except RuntimeError:
            pass
        f.assess(other, "high")
    assert len(checked) == 2 and other.pk in checked[1]["persons"]
