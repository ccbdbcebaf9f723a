"""Personal information is encrypted at rest, found by blind index, and survives key rotation."""

import base64
import io
import re

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from jinguo.accounts.models import User
from jinguo.core import audit, crypto
from jinguo.core.models import AuditEvent
from jinguo.testing.factories import UserFactory

KEY_A = crypto.generate_key()
KEY_B = crypto.generate_key()


def raw_phone(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def tampered(token: str) -> str:
    head, body = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 0x01
    return f"{head}:{base64.b64encode(bytes(raw)).decode()}"


@pytest.mark.parametrize(("cipher", "code"), [("AES-256-GCM", "A"), ("SM4-GCM", "S")])
def test_round_trip(cipher, code):
    with override_settings(JINGUO_CIPHER=cipher):
        token = crypto.encrypt("110105199001010123 北京市朝阳区")
        assert token.startswith(f"enc1:{code}:")
        assert "110105" not in token
        assert crypto.decrypt(token) == "110105199001010123 北京市朝阳区"
        assert crypto.encrypt("same") != crypto.encrypt("same"), "a fresh nonce every time"


def test_values_of_both_ciphers_stay_readable_after_switching():
    with override_settings(JINGUO_CIPHER="SM4-GCM"):
        sm4 = crypto.encrypt("国密")
    aes = crypto.encrypt("国密")
    assert crypto.decrypt(sm4) == crypto.decrypt(aes) == "国密"
    with override_settings(JINGUO_CIPHER="SM4-GCM"):
        assert crypto.needs_rotation(aes) and not crypto.needs_rotation(sm4)


@pytest.mark.parametrize("cipher", ["AES-256-GCM", "SM4-GCM"])
def test_tampering_is_detected(cipher):
    with override_settings(JINGUO_CIPHER=cipher):
        token = crypto.encrypt("13800138000")
        prefix, code, kid, body = token.split(":")
        for bad in (
            tampered(token),
            f"{prefix}:{code}:{kid}:{body[:-8]}",
            f"{prefix}:{code}:{kid}:not*base64",
            f"{prefix}:{code}:{kid}:",
            f"{prefix}:{'S' if code == 'A' else 'A'}:{kid}:{body}",
            f"{prefix}:Z:{kid}:{body}",
            f"{prefix}:{code}:deadbeef:{body}",
            "13800138000",
        ):
            with pytest.raises(crypto.DecryptionError):
                crypto.decrypt(bad)


def test_old_keys_still_decrypt_and_unknown_keys_do_not():
    with override_settings(JINGUO_DATA_KEY=KEY_A, JINGUO_DATA_OLD_KEYS=[]):
        token = crypto.encrypt("旧密钥加密")
    with override_settings(JINGUO_DATA_KEY=KEY_B, JINGUO_DATA_OLD_KEYS=[KEY_A]):
        assert crypto.decrypt(token) == "旧密钥加密"
        assert crypto.needs_rotation(token)
        assert not crypto.needs_rotation(crypto.encrypt("x"))
    with (
        override_settings(JINGUO_DATA_KEY=KEY_B, JINGUO_DATA_OLD_KEYS=[]),
        pytest.raises(crypto.DecryptionError),
    ):
        crypto.decrypt(token)


def test_blind_index_matches_the_same_number_however_it_is_typed():
    forms = [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "１３８００１３８０００",
        " 138－0013－8000 ",
    ]
    indexes = {crypto.blind_index(v, "user.phone") for v in forms}
    assert len(indexes) == 1
    index = indexes.pop()
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert crypto.blind_index("11010519900101012x", "person.id") == crypto.blind_index(
        "11010519900101012X", "person.id"
    )


def test_blind_index_differs_by_purpose_value_and_key():
    base = crypto.blind_index("13800138000", "user.phone")
    assert crypto.blind_index("13800138000", "person.phone") != base
    assert crypto.blind_index("13800138001", "user.phone") != base
    with override_settings(JINGUO_INDEX_KEY=KEY_A):
        assert crypto.blind_index("13800138000", "user.phone") != base


@pytest.mark.django_db
def test_the_database_column_holds_no_plaintext(tree):
    user = UserFactory(home_unit=tree.community_a, phone="13800138000")
    stored = raw_phone(user)
    assert stored.startswith("enc1:")
    assert "13800138000" not in stored
    assert User.objects.get(pk=user.pk).phone == "13800138000"
    assert user.phone_index == crypto.blind_index("138 0013 8000", "user.phone")
    assert User.objects.get(phone_index=crypto.blind_index("138-0013-8000", "user.phone")) == user


@pytest.mark.django_db
def test_an_encrypted_field_refuses_a_plaintext_lookup(tree):
    user = UserFactory(home_unit=tree.community_a, phone="13800138000")
    with pytest.raises(FieldError, match="blind index"):
        list(User.objects.filter(phone="13800138000"))
    assert not User.objects.filter(pk=user.pk, phone="").exists()
    assert User.objects.filter(pk=user.pk, phone=raw_phone(user)).exists()
    assert User.objects.filter(pk=user.pk, phone__isnull=False).exists()


@pytest.mark.django_db
def test_a_legacy_plaintext_value_is_read_as_it_is(tree):
    user = UserFactory(home_unit=tree.community_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET phone = %s WHERE id = %s", ["13700000000", user.pk]
        )
    assert User.objects.get(pk=user.pk).phone == "13700000000"


def rotate(**options) -> str:
    out = io.StringIO()
    call_command("rotate_data_key", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_moves_every_value_to_the_new_key(tree):
    phones = ["13800000001", "13800000002", "13800000003", ""]
    with override_settings(JINGUO_DATA_KEY=KEY_A, JINGUO_DATA_OLD_KEYS=[]):
        users = [UserFactory(home_unit=tree.community_a, phone=p) for p in phones]
        kid_a = crypto.keyring()[0]
        legacy = UserFactory(home_unit=tree.community_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET phone = %s WHERE id = %s", ["13900000009", legacy.pk]
        )
    indexes = {u.pk: u.phone_index for u in users}
    assert all(raw_phone(u).split(":")[2] == kid_a for u in users if u.phone)

    with override_settings(JINGUO_DATA_KEY=KEY_B, JINGUO_DATA_OLD_KEYS=[KEY_A]):
        kid_b = crypto.keyring()[0]
        out = rotate(batch_size=2)
        assert "accounts.User（phone）" in out
        assert "重新加密 4 行（其中原为明文 1 行）" in out
        assert "重新加密 0 行" in rotate(), "a second run has nothing to do"

    with override_settings(JINGUO_DATA_KEY=KEY_B, JINGUO_DATA_OLD_KEYS=[]):
        for user, phone in zip(users, phones, strict=True):
            fresh = User.objects.get(pk=user.pk)
            assert fresh.phone == phone
            assert fresh.phone_index == indexes[user.pk]
            if phone:
                assert raw_phone(user).split(":")[2] == kid_b
        assert User.objects.get(pk=legacy.pk).phone == "13900000009"
        assert raw_phone(legacy).startswith(f"enc1:A:{kid_b}:")
    event = AuditEvent.objects.get(action="key_rotation")
    assert event.detail["rows"]["accounts.User"]["rotated"] == 4
    assert event.username == "system"
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_rotation_to_sm4_and_a_dry_run(tree):
    user = UserFactory(home_unit=tree.community_a, phone="13800000001")
    before = raw_phone(user)
    with override_settings(JINGUO_CIPHER="SM4-GCM"):
        assert "需要重新加密 1 行" in rotate(dry_run=True)
        assert raw_phone(user) == before
        rotate()
        assert raw_phone(user).startswith("enc1:S:")
        assert User.objects.get(pk=user.pk).phone == "13800000001"


@pytest.mark.django_db
def test_rotation_reports_values_it_cannot_read_and_rotates_the_rest(tree):
    with override_settings(JINGUO_DATA_KEY=KEY_A, JINGUO_DATA_OLD_KEYS=[]):
        lost = UserFactory(home_unit=tree.community_a, phone="13800000001")
    fine = UserFactory(home_unit=tree.community_a, phone="13800000002")
    test_key = crypto.keyring()[1][crypto.keyring()[0]]
    with override_settings(
        JINGUO_DATA_KEY=KEY_B, JINGUO_DATA_OLD_KEYS=[base64.b64encode(test_key).decode()]
    ):
        with pytest.raises(CommandError, match="1 行无法解密"):
            rotate()
        assert raw_phone(fine).split(":")[2] == crypto.keyring()[0]
        assert User.objects.get(pk=fine.pk).phone == "13800000002"
    with override_settings(JINGUO_DATA_KEY=KEY_A, JINGUO_DATA_OLD_KEYS=[]):
        assert User.objects.get(pk=lost.pk).phone == "13800000001"


def test_generate_keys_prints_fresh_usable_keys():
    out = io.StringIO()
    call_command("generate_keys", stdout=out)
    text = out.getvalue()
    values = dict(re.findall(r"^(JINGUO_[A-Z_]+)=(\S+)$", text, re.M))
    assert set(values) == {"JINGUO_SECRET_KEY", "JINGUO_DATA_KEY", "JINGUO_INDEX_KEY"}
    assert len(values["JINGUO_SECRET_KEY"]) >= 40
    for name in ("JINGUO_DATA_KEY", "JINGUO_INDEX_KEY"):
        assert len(base64.b64decode(values[name], validate=True)) == 32
    assert values["JINGUO_DATA_KEY"] != values["JINGUO_INDEX_KEY"]
    with override_settings(JINGUO_DATA_KEY=values["JINGUO_DATA_KEY"]):
        assert crypto.decrypt(crypto.encrypt("可用")) == "可用"
    again = io.StringIO()
    call_command("generate_keys", stdout=again)
    assert again.getvalue() != text
