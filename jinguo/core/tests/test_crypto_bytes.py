"""Files are sealed with the same keys and cipher choice as text values."""

import os

import pytest
from django.test import override_settings

from jinguo.core import crypto

KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()
SECRET = "受害人陈述：丈夫多次殴打。13800138000".encode() + os.urandom(64)


@pytest.mark.parametrize(("cipher", "code"), [("AES-256-GCM", b"A"), ("SM4-GCM", b"S")])
def test_round_trip_hides_the_content(cipher, code):
    with override_settings(JINGUO_CIPHER=cipher):
        blob = crypto.encrypt_bytes(SECRET)
        assert blob[4:5] == code
        assert "受害人".encode() not in blob
        assert b"13800138000" not in blob
        assert crypto.decrypt_bytes(blob) == SECRET
        assert crypto.encrypt_bytes(SECRET) != blob, "a fresh nonce every time"


def test_empty_file_round_trips():
    assert crypto.decrypt_bytes(crypto.encrypt_bytes(b"")) == b""


def test_files_of_both_ciphers_stay_readable_after_switching():
    with override_settings(JINGUO_CIPHER="SM4-GCM"):
        sm4 = crypto.encrypt_bytes(b"guomi")
    aes = crypto.encrypt_bytes(b"guomi")
    assert crypto.decrypt_bytes(sm4) == crypto.decrypt_bytes(aes) == b"guomi"


def test_old_key_still_opens_files_after_rotation():
    with override_settings(JINGUO_DATA_KEY=KEY_A, JINGUO_DATA_OLD_KEYS=[]):
        blob = crypto.encrypt_bytes(SECRET)
        assert blob[5:13].decode() == crypto.keyring()[0], "the key id travels with the file"
    with override_settings(JINGUO_DATA_KEY=KEY_B, JINGUO_DATA_OLD_KEYS=[KEY_A]):
        assert crypto.decrypt_bytes(blob) == SECRET
    with (
        override_settings(JINGUO_DATA_KEY=KEY_B, JINGUO_DATA_OLD_KEYS=[]),
        pytest.raises(crypto.DecryptionError, match="no key"),
    ):
        crypto.decrypt_bytes(blob)


@pytest.mark.parametrize("position", [0, 4, 5, 20, -1])
def test_tampering_anywhere_is_detected(position):
    blob = bytearray(crypto.encrypt_bytes(SECRET))
    blob[position] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(bytes(blob))


def test_plain_bytes_are_not_mistaken_for_a_sealed_file():
    with pytest.raises(crypto.DecryptionError, match="not an encrypted file"):
        crypto.decrypt_bytes(b"%PDF-1.7 plain file")
