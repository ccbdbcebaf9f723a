"""Two-factor login: TOTP authenticators (RFC 6238), recovery codes, enrolment, reset."""

import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from rest_framework.authtoken.models import Token

from jinguo.accounts import services, two_factor
from jinguo.accounts.models import LoginFailure, RecoveryCode, Role, TOTPDevice, User
from jinguo.accounts.pending import SESSION_KEY as PENDING_KEY
from jinguo.accounts.roles import ROLE_CODES
from jinguo.core.audit import action_label
from jinguo.testing.factories import user_with_role

from .two_factor_helpers import code_at, enrol, wait_out_the_back_off

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
ENROL = reverse("accounts:two_factor_enrol")
RECOVERY = reverse("accounts:recovery_codes")
ACCOUNT = reverse("accounts:password_change")
HOME = reverse("core:home")
TOKEN = reverse("accounts-token")

RFC_SECRET = b"12345678901234567890"
# RFC 6238 appendix B, SHA-1: (Unix time, 8-digit TOTP).
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


def password_step(client, user, password, next_url=None):
    data = {"username": user.username, "password": password}
    url = LOGIN if next_url is None else f"{LOGIN}?next={next_url}"
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def leader(tree):
    return user_with_role(tree.city, "leader", username="leader_city", real_name="周领导")


# --- the algorithm and the stored secret ----------------------------------------------------


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_rfc_6238_test_vectors(community_chair, at, expected):
    totp = TOTP(RFC_SECRET, 30, 0, 8, 0)
    totp.time = at
    assert f"{totp.token():08d}" == expected
    # The device shows the same value's last six digits (6 digits, 30 s, SHA-1).
    device = TOTPDevice.objects.create(user=community_chair, name="t", key=RFC_SECRET.hex())
    assert f"{device.totp(at).token():06d}" == expected[-6:]


def test_device_accepts_an_rfc_code_at_its_time_once(community_chair, monkeypatch):
    device = TOTPDevice.objects.create(user=community_chair, name="t", key=RFC_SECRET.hex())
    monkeypatch.setattr(time, "time", lambda: 1111111111)
    assert device.verify_token("050471")
    # A code is accepted once: a replay (someone watching over the shoulder) is refused.
    device.throttle_reset()
    assert not device.verify_token("050471")


def test_device_refuses_an_old_code_and_accepts_one_step_of_clock_drift(
    community_chair, monkeypatch
):
    device = TOTPDevice.objects.create(user=community_chair, name="t", key=RFC_SECRET.hex())
    monkeypatch.setattr(time, "time", lambda: 1111111111 + 60)
    assert not device.verify_token("050471")  # two steps old
    device.throttle_reset()
    monkeypatch.setattr(time, "time", lambda: 1111111111 + 30)
    assert device.verify_token("050471")  # one step old: a slow phone


def test_the_secret_is_encrypted_at_rest_and_provisioned_as_base32(community_chair):
    device = services.two_factor_device_start(user=community_chair)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {TOTPDevice._meta.db_table} WHERE id = %s", [device.pk])
        [stored] = cursor.fetchone()
    assert stored.startswith("enc1:")
    assert device.key not in stored and device.base32_secret not in stored
    assert len(device.bin_key) == 20

    rfc = TOTPDevice(user=community_chair, key=RFC_SECRET.hex())
    assert rfc.base32_secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    uri = two_factor.provisioning_uri(
        secret_base32=rfc.base32_secret, username="chair_fangcao", digits=6, period=30
    )
    assert uri == (
        "otpauth://totp/Jinguo%3Achair_fangcao?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=Jinguo&algorithm=SHA1&digits=6&period=30"
    )


def test_recovery_codes_are_stored_only_as_keyed_hashes(community_chair):
    codes = enrol(community_chair)
    assert len(codes) == 10 == len(set(codes))
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", c) for c in codes)
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert code not in str(stored) and code.replace("-", "") not in str(stored)


# --- roles decide who must use it --------------------------------------------------------------


def test_shipped_privileged_roles_require_two_factor(db):
    flagged = set(Role.objects.filter(requires_two_factor=True).values_list("code", flat=True))
    assert flagged == {"sysadmin", "auditor", "leader"}
    assert set(ROLE_CODES) > flagged


