"""Managing accounts in the UI: list, detail, create, edit, deactivate, password reset."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from jinguo.accounts.models import Role, User
from jinguo.core import crypto
from jinguo.core.models import AuditEvent
from jinguo.testing.factories import UserFactory, grant, user_with_role

pytestmark = pytest.mark.django_db

USER_LIST = reverse("accounts:user_list")
USER_CREATE = reverse("accounts:user_create")
PHONE = "13912345678"


def role(code):
    return Role.objects.get(code=code)


def detail(user):
    return reverse("accounts:user_detail", args=[user.pk])


def update(user):
    return reverse("accounts:user_update", args=[user.pk])


def create_data(unit, **extra):
    data = {"username": "wang_xin", "real_name": "王新", "phone": PHONE, "home_unit": unit.pk}
    data.update(extra)
    return data


def update_data(user, **extra):
    data = {
        "real_name": user.real_name,
        "title": user.title,
        "home_unit": user.home_unit_id,
        "roles": [r.pk for r in user.roles.all()],
        "is_active": "on" if user.is_active else "",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v != ""}


# --- list -----------------------------------------------------------------------------------


def test_list_shows_scoped_users_with_masked_phones(login, tree, district_officer, community_chair):
    UserFactory(home_unit=tree.community_a, username="phone_owner", phone=PHONE)
    outsider = UserFactory(home_unit=tree.community_b, username="outsider")
    page = login(district_officer).get(USER_LIST).content.decode()
    assert "phone_owner" in page
    assert "139****5678" in page
    assert PHONE not in page
    assert "chair_fangcao" in page
    assert outsider.username not in page
    assert "维权干部" in page  # roles column


def test_list_filters(login, tree, sysadmin, community_chair, district_officer):
    UserFactory(home_unit=tree.community_b, username="taoli_user", real_name="桃李用户")
    UserFactory(home_unit=tree.community_a, username="retired", is_active=False)
    UserFactory(home_unit=tree.community_a, username="by_phone", phone=PHONE)
    client = login(sysadmin)

    def usernames(**params):
        response = client.get(USER_LIST, params)
        return {u.username for u in response.context["table"].data}

    assert usernames(q="桃李") == {"taoli_user"}
    assert usernames(q="CHAIR") == {"chair_fangcao"}
    assert usernames(q="139 1234 5678") == {"by_phone"}
    assert usernames(unit=tree.district_a.pk) == {
        "officer_heping",
        "chair_fangcao",
        "retired",
        "by_phone",
    }
    assert usernames(role=role("rights_officer").pk) == {"officer_heping"}
    assert "retired" not in usernames(active="1")
    assert usernames(active="0") == {"retired"}


def test_unit_filter_offers_only_units_in_scope(login, tree, district_officer):
    outsider = UserFactory(home_unit=tree.community_b)
    response = login(district_officer).get(USER_LIST)
    choices = set(response.context["filter"].form.fields["unit"].queryset)
    assert tree.community_a in choices
    assert tree.community_b not in choices
    assert tree.city not in choices
    response = login(district_officer).get(USER_LIST, {"unit": tree.community_b.pk})
    assert "unit" in response.context["filter"].form.errors
    assert outsider not in list(response.context["table"].data)


def test_list_needs_view_user(login, nobody):
    assert login(nobody).get(USER_LIST).status_code == 403


def test_list_query_count_does_not_grow_with_rows(
    login, tree, sysadmin, django_assert_max_num_queries
):
    client = login(sysadmin)
    client.get(USER_LIST)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(USER_LIST)
    for i in range(15):
        user_with_role(tree.community_a2, "grid_worker", username=f"grid{i}")
    with django_assert_max_num_queries(len(few)):
        client.get(USER_LIST)


def test_create_button_needs_manage_users(login, sysadmin, district_officer):
    assert USER_CREATE in login(sysadmin).get(USER_LIST).content.decode()
    grant(district_officer, "accounts.add_user")
    assert USER_CREATE not in login(district_officer).get(USER_LIST).content.decode()


def test_export_is_masked(login, tree, district_officer):
    from io import BytesIO

    from openpyxl import load_workbook

    UserFactory(home_unit=tree.community_a, username="phone_owner", phone=PHONE)
    response = login(district_officer).get(USER_LIST, {"export": "xlsx"})
    assert response.status_code == 200
    cells = [str(c.value) for row in load_workbook(BytesIO(response.content)).active for c in row]
    assert "139****5678" in cells
    assert PHONE not in " ".join(cells)


# --- detail ---------------------------------------------------------------------------------


def test_detail_shows_roles_and_unit(login, district_officer, community_chair):
    page = login(district_officer).get(detail(community_chair)).content.decode()
    assert "芳草社区妇联" in page
    assert "社区妇联主席/执委" in page
    assert "安全事件" not in page


def test_detail_shows_security_events_only_to_audit_readers(
    login, client, tree, district_officer, community_chair, password
):
    Client().post(reverse("accounts:login"), {"username": "chair_fangcao", "password": "x"})
    grant(district_officer, "core.view_audit")
    page = login(district_officer).get(detail(community_chair)).content.decode()
    assert 'data-testid="security-events"' in page
    assert "登录失败" in page


def test_out_of_scope_user_is_404(login, other_district_officer, community_chair):
    client = login(other_district_officer)
    assert client.get(detail(community_chair)).status_code == 404
    grant(other_district_officer, "accounts.change_user", "core.manage_users")
    for name in ["user_update", "user_deactivate", "user_password_reset"]:
        url = reverse(f"accounts:{name}", args=[community_chair.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code == 404, name


# --- create ---------------------------------------------------------------------------------


def test_create_with_generated_password_shown_once(login, tree, sysadmin, security_events):
    client = login(sysadmin)
    data = create_data(tree.community_a, roles=[role("grid_worker").pk], title="网格员")
    response = client.post(USER_CREATE, data)
    user = User.objects.get(username="wang_xin")
    assert response.status_code == 302
    assert response.url == detail(user)
    assert user.must_change_password
    assert user.home_unit == tree.community_a
    assert user.phone == PHONE
    page = client.get(response.url)
    shown = page.context["temporary_password"]
    assert shown and user.check_password(shown)
    assert shown in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert shown not in client.get(response.url).content.decode()
    [created] = AuditEvent.objects.filter(action="create", object_type="accounts.user")
    assert crypto.is_encrypted(created.after["phone"])
    assert PHONE not in str(created.after)
    assert created.after["roles"] == ["grid_worker"]
    [change] = security_events("role_change")
    assert (change.before, change.after) == ({"roles": []}, {"roles": ["grid_worker"]})


def test_create_with_a_typed_password(login, tree, sysadmin):
    client = login(sysadmin)
    data = create_data(tree.community_a, password="Chu#Shi2026", password_confirm="Chu#Shi2026")
    response = client.post(USER_CREATE, data)
    user = User.objects.get(username="wang_xin")
    assert user.check_password("Chu#Shi2026")
    assert user.must_change_password
    assert client.get(response.url).context["temporary_password"] is None


def test_failed_create_keeps_what_was_typed(login, tree, sysadmin):
    client = login(sysadmin)
    data = create_data(
        tree.community_a,
        phone="12345",
        title="执委",
        roles=[role("grid_worker").pk],
        password="weak",
        password_confirm="weak",
    )
    response = client.post(USER_CREATE, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="wang_xin"' in page
    assert 'value="王新"' in page
    assert 'value="执委"' in page
    assert f'value="{role("grid_worker").pk}" checked' in page
    assert "请输入正确的手机号" in page
    assert "密码长度太短" in page
    assert not User.objects.filter(username="wang_xin").exists()


def test_create_refuses_a_taken_username_whatever_its_case(login, tree, sysadmin, community_chair):
    response = login(sysadmin).post(
        USER_CREATE, create_data(tree.community_a, username="Chair_Fangcao")
    )
    assert "该用户名已被使用" in response.content.decode()


def test_create_needs_manage_users(login, tree, district_officer):
    grant(district_officer, "accounts.add_user")
    client = login(district_officer)
    assert client.get(USER_CREATE).status_code == 404
    assert client.post(USER_CREATE, create_data(tree.community_a)).status_code == 404


def test_create_offers_only_units_in_the_creators_subtree(login, tree):
    admin = user_with_role(tree.district_a, "sysadmin", username="admin_heping")
    form = login(admin).get(USER_CREATE).context["form"]
    units = set(form.fields["home_unit"].queryset)
    assert tree.community_a in units and tree.district_a in units
    assert tree.city not in units and tree.community_b not in units


# --- edit -----------------------------------------------------------------------------------


def test_edit_changes_details_and_roles_with_a_security_event(
    login, tree, sysadmin, community_chair, security_events
):
    data = update_data(
        community_chair,
        real_name="李芳芳",
        phone="13700001111",
        home_unit=tree.community_a2.pk,
        roles=[role("community_chair").pk, role("grid_worker").pk],
    )
    response = login(sysadmin).post(update(community_chair), data)
    assert response.status_code == 302
    community_chair.refresh_from_db()
    assert community_chair.real_name == "李芳芳"
    assert community_chair.phone == "13700001111"
    assert community_chair.org_path == tree.community_a2.path
    [event] = security_events("role_change")
    assert event.user_id == sysadmin.pk
    assert event.object_id == str(community_chair.pk)
    assert event.before == {"roles": ["community_chair"]}
    assert event.after == {"roles": ["community_chair", "grid_worker"]}
    [change] = AuditEvent.objects.filter(action="update", object_type="accounts.user")
    assert set(change.after) >= {"real_name", "phone", "home_unit_id", "org_path"}
    assert "13700001111" not in str(change.after)


def test_edit_form_does_not_reveal_the_phone(login, sysadmin, community_chair):
    User.objects.filter(pk=community_chair.pk).update()
    community_chair.phone = PHONE
    community_chair.save(update_fields=["phone"])
    page = login(sysadmin).get(update(community_chair)).content.decode()
    assert PHONE not in page
    assert "139****5678" in page
    # Leaving the field empty keeps the number.
    login(sysadmin).post(update(community_chair), update_data(community_chair))
    community_chair.refresh_from_db()
    assert community_chair.phone == PHONE
    login(sysadmin).post(update(community_chair), update_data(community_chair, clear_phone="on"))
    community_chair.refresh_from_db()
    assert community_chair.phone == ""


def test_without_manage_users_only_own_roles_can_be_given(login, tree, security_events):
    editor = user_with_role(tree.district_a, "rights_officer", username="editor")
    grant(editor, "accounts.view_user", "accounts.change_user", "orgs.view_orgunit")
    target = user_with_role(tree.community_a, "grid_worker", username="target")
    client = login(editor)
    form = client.get(update(target)).context["form"]
    offered = {r.code for r in form.fields["roles"].queryset}
    assert "rights_officer" in offered and "sysadmin" not in offered
    # Tampering with the POST to add a role the editor does not hold is refused.
    response = client.post(update(target), update_data(target, roles=[role("sysadmin").pk]))
    assert response.status_code == 200
    assert set(target.roles.values_list("code", flat=True)) == {"grid_worker"}
    # Giving her own role works, and roles she cannot touch stay.
    response = client.post(update(target), update_data(target, roles=[role("rights_officer").pk]))
    assert response.status_code == 302
    assert set(target.roles.values_list("code", flat=True)) == {"grid_worker", "rights_officer"}
    [event] = security_events("role_change")
    assert event.after == {"roles": ["grid_worker", "rights_officer"]}


def test_nobody_changes_her_own_roles_or_deactivates_herself(login, sysadmin):
    from jinguo.accounts import services

    client = login(sysadmin)
    form = client.get(update(sysadmin)).context["form"]
    assert "roles" not in form.fields and "is_active" not in form.fields
    with pytest.raises(Exception, match="自己"):
        services.user_update(actor=sysadmin, user=sysadmin, roles=[])
    with pytest.raises(Exception, match="自己"):
        services.user_set_active(actor=sysadmin, user=sysadmin, active=False)
    response = client.post(reverse("accounts:user_deactivate", args=[sysadmin.pk]), {"active": "0"})
    assert response.status_code == 302
    sysadmin.refresh_from_db()
    assert sysadmin.is_active
    assert "不能停用自己的账号" in client.get(detail(sysadmin)).content.decode()


def test_separation_of_duties_holds_for_accounts(login, sysadmin, community_chair):
    data = update_data(community_chair, roles=[role("sysadmin").pk, role("auditor").pk])
    response = login(sysadmin).post(update(community_chair), data)
    assert response.status_code == 200
    assert "三权分立" in response.content.decode()


def test_edit_cannot_move_a_user_out_of_scope(login, tree, community_chair):
    admin = user_with_role(tree.district_a, "sysadmin", username="admin_heping")
    data = update_data(community_chair, home_unit=tree.community_b.pk)
    response = login(admin).post(update(community_chair), data)
    assert response.status_code == 200
    community_chair.refresh_from_db()
    assert community_chair.home_unit == tree.community_a


# --- deactivate, reactivate, reset ----------------------------------------------------------


def test_deactivate_and_reactivate(login, sysadmin, community_chair, security_events):
    Token.objects.create(user=community_chair)
    chair_client = Client()
    chair_client.force_login(community_chair)
    client = login(sysadmin)
    url = reverse("accounts:user_deactivate", args=[community_chair.pk])
    assert "停用后该账号不能登录" in client.get(url).content.decode()
    assert client.post(url, {"active": "0"}).status_code == 302
    community_chair.refresh_from_db()
    assert not community_chair.is_active
    assert not Token.objects.filter(user=community_chair).exists()
    assert chair_client.get(reverse("core:home")).status_code == 302
    client.post(url, {"active": "1"})
    community_chair.refresh_from_db()
    assert community_chair.is_active
    actions = [e.action for e in AuditEvent.objects.filter(object_id=str(community_chair.pk))]
    assert "user_deactivate" in actions and "user_reactivate" in actions


def test_password_reset(login, sysadmin, community_chair, password, security_events):
    Token.objects.create(user=community_chair)
    chair_client = Client()
    assert chair_client.login(username="chair_fangcao", password=password)
    client = login(sysadmin)
    url = reverse("accounts:user_password_reset", args=[community_chair.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.url == detail(community_chair)
    temporary = client.get(response.url).context["temporary_password"]
    community_chair.refresh_from_db()
    assert community_chair.check_password(temporary)
    assert community_chair.must_change_password
    assert not Token.objects.filter(user=community_chair).exists()
    # Signed out everywhere.
    assert chair_client.get(reverse("core:home")).status_code == 302
    [event] = security_events("password_reset")
    assert event.user_id == sysadmin.pk and event.object_id == str(community_chair.pk)
    assert temporary not in str(event.detail)


def test_password_reset_needs_manage_users(login, tree, community_chair):
    editor = user_with_role(tree.district_a, "rights_officer", username="editor")
    grant(editor, "accounts.change_user")
    url = reverse("accounts:user_password_reset", args=[community_chair.pk])
    assert login(editor).post(url).status_code == 404
    assert not community_chair.must_change_password


def test_edit_form_starts_from_the_current_values(login, sysadmin, community_chair):
    community_chair.title = "主席"
    community_chair.save(update_fields=["title"])
    page = login(sysadmin).get(update(community_chair)).content.decode()
    assert 'value="李芳"' in page
    assert 'value="主席"' in page
    assert f'value="{role("community_chair").pk}" checked' in page
    assert f'<option value="{community_chair.home_unit_id}" selected>' in page


def test_without_manage_users_a_more_powerful_account_cannot_be_switched_off(login, tree):
    editor = user_with_role(tree.district_a, "grid_worker", username="editor")
    grant(editor, "accounts.view_user", "accounts.change_user")
    leader = user_with_role(tree.community_a, "leader", username="leader")
    peer = user_with_role(tree.community_a, "grid_worker", username="peer")
    client = login(editor)
    client.post(reverse("accounts:user_deactivate", args=[leader.pk]), {"active": "0"})
    leader.refresh_from_db()
    assert leader.is_active
    assert "您不能停用或启用它" in client.get(detail(leader)).content.decode()
    client.post(reverse("accounts:user_deactivate", args=[peer.pk]), {"active": "0"})
    peer.refresh_from_db()
    assert not peer.is_active
