"""The second factor's pieces that write nothing: secrets, recovery codes and their hashes, the
otpauth:// provisioning URI and its QR code (drawn here, as SVG: nothing is fetched)."""

import secrets
from urllib.parse import quote, urlencode

import segno
from django.conf import settings

from jinguo.core import crypto

RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: the codes are copied from paper by hand.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_CODE_LENGTH = 10  # about 50 bits each


def new_secret_hex(nbytes: int = 20) -> str:
    """A fresh TOTP secret (160 bits, as RFC 4226 recommends), hex-encoded for storage."""
    return secrets.token_bytes(nbytes).hex()


def new_recovery_code() -> str:
    code = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))
    half = RECOVERY_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def recovery_code_hash(user_id: int, code: str) -> str:
    """Keyed hash of a recovery code; typing it in lower case, without the dash or with spaces
    finds the same hash (crypto.normalise)."""
    return crypto.blind_index(f"{user_id}:{code}", "accounts.recovery_code")


def is_totp_code(text: str, digits: int = 6) -> bool:
    text = "".join((text or "").split())
    return len(text) == digits and text.isdigit()


def provisioning_uri(*, secret_base32: str, username: str, digits: int, period: int) -> str:
    """The otpauth:// URI authenticator apps read from the QR code (Key Uri Format)."""
    issuer = settings.JINGUO_TWO_FACTOR_ISSUER.replace(":", "")
    label = quote(f"{issuer}:{username}")
    params = urlencode(
        {
            "secret": secret_base32,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": digits,
            "period": period,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(data: str) -> str:
    """An inline SVG QR code of ``data``."""
    return segno.make(data, error="m").svg_inline(
        scale=5, border=3, dark="#000", light="#fff", svgclass="jg-qr", lineclass=None
    )


def grouped(secret: str, size: int = 4) -> str:
    """The secret in groups of four, as people read it aloud or type it."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))
