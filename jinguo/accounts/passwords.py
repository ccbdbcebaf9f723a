"""Temporary passwords for new accounts and resets: random, readable, valid under the policy."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

# Characters that are easy to read aloud or copy from a screen (no 0/O, 1/l/I).
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
LOWER = "abcdefghijkmnpqrstuvwxyz"
DIGITS = "23456789"
SYMBOLS = "#%+=@!?"


def generate_password(*, user=None, length: int = 12) -> str:
    rng = secrets.SystemRandom()
    alphabet = UPPER + LOWER + DIGITS + SYMBOLS
    for _attempt in range(20):
        chars = [rng.choice(cls) for cls in (UPPER, LOWER, DIGITS, SYMBOLS)]
        chars += [rng.choice(alphabet) for _i in range(length - len(chars))]
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user=user)
        except ValidationError:
            continue
        return password
    raise RuntimeError("could not generate a password that satisfies the password policy")
