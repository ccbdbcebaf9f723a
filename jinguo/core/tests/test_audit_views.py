"""The security auditor reads the trail: filters, field-by-field changes, export; nobody edits it."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jinguo.core import audit
from jinguo.core.context import ActorContext, acting
from jinguo.core.models import AuditEvent, AuditKind
from jinguo.core.selectors import audit_events_for
from jinguo.testing.factories import UserFactory, grant, user_with_role
from jinguo.testing.tree import make_unit

pytestmark = pytest.mark.django_db
LIST = reverse("core:audit_list")


def detail_url(event):
    return reverse("core:audit_detail", args=[event.pk])


def listed_ids(response) -> set[int]:
    """Rows on the page, less the login events that client.force_login itself writes."""
    shown = {int(i) for i in re.findall(r'data-audit-id="(\d+)"', response.content.decode())}
    return shown - set(AuditEvent.objects.filter(action="login").values_list("pk", flat=True))


@pytest.fixture
def trail(tree, district_officer, other_district_officer):
    """Events in both districts, one on a unit object, and one by the system."""
    return {
        "heping_pw": audit.record_security(district_officer, action="password_change"),
        "xinhua_lockout": audit.record_security(other_district_officer, action="lockout"),
        "xinhua_edits_heping": audit.record_change(
            other_district_officer, tree.community_a, "update", {"name": "旧"}, {"name": "新"}
        ),
        "system": audit.record_security(action="login_failed", username="ghost"),
    }


def test_without_view_audit_the_list_is_forbidden_and_a_row_does_not_exist(client, sysadmin, trail):
    client.force_login(sysadmin)
    assert client.get(LIST).status_code == 403
    assert client.get(LIST + "?export=xlsx").status_code == 403
    assert client.get(detail_url(trail["system"])).status_code == 404


def test_anonymous_users_are_sent_to_login(client, trail):
    r = client.get(LIST)
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))


def test_the_auditor_at_the_root_sees_the_whole_trail(client, auditor, trail):
    client.force_login(auditor)
    r = client.get(LIST)
    assert r.status_code == 200
    assert listed_ids(r) == {e.pk for e in trail.values()}
    html = r.content.decode()
    assert "审计日志" in html
    assert "登录失败" in html and "安全事件" in html
    assert detail_url(trail["system"]) in html


def test_an_auditor_lower_in_the_tree_sees_only_her_subtree(tree, district_auditor, trail):
    # A sibling whose code extends 990101's must stay outside (the trailing separator).
    trap = make_unit("9901011", "示范市区域妇联", "area", tree.city)
    trapped = audit.record_security(UserFactory(home_unit=trap), action="lockout")
    visible = set(audit_events_for(district_auditor).values_list("pk", flat=True))
    assert visible == {trail["heping_pw"].pk, trail["xinhua_edits_heping"].pk}
    assert trapped.pk not in visible


def test_a_row_outside_her_subtree_is_not_found(client, district_auditor, trail):
    client.force_login(district_auditor)
    assert client.get(detail_url(trail["xinhua_lockout"])).status_code == 404
    assert client.get(detail_url(trail["system"])).status_code == 404
    assert client.get(detail_url(trail["heping_pw"])).status_code == 200


def test_view_audit_without_a_role_holding_it_sees_nothing(tree, trail):
    user = UserFactory(home_unit=tree.city)
    assert not audit_events_for(user).exists()
    grant(user, "core.view_audit")
    assert audit_events_for(user).count() == len(trail)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("user=officer_heping", {"heping_pw"}),
        ("user=XINHUA", {"xinhua_lockout", "xinhua_edits_heping"}),
        ("unit=990101", {"heping_pw", "xinhua_edits_heping"}),
        ("unit=9901/990102", {"xinhua_lockout", "xinhua_edits_heping"}),
        ("unit=990101001001", {"xinhua_edits_heping"}),
        ("kind=security", {"heping_pw", "xinhua_lockout", "system"}),
        ("action=login_failed", {"system"}),
        ("object_type=orgs.orgunit", {"xinhua_edits_heping"}),
        ("object_type=orgs.orgunit&object_id=0", set()),
    ],
)
def test_filters(client, auditor, trail, query, expected):
    client.force_login(auditor)
    assert listed_ids(client.get(f"{LIST}?{query}")) == {trail[k].pk for k in expected}


def test_filter_by_unit_code_no_longer_in_the_tree_matches_path_segments(client, auditor, tree):
    with acting(ActorContext(channel="system")):
        gone = audit.write_event(kind=AuditKind.CHANGE, action="delete")
    AuditEvent.objects.filter(pk=gone.pk).update(object_org_path="9901/990199/")
    client.force_login(auditor)
    assert listed_ids(client.get(f"{LIST}?unit=990199")) == {gone.pk}
    assert listed_ids(client.get(f"{LIST}?unit=99019")) == set()


def test_filter_by_object_id_and_request_id(client, auditor, tree):
    with acting(ActorContext(ip="10.0.0.8", request_id="abc123", channel="web")):
        a = audit.record_change(None, tree.community_a, "update", {"name": "甲"}, {"name": "乙"})
    b = audit.record_change(None, tree.community_b, "update", {"name": "甲"}, {"name": "乙"})
    client.force_login(auditor)
    assert listed_ids(client.get(f"{LIST}?request_id=abc123")) == {a.pk}
    assert listed_ids(client.get(f"{LIST}?object_id={tree.community_b.pk}")) == {b.pk}
    assert "10.0.0.8" in client.get(LIST).content.decode()


def test_filter_by_date_uses_beijing_days(client, auditor):
    late = audit.write_event(kind=AuditKind.ACCESS, action="open")
    early = audit.write_event(kind=AuditKind.ACCESS, action="open")
    # 2026-03-01 23:30 in Beijing is 15:30 UTC the same day; 00:30 on 03-02 is 16:30 UTC 03-01.
    AuditEvent.objects.filter(pk=late.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC)
    )
    AuditEvent.objects.filter(pk=early.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC)
    )
    client.force_login(auditor)
    assert listed_ids(client.get(f"{LIST}?since=2026-03-02&until=2026-03-02")) == {late.pk}
    assert listed_ids(client.get(f"{LIST}?until=2026-03-01")) == {early.pk}
    assert listed_ids(client.get(f"{LIST}?since=2026-03-01&until=2026-03-02")) == {
        late.pk,
        early.pk,
    }
    html = client.get(f"{LIST}?until=2026-03-01").content.decode()
    assert "2026-03-01 23:30:00" in html


def test_unknown_actions_are_shown_as_written(client, auditor):
    audit.write_event(kind=AuditKind.ACCESS, action="custom_thing")
    client.force_login(auditor)
    r = client.get(f"{LIST}?action=custom_thing")
    assert len(listed_ids(r)) == 1
    assert "custom_thing" in r.content.decode()


def test_empty_list_says_so(client, auditor):
    client.force_login(auditor)
    assert "没有符合条件的审计记录" in client.get(LIST + "?action=export").content.decode()


def test_htmx_gets_only_the_table(client, auditor, trail):
    client.force_login(auditor)
    r = client.get(LIST + "?kind=security", headers={"HX-Request": "true"})
    html = r.content.decode()
    assert "<html" not in html
    assert listed_ids(r) == {trail[k].pk for k in ("heping_pw", "xinhua_lockout", "system")}


def test_the_list_pages_and_does_not_query_per_row(
    client, auditor, django_assert_max_num_queries, tree
):
    client.force_login(auditor)
    audit.write_event(kind=AuditKind.ACCESS, action="open")
    client.get(LIST)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(60):
        audit.record_change(None, tree.community_a, "update", {"a": 1}, {"a": 2})
    with django_assert_max_num_queries(len(few)):
        r = client.get(LIST)
    total = AuditEvent.objects.count()
    assert r.content.decode().count("data-audit-id=") == 50
    assert f"共 {total} 条" in r.content.decode()
    assert client.get(LIST + "?page=2").content.decode().count("data-audit-id=") == total - 50


def test_detail_shows_the_change_field_by_field_without_decrypting(client, auditor, tree):
    person = UserFactory(home_unit=tree.community_a, phone="13800138000", real_name="张三")
    before = audit.snapshot(person)
    person.phone = "13911112222"
    person.real_name = "张三丰"
    person.save()
    event = audit.record_change(None, person, "update", before, audit.snapshot(person))
    client.force_login(auditor)
    r = client.get(detail_url(event))
    assert r.status_code == 200
    html = r.content.decode()
    assert "（已加密）" in html
    for secret in ("13800138000", "13911112222", "enc1:"):
        assert secret not in html
    rows = {row["field"]: row for row in r.context["changes"]}
    assert {"real_name", "phone"} <= set(rows)
    assert "password" not in rows
    assert rows["real_name"]["label"] == "姓名"
    assert (rows["real_name"]["before"], rows["real_name"]["after"]) == ("张三", "张三丰")
    assert rows["phone"]["before"] == rows["phone"]["after"] == "（已加密）"
    assert event.hash in html and event.prev_hash in html
    assert r.context["hash_ok"] and r.context["link_ok"]
    assert "修改" in html


def test_detail_of_a_create_and_of_an_access_event(client, auditor, tree):
    created = audit.record_change(None, tree.grid_a, "create", after=audit.snapshot(tree.grid_a))
    reveal = audit.log_reveal(auditor, tree.grid_a, "name", "核查")
    client.force_login(auditor)
    r = client.get(detail_url(created))
    rows = {row["field"]: row for row in r.context["changes"]}
    assert rows["code"]["before"] == "—" and rows["code"]["after"] == tree.grid_a.code
    assert rows["parent_id"]["label"] == "上级单位"
    html = client.get(detail_url(reveal)).content.decode()
    assert "本条记录没有数据变更" in html
    assert "核查" in html and "查看完整信息" in html


def test_detail_shows_a_tampered_row_as_such(client, auditor):
    event = audit.write_event(kind=AuditKind.ACCESS, action="open")
    AuditEvent.objects.filter(pk=event.pk).update(action="export")
    client.force_login(auditor)
    r = client.get(detail_url(event))
    assert r.context["hash_ok"] is False
    assert "与哈希不符" in r.content.decode()


def test_encrypted_values_in_detail_json_are_concealed(client, auditor):
    from jinguo.core import crypto

    event = audit.write_event(
        kind=AuditKind.ACCESS, action="open", detail={"phone": crypto.encrypt("13800138000")}
    )
    client.force_login(auditor)
    html = client.get(detail_url(event)).content.decode()
    assert "（已加密）" in html and "enc1:" not in html


def test_export_is_an_excel_file_and_is_itself_audited(client, auditor, trail):
    client.force_login(auditor)
    r = client.get(LIST + "?kind=security&export=xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.values)
    assert rows[0][:6] == ("时间（北京时间）", "类别", "操作", "用户", "IP 地址", "对象")
    assert "请求编号" in rows[0]
    security = AuditEvent.objects.filter(kind="security").exclude(action="export")
    assert len(rows) == 1 + security.count()
    assert {"修改密码", "账号锁定", "登录失败"} <= {row[2] for row in rows[1:]}
    export = AuditEvent.objects.latest("id")
    assert (export.kind, export.action, export.object_type) == (
        "access",
        "export",
        "core.auditevent",
    )
    assert export.detail["rows"] == security.count()
    assert export.detail["filters"] == {"kind": "security"}
    assert export.username == "auditor"
    assert export.ip == "127.0.0.1"
    assert export.request_id == r["X-Request-ID"]
    assert audit.verify_chain().ok


def test_export_needs_the_export_permission(client, tree, trail):
    reader = UserFactory(home_unit=tree.city)
    grant(reader, "core.view_audit")
    client.force_login(reader)
    assert client.get(LIST).status_code == 200
    assert "导出 Excel" not in client.get(LIST).content.decode()
    count = AuditEvent.objects.count()
    assert client.get(LIST + "?export=xlsx").status_code == 403
    assert AuditEvent.objects.count() == count


def test_an_oversized_export_is_refused_with_a_message(client, auditor, trail, monkeypatch):
    from jinguo.core.views.audit import AuditEventListView

    monkeypatch.setattr(AuditEventListView, "max_export_rows", 2)
    client.force_login(auditor)
    r = client.get(LIST + "?export=xlsx", follow=True)
    assert "请缩小时间范围" in r.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_no_page_edits_or_deletes_audit_rows(client, auditor, trail):
    client.force_login(auditor)
    event = trail["heping_pw"]
    for url in (LIST, detail_url(event)):
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url).status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == "password_change"


def test_the_auditor_can_be_limited_after_the_fact(client, tree, trail):
    # Moving the auditor down the tree narrows what she sees at once.
    reader = user_with_role(tree.city, "auditor", username="moving")
    client.force_login(reader)
    assert len(listed_ids(client.get(LIST))) == len(trail)
    reader.home_unit = tree.district_b
    reader.save()
    assert listed_ids(client.get(LIST)) == {
        trail["xinhua_lockout"].pk,
        trail["xinhua_edits_heping"].pk,
    }


def test_times_are_shown_in_beijing_time(client, auditor):
    event = audit.write_event(kind=AuditKind.ACCESS, action="open")
    client.force_login(auditor)
    html = client.get(LIST).content.decode()
    local = timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert local in html
