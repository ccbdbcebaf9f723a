"""Helpers for tests that need an enrolled authenticator."""

import time
from datetime import timedelta

from django.utils import timezone
from django_otp.oath import TOTP

from jinguo.accounts import services
from jinguo.accounts.models import TOTPDevice


def code_at(user, steps_ahead: int = 0) -> str:
    """The authenticator's code ``steps_ahead`` 30-second steps from now, as the phone shows it."""
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, 30, 0, 6, 0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def wait_out_the_back_off(user):
    """As if the few seconds an authenticator waits after a wrong code had passed."""
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1)
    )


def enrol(user) -> list[str]:
    """Enrol an authenticator for ``user`` through the services; returns the recovery codes."""
    services.two_factor_device_start(user=user)
    return services.two_factor_enrol(user=user, code=code_at(user))
