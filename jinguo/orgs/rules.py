"""Rules a unit's code and place in the tree must obey; shared by the services and the import.

Each check returns a Chinese message for the user, or None when the rule holds.
"""

import re

from django.utils.translation import gettext as _

from .choices import (
    CODE_LENGTH,
    GRID_PARENTS,
    TERRITORIAL_KINDS,
    TERRITORIAL_PARENT,
    UnitKind,
)

CODE_RE = re.compile(r"^[0-9A-Za-z]+$")
CODE_MAX_LENGTH = 32
NAME_MAX_LENGTH = 100
SHORT_NAME_MAX_LENGTH = 50
PHONE_RE = re.compile(r"^[0-9+\-()（） ,，/转]{3,40}$")


def kind_label(kind) -> str:
    return str(UnitKind(kind).label)


def code_error(code: str, kind: str) -> str | None:
    if not code:
        return _("请填写代码。")
    if len(code) > CODE_MAX_LENGTH:
        return _("代码不能超过 %(n)d 个字符。") % {"n": CODE_MAX_LENGTH}
    if not CODE_RE.match(code):
        return _("代码只能包含数字和英文字母（0-9、A-Z、a-z），不能有空格或符号。")
    if kind in TERRITORIAL_KINDS:
        length = CODE_LENGTH[kind]
        if not code.isdigit() or len(code) != length:
            return _("%(kind)s的代码应为 %(n)d 位数字（统计用区划代码）。") % {
                "kind": kind_label(kind),
                "n": length,
            }
    return None


def placement_error(kind: str, parent) -> str | None:
    """Whether a unit of ``kind`` may sit under ``parent`` (None: a root, always allowed here)."""
    if parent is None:
        return None
    if kind == UnitKind.PROVINCE:
        return _("省级妇联是顶级单位，不能设在其他单位之下。")
    expected = TERRITORIAL_PARENT.get(kind)
    if expected is not None:
        if parent.kind != expected:
            return _("%(kind)s只能设在%(parent)s之下。") % {
                "kind": kind_label(kind),
                "parent": kind_label(expected),
            }
        return None
    if kind == UnitKind.GRID:
        if parent.kind not in GRID_PARENTS:
            return _("网格只能设在村（社区）妇联或乡镇（街道）妇联之下。")
        return None
    # Industry, area, enterprise and new-sector federations hang under any federation.
    if parent.kind == UnitKind.GRID:
        return _("网格之下不能再设立单位。")
    return None


def code_prefix_error(kind: str, code: str, parent) -> str | None:
    """A territorial unit under a territorial parent carries the parent's code as prefix."""
    if parent is None or kind not in TERRITORIAL_KINDS or parent.kind not in TERRITORIAL_KINDS:
        return None
    if not code.startswith(parent.code):
        return _("代码应以上级单位的代码 %(code)s 开头。") % {"code": parent.code}
    return None


def name_error(
    name: str, *, max_length: int = NAME_MAX_LENGTH, label: str | None = None
) -> str | None:
    label = label or _("名称")
    if not name:
        return _("请填写%(label)s。") % {"label": label}
    if len(name) > max_length:
        return _("%(label)s不能超过 %(n)d 个字符（现有 %(len)d 个）。") % {
            "label": label,
            "n": max_length,
            "len": len(name),
        }
    return None


def phone_error(phone: str) -> str | None:
    if phone and not PHONE_RE.match(phone):
        return _("联系电话格式不正确，请填写手机号或带区号的固定电话。")
    return None
