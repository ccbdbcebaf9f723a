"""A system administrator's first login: enrol an authenticator, keep the recovery codes, then
sign in with a code."""

import base64
import time

import pytest
from django_otp.oath import TOTP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def phone_code(secret_text: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret typed in from the page."""
    secret = secret_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_administrator_enrols_an_authenticator_then_signs_in_with_a_code(
    live_server, page, sysadmin, password
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", sysadmin.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")

    # Her role requires a second factor: the enrolment page, with a QR code drawn by the server.
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/enrol/")
    assert page.get_by_text("持有的角色要求两步验证").is_visible()
    assert page.get_by_test_id("qr").locator("svg").is_visible()
    secret = page.get_by_test_id("secret").inner_text()
    # Nothing else opens before she has enrolled.
    page.goto(f"{live_server.url}/accounts/users/")
    assert "/accounts/login/" in page.url
    page.go_back()

    page.goto(f"{live_server.url}/accounts/two-factor/enrol/")
    assert page.get_by_test_id("secret").inner_text() == secret
    page.fill("input[name=code]", phone_code(secret))
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server.url}/accounts/two-factor/recovery-codes/")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_text("我已妥善保存，继续").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("user-name").inner_text() == sysadmin.real_name

    # Next time: the password, then a code from the phone.
    page.get_by_label("用户菜单").click()
    page.get_by_text("退出登录").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", sysadmin.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/login/code/")
    page.fill("input[name=code]", phone_code(secret, 1))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("user-name").inner_text() == sysadmin.real_name
