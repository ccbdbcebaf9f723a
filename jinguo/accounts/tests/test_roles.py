"""Roles as data: pages, rules for editing them, separation of duties, the sync command."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from jinguo.accounts.models import Role
from jinguo.accounts.roles import default_roles
from jinguo.accounts.selectors import assignable_permissions, role_permission_names
from jinguo.core.models import AuditEvent
from jinguo.testing.factories import RoleFactory, grant, permission, user_with_role

pytestmark = pytest.mark.django_db

ROLE_LIST = reverse("accounts:role_list")
ROLE_CREATE = reverse("accounts:role_create")


def perms_of(code):
    return role_permission_names([Role.objects.get(code=code)])


def pk(name):
    return permission(name).pk


# --- separation of duties in the shipped roles -----------------------------------------------


def test_default_sysadmin_reads_no_case_and_no_audit():
    sysadmin = perms_of("sysadmin")
    assert "core.manage_users" in sysadmin
    assert not sysadmin & {"core.view_sensitive", "core.reveal_pii", "core.view_audit"}


def test_default_auditor_only_reads_and_exports_the_audit_trail():
    assert perms_of("auditor") == {"core.view_audit", "core.export"}


def test_no_default_role_mixes_user_management_and_audit():
    for role in Role.objects.filter(is_builtin=True):
        names = role_permission_names([role])
        assert not {"core.manage_users", "core.view_audit"} <= names, role.code


# --- pages ----------------------------------------------------------------------------------


def test_role_list_and_detail(login, sysadmin, community_chair):
    client = login(sysadmin)
    page = client.get(ROLE_LIST).content.decode()
    assert "系统管理员" in page and "安全审计员" in page
    chair_role = Role.objects.get(code="community_chair")
    page = client.get(chair_role.get_absolute_url()).content.decode()
    # Grouped by app and model with Chinese names.
    assert "组织体系" in page and "组织单位" in page
    assert "查看组织单位" in page
    assert "平台权限" in page and "导出数据" in page
    assert "李芳" in page  # holder in scope


def test_role_detail_lists_only_holders_in_scope(login, tree, community_chair):
    admin = user_with_role(tree.district_b, "sysadmin", username="admin_xinhua")
    page = login(admin).get(Role.objects.get(code="community_chair").get_absolute_url())
    assert "李芳" not in page.content.decode()
    assert page.context["holder_count"] == 0


def test_role_pages_need_their_permissions(login, nobody):
    client = login(nobody)
    role = Role.objects.get(code="grid_worker")
    assert client.get(ROLE_LIST).status_code == 403
    assert client.get(role.get_absolute_url()).status_code == 404
    assert client.get(ROLE_CREATE).status_code == 404
    assert client.get(reverse("accounts:role_update", args=[role.pk])).status_code == 404
    assert client.post(reverse("accounts:role_delete", args=[role.pk])).status_code == 404


def test_form_offers_grouped_checkboxes_including_global_permissions(login, sysadmin):
    page = login(sysadmin).get(ROLE_CREATE)
    groups = page.context["form"].permission_groups()
    assert groups[0].is_global
    assert {i.name for i in groups[0].models[0].items} >= {"core.view_audit", "core.manage_users"}
    labels = {g.label for g in groups}
    assert {"用户与权限", "组织体系"} <= labels
    names = {p.name for g in groups for m in g.models for p in m.items}
    assert "orgs.move_orgunit" in names  # a custom workflow permission
    assert not any(
        n.startswith(("auth.", "core.add_notification", "core.view_share")) for n in names
    )


def test_create_role(login, sysadmin):
    data = {
        "code": "street-clerk",
        "name": "街道文员",
        "description": "录入",
        "permissions": [pk("orgs.view_orgunit"), pk("accounts.view_user")],
    }
    response = login(sysadmin).post(ROLE_CREATE, data)
    role = Role.objects.get(code="street-clerk")
    assert response.url == role.get_absolute_url()
    assert role_permission_names([role]) == {"orgs.view_orgunit", "accounts.view_user"}
    assert not role.is_builtin
    [event] = AuditEvent.objects.filter(action="create", object_type="accounts.role")
    assert event.after["permissions"] == ["accounts.view_user", "orgs.view_orgunit"]


def test_failed_role_form_keeps_ticks(login, sysadmin):
    data = {"code": "Bad Code", "name": "系统管理员", "permissions": [pk("orgs.view_orgunit")]}
    response = login(sysadmin).post(ROLE_CREATE, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f'value="{pk("orgs.view_orgunit")}" title="查看组织单位" aria-label="查看组织单位" checked'
        in page
    )
    assert 'value="Bad Code"' in page


def test_update_role_records_permission_changes(login, sysadmin, security_events):
    role = RoleFactory(name="文员")
    role.permissions.set([permission("orgs.view_orgunit")])
    data = {"name": "文员", "description": "", "permissions": [pk("accounts.view_user")]}
    response = login(sysadmin).post(reverse("accounts:role_update", args=[role.pk]), data)
    assert response.status_code == 302
    assert role_permission_names([role]) == {"accounts.view_user"}
    [event] = security_events("role_permission_change")
    assert event.before == {"permissions": ["orgs.view_orgunit"]}
    assert event.after == {"permissions": ["accounts.view_user"]}


def test_role_editor_without_manage_users_cannot_grant_what_she_lacks(login, tree):
    editor = user_with_role(tree.city, "grid_worker", username="editor")
    grant(editor, "accounts.view_role", "accounts.change_role")
    role = RoleFactory(name="文员")
    data = {"name": "文员", "permissions": [pk("core.view_sensitive")]}
    response = login(editor).post(reverse("accounts:role_update", args=[role.pk]), data)
    assert response.status_code == 200
    assert "未持有的权限" in response.content.decode()
    assert not role.permissions.exists()
    data = {"name": "文员", "permissions": [pk("orgs.view_orgunit")]}
    assert (
        login(editor).post(reverse("accounts:role_update", args=[role.pk]), data).status_code == 302
    )


def test_a_role_may_not_mix_user_management_and_audit(login, sysadmin, auditor):
    data = {
        "code": "super",
        "name": "超级",
        "permissions": [pk("core.manage_users"), pk("core.view_audit")],
    }
    response = login(sysadmin).post(ROLE_CREATE, data)
    assert "三权分立" in response.content.decode()
    assert not Role.objects.filter(code="super").exists()
    # Nor may a role gain a permission that clashes with another role of one of its holders.
    audit_role = Role.objects.get(code="auditor")
    extra = RoleFactory(name="附加")
    auditor.roles.add(extra)
    data = {"name": "附加", "permissions": [pk("core.manage_users")]}
    response = login(sysadmin).post(reverse("accounts:role_update", args=[extra.pk]), data)
    assert "三权分立" in response.content.decode()
    assert audit_role.users.filter(pk=auditor.pk).exists()
    assert not extra.permissions.exists()


def test_delete_only_unused_custom_roles(login, sysadmin, community_chair):
    client = login(sysadmin)
    builtin = Role.objects.get(code="grid_worker")
    response = client.post(reverse("accounts:role_delete", args=[builtin.pk]))
    assert Role.objects.filter(pk=builtin.pk).exists()
    assert "系统内置角色不能删除" in client.get(response.url).content.decode()
    used = RoleFactory()
    community_chair.roles.add(used)
    client.post(reverse("accounts:role_delete", args=[used.pk]))
    assert Role.objects.filter(pk=used.pk).exists()
    unused = RoleFactory()
    response = client.post(reverse("accounts:role_delete", args=[unused.pk]))
    assert response.url == ROLE_LIST
    assert not Role.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="accounts.role").count() == 1


def test_assignable_permissions_are_jinguos_own():
    from django.apps import apps

    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("jinguo.")}
    labels = set(assignable_permissions().values_list("content_type__app_label", flat=True))
    assert {"core", "orgs", "accounts"} <= labels <= ours


# --- sync_default_roles ---------------------------------------------------------------------


def test_sync_default_roles_creates_missing_and_resets(security_events):
    Role.objects.get(code="partner").delete()
    grid = Role.objects.get(code="grid_worker")
    grid.permissions.add(permission("core.export"))
    out = StringIO()
    call_command("sync_default_roles", stdout=out)
    assert Role.objects.filter(code="partner", is_builtin=True).exists()
    assert "core.export" in perms_of("grid_worker")
    call_command("sync_default_roles", "--reset", stdout=out)
    shipped = next(r for r in default_roles() if r["code"] == "grid_worker")["permissions"]
    assert perms_of("grid_worker") == set(shipped)
    assert "core.export" not in shipped
    first, second = security_events("roles_synced")
    assert first.detail["created"] == ["partner"]
    assert second.detail["reset"]


def test_edit_form_starts_from_the_current_values(login, sysadmin):
    role = Role.objects.get(code="rights_officer")
    page = login(sysadmin).get(reverse("accounts:role_update", args=[role.pk])).content.decode()
    assert 'value="维权干部"' in page
    assert f'value="{pk("core.reveal_pii")}" checked' in page
    assert f'value="{pk("core.view_audit")}" checked' not in page


def test_an_upgrade_adds_newly_shipped_permissions_but_not_removed_ones():
    from jinguo.accounts.services import ensure_default_roles

    role = Role.objects.get(code="grid_worker")
    # An administrator removed one default permission; then an upgrade ships a new one.
    role.permissions.remove(permission("people.add_visit"))
    role.permissions.remove(permission("people.view_visit"))
    role.shipped_permissions = [p for p in role.shipped_permissions if p != "people.view_visit"]
    role.save(update_fields=["shipped_permissions"])
    ensure_default_roles()
    assert "people.view_visit" in perms_of("grid_worker")  # newly shipped: added
    assert "people.add_visit" not in perms_of("grid_worker")  # removed by her: stays away