def test_an_administrator_sets_the_flag_on_a_role_and_it_is_audited(
    login, sysadmin, security_events
):
    client = login(sysadmin)
    role = Role.objects.get(code="rights_officer")
    url = reverse("accounts:role_update", args=[role.pk])
    page = page_text(client.get(url))
    assert 'name="requires_two_factor"' in page
    response = client.post(
        url, {"name": role.name, "description": role.description, "requires_two_factor": "on"}
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.requires_two_factor
    [event] = security_events("role_two_factor_change")
    assert event.user_id == sysadmin.pk
    assert event.after == {"requires_two_factor": True}
    assert "须两步验证" in page_text(client.get(role.get_absolute_url()))


# --- a user who must use it and has not enrolled ---------------------------------------------


def test_a_required_user_reaches_no_page_before_enrolling(client, sysadmin, password):
    response = password_step(client, sysadmin, password)
    assert response.status_code == 302 and response.url == ENROL
    assert not signed_in(client)
    for url in (HOME, ACCOUNT, reverse("accounts:user_list"), reverse("core:notification_list")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), url
    assert client.get(reverse("accounts-me")).status_code in (401, 403)
    assert client.get(CODE).url == LOGIN  # not a way round either
    # The enrolment page is still there, with the QR code drawn here and the secret as text.
    page = page_text(client.get(ENROL))
    assert "<svg" in page and "jg-qr" in page
    secret = TOTPDevice.objects.get(user=sysadmin).base32_secret
    assert two_factor.grouped(secret) in page
    assert "持有的角色要求两步验证" in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_enrolling_during_login_signs_in_and_shows_the_recovery_codes_once(
    client, sysadmin, password, security_events
):
    password_step(client, sysadmin, password, next_url="/accounts/users/")
    first = page_text(client.get(ENROL))
    assert page_text(client.get(ENROL)).count("jg-qr") == first.count("jg-qr")
    # Reloading keeps the same secret: the phone may have scanned it already.
    secret = TOTPDevice.objects.get(user=sysadmin).base32_secret
    assert two_factor.grouped(secret) in page_text(client.get(ENROL))

    wrong = client.post(ENROL, {"code": "000000" if code_at(sysadmin) != "000000" else "111111"})
    assert "验证码不正确" in page_text(wrong)
    assert not signed_in(client)

    response = client.post(ENROL, {"code": code_at(sysadmin)})
    assert response.status_code == 302 and response.url == RECOVERY
    assert signed_in(client) and client.session["_auth_user_id"] == str(sysadmin.pk)
    assert PENDING_KEY not in client.session
    page = client.get(RECOVERY)
    assert page["Cache-Control"].startswith("max-age=0")
    codes = re.findall(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", page_text(page))
    assert len(set(codes)) == 10
    assert 'href="/accounts/users/"' in page_text(page)  # then on to where she was going
    assert client.get(RECOVERY).url == ACCOUNT  # shown once
    assert TOTPDevice.objects.get(user=sysadmin).confirmed
    [enrolled] = security_events("two_factor_enrol")
    assert enrolled.user_id == sysadmin.pk
    [login_event] = security_events("login")
    assert login_event.detail["second_factor"] == "enrolled"


def test_a_secret_shown_to_another_session_is_never_the_one_enrolled(client, sysadmin, password):
    """Someone with only the password opens the enrolment page first; the real user, later,
    gets a secret of her own, and the first one no longer works."""
    intruder = Client(REMOTE_ADDR="10.7.7.7")
    password_step(intruder, sysadmin, password)
    intruder.get(ENROL)
    seen = TOTPDevice.objects.get(user=sysadmin).base32_secret
    intruder_code = code_at(sysadmin)

    password_step(client, sysadmin, password)
    page = page_text(client.get(ENROL))
    mine = TOTPDevice.objects.get(user=sysadmin).base32_secret
    assert mine != seen and two_factor.grouped(mine) in page
    refused = page_text(intruder.post(ENROL, {"code": intruder_code}))
    assert "验证码不正确" in refused
    assert two_factor.grouped(mine) not in refused
    shown_to_intruder = TOTPDevice.objects.get(user=sysadmin).base32_secret
    page = page_text(client.get(ENROL))
    final = TOTPDevice.objects.get(user=sysadmin).base32_secret
    assert final not in (seen, shown_to_intruder) and two_factor.grouped(final) in page
    assert client.post(ENROL, {"code": code_at(sysadmin)}).url == RECOVERY
    assert not signed_in(intruder)


def test_a_new_administrator_enrols_then_changes_the_initial_password(client, sysadmin, password):
    User.objects.filter(pk=sysadmin.pk).update(must_change_password=True)
    password_step(client, sysadmin, password)
    client.get(ENROL)
    client.post(ENROL, {"code": code_at(sysadmin)})
    # The codes are not lost to the forced password change.
    assert client.get(RECOVERY).status_code == 200
    assert client.get(HOME).url == ACCOUNT


@override_settings(JINGUO_TWO_FACTOR_ENFORCED=False)
def test_without_enforcement_a_privileged_role_signs_in_with_the_password(
    client, sysadmin, password
):
    response = password_step(client, sysadmin, password)
    assert response.status_code == 302 and response.url == HOME
    assert signed_in(client)


def test_the_pending_login_expires(client, sysadmin, password):
    password_step(client, sysadmin, password)
    session = client.session
    session[PENDING_KEY]["at"] -= 11 * 60
    session.save()
    response = client.get(ENROL)
    assert response.url == LOGIN
    assert "登录已超时" in page_text(client.get(LOGIN))


def test_a_password_change_between_the_steps_drops_the_pending_login(client, sysadmin, password):
    password_step(client, sysadmin, password)
    sysadmin.set_password("Another#Pass2027")
    sysadmin.save(update_fields=["password"])
    assert client.get(ENROL).url == LOGIN


# --- a user who may use it ---------------------------------------------------------------------


def test_an_optional_user_is_not_forced(client, community_chair, password):
    response = password_step(client, community_chair, password)
    assert response.status_code == 302 and response.url == HOME
    assert signed_in(client)
    page = page_text(client.get(ACCOUNT))
    assert "两步验证" in page and "未启用" in page


def test_an_optional_user_enrols_from_her_account_page_and_then_needs_a_code(
    login, community_chair, password, security_events
):
    client = login(community_chair)
    page = page_text(client.get(ENROL))
    assert "jg-qr" in page and "持有的角色要求" not in page
    response = client.post(ENROL, {"code": code_at(community_chair)})
    assert response.url == RECOVERY
    assert 'href="/accounts/password/"' in page_text(client.get(RECOVERY))
    assert "已启用" in page_text(client.get(ACCOUNT))
    assert len(security_events("two_factor_enrol")) == 1

    client.post(reverse("accounts:logout"))
    response = password_step(client, community_chair, password)
    assert response.url == CODE
    assert not signed_in(client)


def test_an_optional_user_turns_it_off_with_a_current_code(login, community_chair, security_events):
    enrol(community_chair)
    client = login(community_chair)
    url = reverse("accounts:two_factor_disable")
    assert "验证码不正确" in page_text(client.post(url, {"code": "12345"}))
    wait_out_the_back_off(community_chair)
    assert client.post(url, {"code": code_at(community_chair, 1)}).url == ACCOUNT
    assert not TOTPDevice.objects.filter(user=community_chair).exists()
    assert not RecoveryCode.objects.filter(user=community_chair).exists()
    assert len(security_events("two_factor_disable")) == 1


def test_a_required_user_cannot_turn_it_off(login, sysadmin):
    enrol(sysadmin)
    client = login(sysadmin)
    response = client.post(reverse("accounts:two_factor_disable"), {"code": code_at(sysadmin, 1)})
    assert response.url == ACCOUNT
    assert TOTPDevice.objects.filter(user=sysadmin, confirmed=True).exists()
    assert "停用" not in page_text(client.get(ACCOUNT)).split('data-testid="two-factor"')[1]


# --- signing in with a code ----------------------------------------------------------------------


def test_an_enrolled_user_signs_in_with_a_code_after_the_password(
    client, sysadmin, password, security_events
):
    enrol(sysadmin)
    response = password_step(client, sysadmin, password, next_url="/accounts/users/")
    assert response.url == CODE
    assert not signed_in(client)
    assert client.get(HOME).url.startswith(LOGIN)
    page = page_text(client.get(CODE))
    assert "两步验证" in page and 'autocomplete="one-time-code"' in page
    response = client.post(CODE, {"code": code_at(sysadmin, 1)})
    assert response.status_code == 302 and response.url == "/accounts/users/"
    assert client.session["_auth_user_id"] == str(sysadmin.pk)
    [event] = security_events("login")
    assert event.detail == {"channel": "web", "second_factor": "totp"}


def test_a_code_is_accepted_only_once(client, sysadmin, password):
    enrol(sysadmin)
    code = code_at(sysadmin, 1)
    password_step(client, sysadmin, password)
    client.post(CODE, {"code": code})
    other = Client()
    password_step(other, sysadmin, password)
    response = other.post(CODE, {"code": code})
    assert not signed_in(other)
    assert "验证码" in page_text(response)


def test_wrong_codes_count_towards_the_lockout(
    client, sysadmin, community_chair, password, security_events
):
    enrol(sysadmin)
    password_step(client, sysadmin, password)
    right = code_at(sysadmin, 1)
    wrong = "000000" if right != "000000" else "111111"
    for _i in range(4):
        response = client.post(CODE, {"code": wrong})
        assert response.status_code == 200
        assert "验证码" in " ".join(response.context["form"].errors["code"])
    # The fifth wrong code locks the name on this address, as five wrong passwords would.
    response = client.post(CODE, {"code": wrong})
    assert response.url == LOGIN
    assert PENDING_KEY not in client.session
    assert "登录失败次数过多" in page_text(client.get(LOGIN))
    failures = security_events("login_failed")
    assert len(failures) == 5 and {e.detail["step"] for e in failures} == {"second_factor"}
    assert security_events("lockout")[0].object_id == str(sysadmin.pk)
    # Even the right password and then the right code now wait for the lock to lift.
    response = password_step(client, sysadmin, password)
    assert "登录失败次数过多" in " ".join(response.context["form"].non_field_errors())
    assert not signed_in(client)
    # A colleague on the same address is not affected.
    assert password_step(Client(), community_chair, password).url == HOME


def test_quick_wrong_codes_make_the_authenticator_wait(client, sysadmin, password):
    enrol(sysadmin)
    password_step(client, sysadmin, password)
    wrong = "000000" if code_at(sysadmin) != "000000" else "111111"
    first = client.post(CODE, {"code": wrong})
    assert "验证码不正确" in " ".join(first.context["form"].errors["code"])
    second = client.post(CODE, {"code": wrong})
    assert "请 1 秒后再输入" in " ".join(second.context["form"].errors["code"])
    TOTPDevice.objects.filter(user=sysadmin).update(
        throttling_failure_count=6, throttling_failure_timestamp=timezone.now()
    )
    response = client.post(CODE, {"code": code_at(sysadmin, 1)})
    assert not signed_in(client)
    assert "秒后再输入身份验证器上的验证码" in " ".join(response.context["form"].errors["code"])


# --- recovery codes ------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, sysadmin, password, security_events):
    codes = enrol(sysadmin)
    password_step(client, sysadmin, password)
    # Typed from paper: lower case, without the dash.
    response = client.post(CODE, {"code": codes[0].lower().replace("-", " ")})
    assert response.status_code == 302
    assert signed_in(client)
    assert "还剩 9 个" in page_text(client.get(HOME))
    [used] = security_events("recovery_code_used")
    assert used.detail == {"left": 9}
    assert security_events("login")[0].detail["second_factor"] == "recovery_code"

    again = Client()
    password_step(again, sysadmin, password)
    response = again.post(CODE, {"code": codes[0]})
    assert not signed_in(again)
    assert "恢复码" in " ".join(response.context["form"].errors["code"])
    assert LoginFailure.objects.filter(username="sysadmin").count() == 1


def test_regenerating_recovery_codes_needs_a_current_code(login, sysadmin, security_events):
    old = enrol(sysadmin)
    client = login(sysadmin)
    url = reverse("accounts:recovery_codes_regenerate")
    assert "验证码不正确" in page_text(client.post(url, {"code": "12345"}))
    assert security_events("recovery_codes_regenerate") == []
    wait_out_the_back_off(sysadmin)
    assert client.post(url, {"code": code_at(sysadmin, 1)}).url == RECOVERY
    new = re.findall(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", page_text(client.get(RECOVERY)))
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert not services.recovery_code_use(user=sysadmin, code=old[1])
    assert services.recovery_code_use(user=sysadmin, code=new[1])
    assert len(security_events("recovery_codes_regenerate")) == 1


# --- an administrator's reset -----------------------------------------------------------------


def test_the_user_administrator_resets_a_second_factor_with_a_reason(
    login, sysadmin, leader, password, security_events
):
    enrol(leader)
    client = login(sysadmin)
    detail = page_text(client.get(leader.get_absolute_url()))
    url = reverse("accounts:user_two_factor_reset", args=[leader.pk])
    assert url in detail and "已启用" in detail
    assert "必填" in page_text(client.post(url, {"reason": "  "}))
    assert TOTPDevice.objects.filter(user=leader).exists()
    response = client.post(url, {"reason": "手机遗失，已电话核实本人"})
    assert response.url == leader.get_absolute_url()
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not RecoveryCode.objects.filter(user=leader).exists()
    [event] = security_events("two_factor_reset")
    assert event.user_id == sysadmin.pk
    assert event.object_id == str(leader.pk)
    assert event.detail["reason"] == "手机遗失，已电话核实本人"
    assert event.detail["had_authenticator"] is True
    assert action_label("two_factor_reset") == "重置两步验证"
    # Her role requires it: at the next login she enrols again.
    assert password_step(Client(), leader, password).url == ENROL


def test_a_reset_optional_user_signs_in_with_the_password_again(
    login, sysadmin, community_chair, password
):
    enrol(community_chair)
    services.two_factor_reset(actor=sysadmin, user=community_chair, reason="换手机")
    assert password_step(Client(), community_chair, password).url == HOME


def test_only_the_user_administrator_may_reset(login, district_officer, community_chair):
    enrol(community_chair)
    url = reverse("accounts:user_two_factor_reset", args=[community_chair.pk])
    client = login(district_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert TOTPDevice.objects.filter(user=community_chair).exists()


def test_a_reset_between_the_steps_sends_the_user_back_to_the_password(
    client, sysadmin, leader, password
):
    enrol(leader)
    password_step(client, leader, password)
    services.two_factor_reset(actor=sysadmin, user=leader, reason="手机遗失")
    response = client.post(CODE, {"code": "123456"})
    assert response.url == LOGIN
    assert not signed_in(client)


# --- API tokens --------------------------------------------------------------------------------


def test_a_token_needs_the_code_of_an_enrolled_user(api_client, community_chair, password):
    enrol(community_chair)
    data = {"username": "chair_fangcao", "password": password}
    response = api_client.post(TOKEN, data)
    assert response.status_code == 403
    assert "code" in response.json()["detail"]
    response = api_client.post(TOKEN, {**data, "code": "000000"})
    assert response.status_code == 400
    assert LoginFailure.objects.filter(username="chair_fangcao").count() == 1
    wait_out_the_back_off(community_chair)
    response = api_client.post(TOKEN, {**data, "code": code_at(community_chair, 1)})
    assert response.status_code == 200
    assert Token.objects.filter(user=community_chair).exists()


def test_a_required_user_enrols_in_the_browser_before_getting_a_token(
    api_client, sysadmin, password, security_events
):
    response = api_client.post(TOKEN, {"username": "sysadmin", "password": password})
    assert response.status_code == 403
    assert "启用身份验证器" in response.json()["detail"]
    assert not Token.objects.exists()
    assert security_events("token_refused")[0].detail["reason"] == "two_factor"


def test_existing_tokens_keep_working_without_a_code(api_client, sysadmin):
    enrol(sysadmin)
    token = Token.objects.create(user=sysadmin)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get(reverse("accounts-me")).status_code == 200


def test_second_factor_events_have_chinese_labels():
    for action, label in {
        "two_factor_enrol": "启用两步验证",
        "two_factor_disable": "停用两步验证",
        "recovery_codes_regenerate": "重新生成恢复码",
        "recovery_code_used": "使用恢复码登录",
        "role_two_factor_change": "角色两步验证要求变更",
    }.items():
        assert action_label(action) == label


def test_old_failures_from_the_code_step_age_out_like_password_failures(client, sysadmin, password):
    enrol(sysadmin)
    password_step(client, sysadmin, password)
    for _i in range(5):
        client.post(CODE, {"code": "000000"})
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=6))
    assert password_step(client, sysadmin, password).url == CODE


def test_a_deployment_without_enforcement_is_warned_about():
    from jinguo.accounts.checks import two_factor_enforced

    assert two_factor_enforced() == []
    with override_settings(JINGUO_TWO_FACTOR_ENFORCED=False):
        [warning] = two_factor_enforced()
    assert warning.id == "accounts.W001"
