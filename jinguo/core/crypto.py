"""Field-level encryption of personal information and keyed blind indexes.

A stored value is ``enc1:<cipher>:<key id>:<base64(nonce | ciphertext | tag)>``. The cipher
is AES-256-GCM (``A``) or SM4-GCM (``S``, 国密), chosen by ``JINGUO_CIPHER`` for new values;
any value can be read as long as its key is the current one or listed in the old keys, and
``manage.py rotate_data_key`` re-encrypts everything under the current key.
"""

import base64
import hashlib
import hmac
import os
import unicodedata
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

PREFIX = "enc1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """A stored value could not be decrypted (unknown key or tampered ciphertext)."""


def _decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must decode to 32 bytes")
    return raw


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"jinguo-key-id" + key).hexdigest()[:8]


@cache
def _keyring(current: str, old: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    if not current:
        raise ImproperlyConfigured("JINGUO_DATA_KEY is not set: personal data cannot be encrypted")
    active = _decode_key(current, "JINGUO_DATA_KEY")
    ring = {key_id(active): active}
    for i, text in enumerate(old):
        k = _decode_key(text, f"JINGUO_DATA_OLD_KEYS[{i}]")
        ring.setdefault(key_id(k), k)
    return key_id(active), ring


@cache
def _aesgcm(key: bytes) -> AESGCM:
    """One cipher object per key: it holds only the key, and building it costs more than
    sealing a short value."""
    return AESGCM(key)


@cache
def _index_key(text: str) -> bytes:
    return _decode_key(text, "JINGUO_INDEX_KEY")


@cache
def keyring() -> tuple[str, dict[str, bytes]]:
    """(active key id, every key by id), read from the settings once (see _settings_changed)."""
    return _keyring(settings.JINGUO_DATA_KEY, tuple(settings.JINGUO_DATA_OLD_KEYS))


def _sm4_key(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=16, salt=None, info=b"jinguo-sm4").derive(key)


@cache
def _cipher_code() -> str:
    name = settings.JINGUO_CIPHER.upper()
    if name in {"AES-256-GCM", "AES"}:
        return "A"
    if name in {"SM4-GCM", "SM4"}:
        return "S"
    raise ImproperlyConfigured("JINGUO_CIPHER must be AES-256-GCM or SM4-GCM")


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs) -> None:
    """Settings are read once per process; a test that overrides them starts afresh."""
    if setting in ("JINGUO_DATA_KEY", "JINGUO_DATA_OLD_KEYS"):
        keyring.cache_clear()
    elif setting == "JINGUO_CIPHER":
        _cipher_code.cache_clear()


def generate_key() -> str:
    """A fresh 32-byte key, base64-encoded as the settings expect."""
    return base64.b64encode(os.urandom(32)).decode()


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def encrypt(plaintext: str) -> str:
    kid, ring = keyring()
    key = ring[kid]
    code = _cipher_code()
    nonce = os.urandom(NONCE_BYTES)
    data = plaintext.encode()
    if code == "A":
        sealed = _aesgcm(key).encrypt(nonce, data, PREFIX.encode())
    else:
        enc = Cipher(algorithms.SM4(_sm4_key(key)), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(PREFIX.encode())
        sealed = enc.update(data) + enc.finalize() + enc.tag
    return f"{PREFIX}:{code}:{kid}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    try:
        prefix, code, kid, body = token.split(":", 3)
    except ValueError as exc:
        raise DecryptionError("not an encrypted value") from exc
    if prefix != PREFIX:
        raise DecryptionError("not an encrypted value")
    _active, ring = keyring()
    key = ring.get(kid)
    if key is None:
        raise DecryptionError(f"no key {kid} in the keyring")
    try:
        raw = base64.b64decode(body, validate=True)
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        if len(sealed) < TAG_BYTES:
            raise DecryptionError("ciphertext too short")
        if code == "A":
            data = _aesgcm(key).decrypt(nonce, sealed, PREFIX.encode())
        elif code == "S":
            ct, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
            dec = Cipher(algorithms.SM4(_sm4_key(key)), modes.GCM(nonce, tag)).decryptor()
            dec.authenticate_additional_data(PREFIX.encode())
            data = dec.update(ct) + dec.finalize()
        else:
            raise DecryptionError("unknown cipher")
        return data.decode()
    except DecryptionError:
        raise
    except Exception as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def needs_rotation(token: str) -> bool:
    """True for a value not sealed by the current key and cipher (plaintext included)."""
    if not is_encrypted(token):
        return True
    kid, _ring = keyring()
    parts = token.split(":", 3)
    return len(parts) != 4 or parts[2] != kid or parts[1] != _cipher_code()


def normalise(value: str) -> str:
    """Canonical form for exact matching: NFKC, no spaces or dashes, upper case."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-()（）").upper()


def blind_index(value: str, purpose: str) -> str:
    """Keyed HMAC of the normalised value: equal inputs match, the index reveals nothing."""
    if not settings.JINGUO_INDEX_KEY:
        raise ImproperlyConfigured("JINGUO_INDEX_KEY is not set")
    msg = f"{purpose}\x00{normalise(value)}".encode()
    return hmac.digest(_index_key(settings.JINGUO_INDEX_KEY), msg, "sha256").hex()


# --- files ----------------------------------------------------------------------------------
# A sealed file is BYTES_MAGIC | cipher code (1 byte) | key id (8 ASCII bytes) | nonce |
# ciphertext | tag, with the header as associated data so it cannot be swapped. Same keyring
# and cipher choice as the text values, so old keys keep files readable after a rotation.
BYTES_MAGIC = b"JGB1"
_BYTES_HEADER = len(BYTES_MAGIC) + 1 + 8


def encrypt_bytes(data: bytes) -> bytes:
    kid, ring = keyring()
    key = ring[kid]
    code = _cipher_code()
    header = BYTES_MAGIC + code.encode() + kid.encode()
    nonce = os.urandom(NONCE_BYTES)
    if code == "A":
        sealed = _aesgcm(key).encrypt(nonce, bytes(data), header)
    else:
        enc = Cipher(algorithms.SM4(_sm4_key(key)), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(header)
        sealed = enc.update(bytes(data)) + enc.finalize() + enc.tag
    return header + nonce + sealed


def decrypt_bytes(blob: bytes) -> bytes:
    blob = bytes(blob)
    if len(blob) < _BYTES_HEADER + NONCE_BYTES + TAG_BYTES or not blob.startswith(BYTES_MAGIC):
        raise DecryptionError("not an encrypted file")
    header = blob[:_BYTES_HEADER]
    code = header[len(BYTES_MAGIC) : len(BYTES_MAGIC) + 1].decode("ascii", "replace")
    kid = header[len(BYTES_MAGIC) + 1 :].decode("ascii", "replace")
    _active, ring = keyring()
    key = ring.get(kid)
    if key is None:
        raise DecryptionError(f"no key {kid} in the keyring")
    nonce = blob[_BYTES_HEADER : _BYTES_HEADER + NONCE_BYTES]
    sealed = blob[_BYTES_HEADER + NONCE_BYTES :]
    try:
        if code == "A":
            return _aesgcm(key).decrypt(nonce, sealed, header)
        if code == "S":
            ct, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
            dec = Cipher(algorithms.SM4(_sm4_key(key)), modes.GCM(nonce, tag)).decryptor()
            dec.authenticate_additional_data(header)
            return dec.update(ct) + dec.finalize()
    except Exception as exc:
        raise DecryptionError("ciphertext failed authentication") from exc
    raise DecryptionError("unknown cipher")
