"""Password policy, lockout and the security events around signing in and out."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from jinguo.accounts.models import LoginFailure, User
from jinguo.accounts.passwords import generate_password

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def messages_of(password, username="chair_fangcao"):
    with translation.override("zh-hans"):
        try:
            validate_password(password, user=User(username=username))
        except ValidationError as exc:
            return " ".join(exc.messages)
    return ""


# --- password policy -------------------------------------------------------------------------


def test_password_shorter_than_eight_characters_is_refused_in_chinese():
    assert "密码长度太短。密码必须包含至少 8 个字符。" in messages_of("Ab#1xyz")


def test_password_needs_three_of_four_character_classes():
    assert "至少三类" in messages_of("abcdefghij")
    assert "至少三类" in messages_of("abcdefgh12")
    assert messages_of("abcdefg#12") == ""
    assert messages_of("ABCDEFG#12") == ""
    assert messages_of("Abcdefgh12") == ""


def test_password_may_not_contain_the_username():
    assert "密码不能包含用户名" in messages_of("Chair_Fangcao#1")


def test_common_password_is_refused_in_chinese():
    assert "这个密码太常见了" in messages_of("Password1!")


def test_generated_passwords_satisfy_the_policy():
    user = User(username="li")
    for _i in range(50):
        password = generate_password(user=user)
        assert len(password) == 12
        validate_password(password, user=user)


# --- lockout ---------------------------------------------------------------------------------


def attempt(client, username, password="wrong-Password#1"):
    return client.post(LOGIN, {"username": username, "password": password})


def errors_of(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_wrong_password_is_refused_and_recorded_without_the_password(
    client, community_chair, security_events
):
    response = attempt(client, "chair_fangcao", "Secret#Typed99")
    assert response.status_code == 200
    assert "用户名或密码错误" in errors_of(response)
    assert LoginFailure.objects.filter(username="chair_fangcao", ip="127.0.0.1").count() == 1
    [event] = security_events("login_failed")
    assert event.username == "chair_fangcao"
    assert event.user_id is None
    assert event.object_id == str(community_chair.pk)
    assert event.ip == "127.0.0.1"
    assert "Secret#Typed99" not in str(event.detail) + str(event.before) + str(event.after)


@override_settings(JINGUO_LOCKOUT_FAILURES=5, JINGUO_LOCKOUT_MINUTES=5)
def test_five_failures_lock_the_username_even_with_the_right_password(
    client, community_chair, password, security_events
):
    for _i in range(5):
        attempt(client, "chair_fangcao")
    response = attempt(client, "chair_fangcao", password)
    assert "_auth_user_id" not in client.session
    message = errors_of(response)
    assert "登录失败次数过多" in message
    assert "5 分钟后再试" in message
    # Refused attempts are not counted again: the lock ends five minutes after the fifth.
    assert LoginFailure.objects.count() == 5
    # The same five failures came from one address, so both the name and the address lock.
    locks = {e.detail["scope"]: e for e in security_events("lockout")}
    assert set(locks) == {"username", "ip"}
    assert locks["username"].object_id == str(community_chair.pk)
    assert locks["ip"].object_id == ""


def test_lockout_message_is_the_same_for_an_unknown_username(client, tree):
    for _i in range(5):
        attempt(client, "no_such_user")
    response = attempt(client, "no_such_user")
    assert "登录失败次数过多" in errors_of(response)
    assert "不存在" not in errors_of(response)


def test_lockout_counts_the_username_whatever_its_case(client, community_chair):
    names = ["CHAIR_FANGCAO", "Chair_Fangcao", "chair_fangcao", "chair_FANGCAO", "CHAIR_fangcao"]
    for i, name in enumerate(names):
        attempt(Client(REMOTE_ADDR=f"10.0.0.{i + 1}"), name)
    response = attempt(client, "chair_fangcao")
    assert "登录失败次数过多" in errors_of(response)


def test_five_failures_from_one_address_lock_that_address(
    tree, community_chair, password, security_events
):
    office = Client(REMOTE_ADDR="10.1.1.1")
    for i in range(5):
        attempt(office, f"guess{i}")
    response = attempt(office, "chair_fangcao", password)
    assert "登录失败次数过多" in errors_of(response)
    assert [e.detail["scope"] for e in security_events("lockout")] == ["ip"]
    # Another address is not affected.
    elsewhere = Client(REMOTE_ADDR="10.1.1.2")
    assert attempt(elsewhere, "chair_fangcao", password).status_code == 302


def test_the_lock_lifts_after_the_lockout_minutes(client, community_chair, password):
    for _i in range(5):
        attempt(client, "chair_fangcao")
    assert "登录失败次数过多" in errors_of(attempt(client, "chair_fangcao", password))
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=5, seconds=1))
    response = attempt(client, "chair_fangcao", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(community_chair.pk)


def test_remaining_minutes_are_rounded_up(client, community_chair):
    for _i in range(5):
        attempt(client, "chair_fangcao")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=3, seconds=30))
    assert "2 分钟后再试" in errors_of(attempt(client, "chair_fangcao"))


def test_failures_older_than_the_window_do_not_count(client, community_chair):
    for _i in range(4):
        attempt(client, "chair_fangcao")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=6))
    attempt(client, "chair_fangcao")
    response = attempt(client, "chair_fangcao")
    assert "用户名或密码错误" in errors_of(response)


def test_successful_login_clears_the_usernames_failures(
    client, community_chair, password, security_events
):
    for _i in range(4):
        attempt(client, "chair_fangcao")
    response = attempt(client, "chair_fangcao", password)
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="chair_fangcao").exists()
    [event] = security_events("login")
    assert event.user_id == community_chair.pk
    assert event.detail["channel"] == "web"
    community_chair.refresh_from_db()
    assert community_chair.last_login is not None


def test_inactive_account_gets_the_same_answer_as_a_wrong_password(
    client, community_chair, password
):
    User.objects.filter(pk=community_chair.pk).update(is_active=False)
    response = attempt(client, "chair_fangcao", password)
    assert "用户名或密码错误" in errors_of(response)


def test_logout_is_recorded(client, community_chair, password, security_events):
    client.post(LOGIN, {"username": "chair_fangcao", "password": password})
    client.post(reverse("accounts:logout"))
    [event] = security_events("logout")
    assert event.user_id == community_chair.pk
    assert event.detail["reason"] == "user"


def test_login_form_keeps_the_typed_username(client, tree):
    response = attempt(client, "zhang_typed")
    assert 'value="zhang_typed"' in response.content.decode()
