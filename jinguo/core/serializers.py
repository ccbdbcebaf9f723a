"""The base serializers of the API: every text it accepts is free of control characters, and a
choice a record may leave blank (or null) is published as such.

Every API serializer derives from ``Serializer`` or ``ModelSerializer`` here; the schema hook
(core.api_schema) declares the same rule as a pattern on the request's text fields.
"""

import re
from collections.abc import Mapping

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from .ids import MAX_ID, valid_id

# C0 controls except tab, line feed and carriage return (multi-line text keeps them), and DEL.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
CONTROL_CHARACTER_RE = re.compile(f"[{CONTROL_CHARACTERS}]")
CONTROL_CHARACTER_MESSAGE = _("不能包含控制字符。")
ID_OUT_OF_RANGE = _("编号须是 1 到 %(max)d 之间的整数。")


class RefuseControlCharacters:
    """Refuses, field by field, text with control characters before any other validation:
    they are invisible on screen and in exports, and break the systems we hand data to."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            # A JSON body says what type a value is: text must be a string and yes/no a
            # boolean, as the schema states (DRF would turn 0 into "0" and "yes" into true).
            # A form (QueryDict) has only strings, and keeps DRF's conversions.
            typed = not isinstance(data, QueryDict)
            errors = {}
            for name, field in self.fields.items():
                value = data.get(field.field_name)
                if field.read_only or value is None:
                    continue
                if isinstance(field, serializers.CharField):
                    if typed and not isinstance(value, str):
                        errors[name] = [_("请填写文本。")]
                    elif isinstance(value, str) and CONTROL_CHARACTER_RE.search(value):
                        errors[name] = [CONTROL_CHARACTER_MESSAGE]
                elif isinstance(field, serializers.PrimaryKeyRelatedField) and not _an_id(
                    value, typed
                ):
                    # Checked before the lookup: past bigint, the database would overflow.
                    errors[name] = [ID_OUT_OF_RANGE % {"max": MAX_ID}]
                elif (
                    isinstance(field, serializers.BooleanField)
                    and typed
                    and not isinstance(value, bool)
                ):
                    errors[name] = [_("请填写 true 或 false。")]
            if errors:
                raise ValidationError(errors)
        return super().to_internal_value(data)


def _an_id(value, typed: bool) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int) or not typed:
        return valid_id(value)
    return False


class Serializer(RefuseControlCharacters, serializers.Serializer):
    pass


class ModelSerializer(RefuseControlCharacters, serializers.ModelSerializer):
    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank_choice = "choices" in kwargs and kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        # DRF drops allow_blank from a read-only field, so the schema would deny that a choice
        # the record may leave blank (gbv_type, outcome: "") is a value the API returns.
        if blank_choice and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs
