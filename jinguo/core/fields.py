"""Model fields that keep personal information encrypted at rest."""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from . import crypto


class EncryptedTextField(models.TextField):
    """Stores ciphertext, hands plaintext to Python code. Not filterable: use a blind index.

    A plaintext value already in the column (a field that has just become encrypted) is read
    as it is; ``manage.py rotate_data_key`` encrypts it.
    """

    encrypted = True

    def from_db_value(self, value, expression, connection):
        if value is None or value == "" or not crypto.is_encrypted(value):
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        if crypto.is_encrypted(value):
            return crypto.decrypt(value)
        return value

    def get_prep_value(self, value):
        # Not TextField.get_prep_value: its to_python() would decrypt a stored token here.
        value = models.Field.get_prep_value(self, value)
        if value is None or value == "" or crypto.is_encrypted(value):
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedExact(Exact):
    """Matches the empty value or a stored ciphertext, never a plaintext.

    Every encryption uses a fresh nonce, so ``phone="138…"`` could never match; it raises
    instead of silently finding nothing.
    """

    def get_prep_lookup(self):
        rhs = self.rhs
        if isinstance(rhs, str) and rhs and not crypto.is_encrypted(rhs):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: look it up through its blind index"
            )
        return super().get_prep_lookup()


class EncryptedCharField(EncryptedTextField):
    """Same as EncryptedTextField; forms render it as a single-line input."""

    def __init__(self, *args, max_input_length: int = 200, **kwargs):
        self.max_input_length = max_input_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_input_length != 200:
            kwargs["max_input_length"] = self.max_input_length
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"max_length": self.max_input_length, "widget": forms.TextInput}
        defaults.update(kwargs)
        return super().formfield(**defaults)


class BlindIndexField(models.CharField):
    """HMAC of a normalised plaintext, for exact look-ups without a plaintext column."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
