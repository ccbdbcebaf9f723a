"""The audit trail is append-only and tamper-evident: the chain notices every edit behind its back."""

import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from jinguo.core import audit
from jinguo.core.context import ActorContext, acting
from jinguo.core.models import AuditChainHead, AuditEvent, AuditKind, Notification

from .conftest import postgres_only

pytestmark = pytest.mark.django_db


def write_some(n: int = 5) -> list[AuditEvent]:
    return [
        audit.write_event(kind=AuditKind.ACCESS, action="open", detail={"n": i}) for i in range(n)
    ]


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_command() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_each_row_carries_the_hash_of_the_previous_one():
    events = write_some(3)
    assert events[0].prev_hash == audit.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_hash, head.last_event_id) == (events[2].hash, events[2].pk)


def test_intact_chain_is_reported_in_chinese_with_exit_code_0():
    write_some(4)
    code, out, _err = verify_command()
    assert code == 0
    assert "审计链完整，共校验 4 条" in out


def test_empty_chain_is_intact():
    assert audit.verify_chain().ok
    assert "共校验 0 条" in verify_command()[1]


def test_an_altered_action_is_reported_with_the_row_id():
    events = write_some(5)
    raw("UPDATE core_auditevent SET action = %s WHERE id = %s", ["delete", events[2].pk])
    result = audit.verify_chain()
    assert (result.broken_at, result.reason, result.checked) == (events[2].pk, "content", 2)
    code, _out, err = verify_command()
    assert code == 1
    assert f"#{events[2].pk}" in err
    assert "内容与哈希不符" in err


def test_an_altered_detail_is_reported():
    events = write_some(5)
    raw("UPDATE core_auditevent SET detail = %s WHERE id = %s", ['{"n": 99}', events[3].pk])
    assert AuditEvent.objects.get(pk=events[3].pk).detail == {"n": 99}
    result = audit.verify_chain()
    assert (result.broken_at, result.reason) == (events[3].pk, "content")


def test_a_deleted_middle_row_is_detected_at_its_successor():
    events = write_some(5)
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    result = audit.verify_chain()
    assert (result.broken_at, result.reason) == (events[3].pk, "prev_hash")
    code, _out, err = verify_command()
    assert code == 1 and "前一条哈希不符" in err


def test_a_deleted_last_row_is_detected_by_the_chain_head():
    events = write_some(5)
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    result = audit.verify_chain()
    assert (result.broken_at, result.reason, result.checked) == (events[-1].pk, "head", 4)
    code, _out, err = verify_command()
    assert code == 1
    assert f"#{events[-1].pk}（该记录已不存在）" in err


def test_a_forged_row_with_a_correct_hash_is_detected():
    events = write_some(3)
    # The forger knows the algorithm and links to the real last row, but cannot move the head
    # without also being caught by it.
    forged = AuditEvent(
        kind=AuditKind.CHANGE,
        action="delete",
        created_at=events[-1].created_at,
        username="intruder",
        prev_hash=events[-1].hash,
    )
    forged.hash = audit.event_hash(forged, forged.prev_hash)
    forged.save()
    result = audit.verify_chain()
    assert (result.broken_at, result.reason) == (forged.pk, "head")
    assert verify_command()[0] == 1


def test_a_forged_row_with_a_made_up_hash_is_detected():
    events = write_some(3)
    raw(
        "INSERT INTO core_auditevent (kind, action, created_at, username, user_org_path, "
        "request_id, object_type, object_id, object_repr, object_org_path, detail, prev_hash, "
        "hash) VALUES ('change', 'delete', %s, 'x', '', '', '', '', '', '', '{}', %s, %s)",
        [events[-1].created_at, events[-1].hash, "f" * 64],
    )
    result = audit.verify_chain()
    assert result.reason == "content"
    assert result.broken_at == AuditEvent.objects.order_by("-id").first().pk


def test_switching_the_hash_algorithm_keeps_older_rows_verifiable():
    old = write_some(2)
    with override_settings(JINGUO_AUDIT_HASH="sm3"):
        new = write_some(2)
        assert new[0].prev_hash == old[-1].hash
        assert new[0].hash == audit.event_hash(new[0], new[0].prev_hash, "sm3")
        assert audit.verify_chain().ok
    assert audit.verify_chain().checked == 4
    raw("UPDATE core_auditevent SET action = %s WHERE id = %s", ["delete", new[1].pk])
    assert (audit.verify_chain().broken_at, audit.verify_chain().reason) == (new[1].pk, "content")


def test_the_orm_refuses_to_edit_or_delete_a_row():
    event = write_some(1)[0]
    event.action = "delete"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_a_lost_chain_head_is_rebuilt_from_the_last_row_not_from_genesis():
    events = write_some(2)
    raw("DELETE FROM core_auditchainhead")
    assert audit.verify_chain().reason == "head_missing"
    later = audit.write_event(kind=AuditKind.ACCESS, action="open")
    assert later.prev_hash == events[-1].hash
    assert audit.verify_chain().ok


