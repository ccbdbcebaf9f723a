"""The accounts API: users, me, and the token endpoint with its lockout."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from jinguo.accounts.models import LoginFailure, Role, User
from jinguo.testing.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

TOKEN = reverse("accounts-token")
ME = reverse("accounts-me")
USERS = reverse("user-list")
PHONE = "13912345678"


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


# --- users ----------------------------------------------------------------------------------


def test_user_list_is_scoped_and_masked(api_client, tree, district_officer):
    mine = UserFactory(home_unit=tree.community_a, phone=PHONE)
    other = UserFactory(home_unit=tree.community_b)
    rows = as_user(api_client, district_officer).get(USERS).json()["results"]
    ids = {row["id"] for row in rows}
    assert mine.pk in ids and other.pk not in ids
    row = next(r for r in rows if r["id"] == mine.pk)
    assert row["phone"] == "139****5678"
    assert PHONE not in str(rows)
    assert "password" not in row


def test_user_list_shares_the_ui_filters(api_client, tree, sysadmin, community_chair):
    rows = as_user(api_client, sysadmin).get(USERS, {"q": "李芳"}).json()["results"]
    assert [r["username"] for r in rows] == ["chair_fangcao"]


def test_create_user_through_the_api(api_client, tree, sysadmin, security_events):
    data = {
        "username": "api_user",
        "real_name": "接口用户",
        "phone": PHONE,
        "home_unit": tree.community_a.pk,
        "roles": ["grid_worker"],
    }
    response = as_user(api_client, sysadmin).post(USERS, data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    user = User.objects.get(username="api_user")
    assert user.check_password(body["initial_password"])
    assert user.must_change_password
    assert body["phone"] == "139****5678"
    assert body["roles"] == ["grid_worker"]
    assert security_events("role_change")[0].after == {"roles": ["grid_worker"]}


def test_create_user_needs_manage_users(api_client, tree, district_officer):
    grant(district_officer, "accounts.add_user")
    data = {"username": "x1", "real_name": "某", "home_unit": tree.community_a.pk}
    response = as_user(api_client, district_officer).post(USERS, data, format="json")
    assert response.status_code == 403
    assert not User.objects.filter(username="x1").exists()


def test_create_user_validation_is_chinese(api_client, tree, sysadmin, community_chair):
    data = {
        "username": "chair_fangcao",
        "real_name": "某",
        "home_unit": tree.community_a.pk,
        "phone": "123",
        "password": "short",
    }
    response = as_user(api_client, sysadmin).post(USERS, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "请输入正确的手机号" in str(body["phone"])


def test_update_user_through_the_api(api_client, sysadmin, community_chair, security_events):
    url = reverse("user-detail", args=[community_chair.pk])
    response = as_user(api_client, sysadmin).patch(
        url, {"title": "主席", "roles": ["community_chair", "grid_worker"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    community_chair.refresh_from_db()
    assert community_chair.title == "主席"
    assert security_events("role_change")[0].after == {"roles": ["community_chair", "grid_worker"]}
    response = api_client.patch(url, {"roles": ["sysadmin", "auditor"]}, format="json")
    assert response.status_code == 400
    assert "三权分立" in str(response.json())


def test_users_cannot_be_deleted_through_the_api(api_client, sysadmin, community_chair):
    url = reverse("user-detail", args=[community_chair.pk])
    assert as_user(api_client, sysadmin).delete(url).status_code == 405


def test_me(api_client, community_chair):
    body = as_user(api_client, community_chair).get(ME).json()
    assert body["username"] == "chair_fangcao"
    assert body["home_unit"]["name"] == "芳草社区妇联"
    assert body["roles"] == [
        {
            "id": Role.objects.get(code="community_chair").pk,
            "code": "community_chair",
            "name": "社区妇联主席/执委",
        }
    ]
    assert "orgs.view_orgunit" in body["permissions"]


# --- token ----------------------------------------------------------------------------------


def test_token_for_a_good_password(api_client, community_chair, password, security_events):
    LoginFailure.objects.create(username="chair_fangcao", ip="127.0.0.1")
    LoginFailure.objects.create(username="chair_fangcao", ip="10.9.9.9")
    response = api_client.post(TOKEN, {"username": "chair_fangcao", "password": password})
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=community_chair).key == key
    assert response.json()["user"]["username"] == "chair_fangcao"
    # Only the failures from the address that has now signed in are cleared.
    assert list(LoginFailure.objects.values_list("ip", flat=True)) == ["10.9.9.9"]
    [event] = security_events("login")
    assert event.detail["channel"] == "api"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(ME).json()["username"] == "chair_fangcao"


def test_token_refused_for_a_wrong_password(api_client, community_chair, security_events):
    response = api_client.post(TOKEN, {"username": "chair_fangcao", "password": "Wrong#123x"})
    assert response.status_code == 400
    assert response.json()["detail"] == "用户名或密码错误。"
    [event] = security_events("login_failed")
    assert event.detail["channel"] == "api"
    assert "Wrong#123x" not in str(event.detail)


def test_token_endpoint_shares_the_lockout(client, api_client, community_chair, password):
    for _i in range(3):
        client.post(reverse("accounts:login"), {"username": "chair_fangcao", "password": "bad"})
    for _i in range(2):
        api_client.post(TOKEN, {"username": "chair_fangcao", "password": "bad"})
    response = api_client.post(TOKEN, {"username": "chair_fangcao", "password": password})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 300
    assert not Token.objects.exists()
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=6))
    assert (
        api_client.post(TOKEN, {"username": "chair_fangcao", "password": password}).status_code
        == 200
    )


def test_token_refused_until_the_initial_password_is_changed(
    api_client, community_chair, password, security_events
):
    User.objects.filter(pk=community_chair.pk).update(must_change_password=True)
    response = api_client.post(TOKEN, {"username": "chair_fangcao", "password": password})
    assert response.status_code == 403
    assert "修改初始密码" in response.json()["detail"]
    assert not Token.objects.exists()
    assert len(security_events("token_refused")) == 1
    assert security_events("login") == []


def test_schema_documents_the_accounts_api(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/accounts/users/", "/api/accounts/me/", "/api/accounts/token/"} <= set(paths)
    assert "429" in paths["/api/accounts/token/"]["post"]["responses"]
