"""Idle logout, forced password change and the password change itself."""

import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from jinguo.accounts.middleware import LAST_SEEN_KEY, PASSIVE_HEADER
from jinguo.accounts.models import User

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
LOGIN = reverse("accounts:login")
PASSWORD_CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "Xin#Mima2027"


def set_last_seen(client, seconds_ago: int):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds_ago
    session.save()


# --- idle logout ----------------------------------------------------------------------------


@override_settings(JINGUO_IDLE_TIMEOUT_MINUTES=30)
def test_idle_session_is_logged_out_with_a_message(login, community_chair, security_events):
    client = login(community_chair)
    assert client.get(HOME).status_code == 200
    set_last_seen(client, 31 * 60)
    response = client.get(reverse("core:notification_list") + "?unread=1")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=%2Fnotifications%2F%3Funread%3D1" in response.url
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "长时间未操作，已自动退出" in page
    [event] = security_events("logout")
    assert event.user_id == community_chair.pk
    assert event.detail["reason"] == "idle"


@override_settings(JINGUO_IDLE_TIMEOUT_MINUTES=30)
def test_active_session_stays_and_the_clock_restarts(login, community_chair):
    client = login(community_chair)
    client.get(HOME)
    set_last_seen(client, 29 * 60)
    assert client.get(HOME).status_code == 200
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 5


@override_settings(JINGUO_IDLE_TIMEOUT_MINUTES=30)
def test_htmx_request_gets_a_full_page_redirect(login, community_chair):
    client = login(community_chair)
    client.get(HOME)
    set_last_seen(client, 31 * 60)
    response = client.get(
        HOME, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/accounts/users/"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(LOGIN)
    assert "next=%2Faccounts%2Fusers%2F" in response["HX-Redirect"]
    assert "_auth_user_id" not in client.session


@override_settings(JINGUO_IDLE_TIMEOUT_MINUTES=30)
def test_passive_requests_do_not_keep_a_session_alive(login, community_chair):
    client = login(community_chair)
    client.get(HOME)
    set_last_seen(client, 10 * 60)
    before = client.session[LAST_SEEN_KEY]
    client.get(HOME, headers={PASSIVE_HEADER: "1"})
    assert client.session[LAST_SEEN_KEY] == before


# --- forced password change -----------------------------------------------------------------


@pytest.fixture
def newcomer(community_chair):
    User.objects.filter(pk=community_chair.pk).update(must_change_password=True)
    community_chair.refresh_from_db()
    return community_chair


def test_must_change_password_redirects_every_page(login, newcomer):
    client = login(newcomer)
    for url in [HOME, reverse("accounts:user_list"), reverse("accounts:user_detail", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == PASSWORD_CHANGE
    htmx = client.get(HOME, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == PASSWORD_CHANGE


def test_password_change_logout_and_static_stay_reachable(login, newcomer):
    client = login(newcomer)
    page = client.get(PASSWORD_CHANGE)
    assert page.status_code == 200
    assert "须先修改密码" in page.content.decode()
    assert client.get("/static/core/jinguo.css").status_code in (200, 404)
    assert client.get("/static/core/jinguo.css").status_code != 302
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


def test_api_requests_get_403_with_a_chinese_detail(login, newcomer, api_client):
    client = login(newcomer)
    response = client.get(reverse("accounts-me"))
    assert response.status_code == 403
    assert "修改初始密码" in response.json()["detail"]
    token = Token.objects.create(user=newcomer)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get(reverse("user-list"))
    assert response.status_code == 403
    assert "修改初始密码" in response.json()["detail"]


def test_password_change_releases_the_account(login, newcomer, password, security_events):
    client = login(newcomer)
    Token.objects.create(user=newcomer)
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == HOME
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert newcomer.password_changed_at is not None
    assert newcomer.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=newcomer).exists()
    [event] = security_events("password_change")
    assert event.user_id == newcomer.pk
    assert event.detail["forced"] is True
    assert NEW_PASSWORD not in str(event.detail) + str(event.after)
    # This session stays signed in and can work again.
    page = client.get(HOME)
    assert page.status_code == 200
    assert "其他设备上的登录已失效" in page.content.decode()


def test_password_change_signs_out_the_other_sessions(community_chair, password):
    here, elsewhere = Client(), Client()
    assert here.login(username="chair_fangcao", password=password)
    assert elsewhere.login(username="chair_fangcao", password=password)
    assert elsewhere.get(HOME).status_code == 200
    here.post(
        PASSWORD_CHANGE,
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert here.get(HOME).status_code == 200
    response = elsewhere.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_password_change_errors_are_chinese_and_nothing_changes(login, newcomer, password):
    client = login(newcomer)
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": password, "new_password1": "abc", "new_password2": "abc"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "密码长度太短" in text
    assert "至少三类" in text
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": password, "new_password1": password, "new_password2": password},
    )
    assert "新密码不能与当前密码相同" in response.content.decode()
    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": "Wrong#Old123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert "旧密码不正确" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password
    assert newcomer.check_password(password)
