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
def test_five_failures_lock_the_username_on_that_address_even_with_the_right_password(
    client, community_chair, password, security_events
):
    for _i in range(5):
        attempt(client, "chair_fangcao")
    response = attempt(client, "chair_fangcao", password)
    assert "_auth_user_id" not in client.session
    message = errors_of(response)
    assert "登录失败次数过多" in message
    assert "该用户名在当前网络地址连续登录失败" in message
    assert "5 分钟后再试" in message
    # Refused attempts are not counted again: the lock ends five minutes after the fifth.
    assert LoginFailure.objects.count() == 5
    [lock] = security_events("lockout")
    assert lock.detail["scope"] == "account"
    assert lock.detail["minutes"] == 5
    assert lock.object_id == str(community_chair.pk)
    assert lock.ip == "127.0.0.1"
    assert security_events("address_throttle") == []


def test_the_lock_message_says_when_to_retry(client, community_chair):
    for _i in range(5):
        attempt(client, "chair_fangcao")
    until = timezone.localtime(timezone.now() + timedelta(minutes=5)).strftime("%H:%M")
    assert f"约 {until} 解除" in errors_of(attempt(client, "chair_fangcao"))


def test_lockout_message_is_the_same_for_an_unknown_username(client, tree):
    for _i in range(5):
        attempt(client, "no_such_user")
    response = attempt(client, "no_such_user")
    assert "登录失败次数过多" in errors_of(response)
    assert "不存在" not in errors_of(response)
    assert errors_of(response).replace("no_such_user", "") == errors_of(
        attempt(client, "no_such_user")
    )


def test_lockout_counts_the_username_whatever_its_case(client, community_chair):
    names = ["CHAIR_FANGCAO", "Chair_Fangcao", "chair_fangcao", "chair_FANGCAO", "CHAIR_fangcao"]
    for name in names:
        attempt(client, name)
    response = attempt(client, "chair_fangcao")
    assert "登录失败次数过多" in errors_of(response)


def test_a_colleague_behind_the_same_address_is_not_locked_out(
    tree, community_chair, password, security_events
):
    """A district office sits behind one address: one mistyping colleague locks only herself."""
    office = Client(REMOTE_ADDR="10.1.1.1")
    for _i in range(5):
        attempt(office, "zhang_mistypes")
    assert "登录失败次数过多" in errors_of(attempt(office, "zhang_mistypes"))
    assert attempt(office, "chair_fangcao", password).status_code == 302
    [lock] = security_events("lockout")
    assert lock.username == "zhang_mistypes"


def test_a_name_locked_on_one_address_may_sign_in_from_another(tree, community_chair, password):
    for _i in range(5):
        attempt(Client(REMOTE_ADDR="10.1.1.1"), "chair_fangcao")
    assert attempt(Client(REMOTE_ADDR="10.1.1.2"), "chair_fangcao", password).status_code == 302


def test_an_address_trying_many_names_is_throttled_for_everyone_on_it(
    tree, community_chair, password, security_events
):
    """50 failures over 10 usernames within 15 minutes (the defaults) throttle the address."""
    office = Client(REMOTE_ADDR="10.1.1.1")
    for i in range(10):
        for _j in range(5):
            attempt(office, f"guess{i}")
    response = attempt(office, "chair_fangcao", password)
    assert "_auth_user_id" not in office.session
    message = errors_of(response)
    assert "当前网络地址在短时间内用多个用户名登录失败" in message
    assert "15 分钟后再试" in message
    [event] = security_events("address_throttle")
    assert event.ip == "10.1.1.1"
    assert event.detail == {"scope": "address", "failures": 50, "accounts": 10, "minutes": 15}
    assert len(security_events("lockout")) == 10
    # Another address is not affected.
    assert attempt(Client(REMOTE_ADDR="10.1.1.2"), "chair_fangcao", password).status_code == 302


def test_the_address_throttle_needs_both_the_rate_and_many_names(tree, community_chair, password):
    now = timezone.now()
    # 60 failures, but of 9 names (each behind its own account lock): not someone trying names.
    LoginFailure.objects.bulk_create(
        LoginFailure(username=f"user{i % 9}", ip="10.1.1.1", at=now) for i in range(60)
    )
    office = Client(REMOTE_ADDR="10.1.1.1")
    assert attempt(office, "chair_fangcao", password).status_code == 302
    # 49 failures over 20 names: below the rate.
    LoginFailure.objects.all().delete()
    LoginFailure.objects.bulk_create(
        LoginFailure(username=f"user{i % 20}", ip="10.1.1.3", at=now) for i in range(49)
    )
    assert attempt(Client(REMOTE_ADDR="10.1.1.3"), "chair_fangcao", password).status_code == 302


def test_the_address_throttle_lifts_when_the_failures_age_out(tree, community_chair, password):
    old = timezone.now() - timedelta(minutes=15, seconds=1)
    LoginFailure.objects.bulk_create(
        LoginFailure(username=f"user{i % 20}", ip="10.1.1.1", at=old) for i in range(60)
    )
    assert attempt(Client(REMOTE_ADDR="10.1.1.1"), "chair_fangcao", password).status_code == 302


@override_settings(
    JINGUO_ADDRESS_THROTTLE_FAILURES=6,
    JINGUO_ADDRESS_THROTTLE_ACCOUNTS=3,
    JINGUO_ADDRESS_THROTTLE_MINUTES=10,
)
def test_the_address_throttle_follows_its_settings(tree, community_chair, password):
    office = Client(REMOTE_ADDR="10.1.1.1")
    for i in range(6):
        attempt(office, f"guess{i % 3}")
    assert "10 分钟后再试" in errors_of(attempt(office, "chair_fangcao", password))


def test_lock_and_throttle_have_chinese_labels_in_the_audit_trail():
    from jinguo.core.audit import action_label

    assert action_label("lockout") == "账号锁定"
    assert action_label("address_throttle") == "来源地址限制登录"


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


def test_successful_login_clears_the_usernames_failures_from_that_address(
    client, community_chair, password, security_events
):
    for _i in range(4):
        attempt(client, "chair_fangcao")
    for _i in range(5):
        attempt(Client(REMOTE_ADDR="10.6.6.6"), "chair_fangcao")
    response = attempt(client, "chair_fangcao", password)
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="chair_fangcao", ip="127.0.0.1").exists()
    # Whoever earned the lock elsewhere keeps it: signing in here does not lift it.
    locked = attempt(Client(REMOTE_ADDR="10.6.6.6"), "chair_fangcao", password)
    assert "登录失败次数过多" in errors_of(locked)
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