def test_request_context_and_odd_input_survive_a_round_trip_through_the_database():
    # PostgreSQL prints IPv6 addresses its own way and refuses NUL characters.
    with acting(ActorContext(ip="2001:0DB8:0:0::0001", request_id="r1", channel="web")):
        v6 = audit.record_security(action="login_failed", username="ev\x00il", typed="a\x00b")
    with acting(ActorContext(ip="not-an-address", request_id="r2", channel="web")):
        bad = audit.record_security(action="login_failed", username="x")
    v6.refresh_from_db()
    bad.refresh_from_db()
    assert v6.ip == "2001:db8::1"
    assert "\x00" not in v6.username and "\x00" not in v6.detail["typed"]
    assert bad.ip is None
    assert audit.verify_chain().ok


def test_unicode_and_nested_json_keep_their_hash(tree):
    audit.record_change(
        None,
        tree.community_a,
        "update",
        before={"name": "芳草社区", "tags": ["重点", 1, 2.5, None, True]},
        after={"name": "芳草社区妇联", "tags": ["重点", 1, 2.5, None, True]},
        note={"嵌套": {"b": 1, "a": [1, {"z": "乙", "y": "甲"}]}},
    )
    assert audit.verify_chain().ok


def test_record_change_keeps_the_object_and_its_unit(tree, district_officer):
    event = audit.record_change(district_officer, tree.community_a, "create", after={"x": 1})
    assert event.object_type == "orgs.orgunit"
    assert event.object_id == str(tree.community_a.pk)
    assert event.object_org_path == tree.community_a.path
    assert event.user_org_path == tree.district_a.path
    assert event.username == "officer_heping"


def test_an_export_event_names_what_was_exported(district_officer):
    event = audit.record_access(
        district_officer, action="export", object_type="orgs.orgunit", rows=3, filters={}
    )
    assert event.object_type == "orgs.orgunit"
    assert event.detail == {"object_type": "orgs.orgunit", "rows": 3, "filters": {}}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_audit_row_and_the_chain_still_holds():
    first = audit.write_event(kind=AuditKind.ACCESS, action="open")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.write_event(kind=AuditKind.CHANGE, action="update", detail={"lost": True})
        raise RuntimeError("the change fails after its audit row was written")
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [first.pk]
    assert audit.verify_chain().ok
    second = audit.write_event(kind=AuditKind.ACCESS, action="open")
    assert second.prev_hash == first.hash
    result = audit.verify_chain()
    assert result.ok and result.checked == 2


def test_an_audit_failure_aborts_the_change_it_records(tree, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "event_hash", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        Notification.objects.create(recipient=_any_user(tree), title="x")
        audit.write_event(kind=AuditKind.CHANGE, action="create")
    assert not Notification.objects.exists()


def _any_user(tree):
    from jinguo.testing.factories import UserFactory

    return UserFactory(home_unit=tree.city)


WRITERS = 8
EVENTS_EACH = 25


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_or_break_the_chain(tree):
    user = _any_user(tree)
    barrier = threading.Barrier(WRITERS)
    errors = []

    def writer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(EVENTS_EACH):
                if i % 2:
                    audit.write_event(kind=AuditKind.ACCESS, action="open", detail={"w": n, "i": i})
                else:
                    # A service: its own write first, the audit row (and the lock) last.
                    with transaction.atomic():
                        Notification.objects.create(recipient=user, title=f"{n}-{i}")
                        audit.write_event(
                            kind=AuditKind.CHANGE, action="create", detail={"w": n, "i": i}
                        )
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    total = WRITERS * EVENTS_EACH
    result = audit.verify_chain()
    assert result.ok, result
    assert result.checked == total == AuditEvent.objects.count()
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == total, "two rows share a predecessor: the chain forked"
    assert AuditChainHead.objects.get(pk=1).last_event_id == AuditEvent.objects.latest("id").pk


def test_log_reveal_requires_a_reason(district_officer):
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as exc:
            audit.log_reveal(district_officer, district_officer, "phone", reason)
        assert "须填写理由" in exc.value.messages[0]
    assert not AuditEvent.objects.exists()


def test_log_reveal_records_field_and_reason_but_never_the_value(tree):
    from jinguo.testing.factories import UserFactory

    viewer = UserFactory(home_unit=tree.district_a, username="viewer")
    person = UserFactory(home_unit=tree.community_a, phone="13912345678")
    event = audit.log_reveal(viewer, person, "phone", "  回访核实联系方式 ")
    assert (event.kind, event.action) == (AuditKind.ACCESS, "reveal")
    assert event.detail == {"field": "phone", "reason": "回访核实联系方式"}
    assert event.object_id == str(person.pk)
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert "13912345678" not in str(row)
    with pytest.raises(ValueError):
        audit.log_reveal(viewer, person, "no_such_field", "理由")


def test_action_labels_are_chinese_and_unknown_actions_show_as_written():
    assert audit.action_label("login_failed") == "登录失败"
    assert audit.action_label("reveal") == "查看完整信息"
    assert audit.action_label("frobnicate") == "frobnicate"
