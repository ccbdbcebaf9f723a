"""Masking rules for personal information shown on screen and in exports.

Names keep the surname (张**), mobiles the first three and last four digits (138****8000),
ID numbers the region code and last four (110105********0123), addresses the administrative
part (北京市朝阳区****). The mask never reveals the length of a name or of the street part.
"""

import re
import unicodedata

NAME_MASK = "**"
ADDRESS_MASK = "****"
# Administrative divisions that end the public part of an address.
_DIVISION_END = re.compile(r"(?:自治区|自治州|自治县|特别行政区|街道|省|市|州|盟|区|县|旗|镇|乡)")


def _clean(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def mask_name(name: str | None) -> str:
    if not name or not name.strip():
        return ""
    return _clean(name)[0] + NAME_MASK


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = "".join(ch for ch in _clean(phone) if not ch.isspace() and ch not in "-()（）")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "****"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    value = "".join(ch for ch in _clean(value) if not ch.isspace()).upper()
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_address(value: str | None) -> str:
    if not value or not value.strip():
        return ""
    value = _clean(value)
    # Keep up to the last division word in the first 12 characters, leaving something hidden.
    keep = 0
    for match in _DIVISION_END.finditer(value[:12]):
        if match.end() < len(value):
            keep = match.end()
    if not keep:
        keep = min(6, max(1, len(value) // 3))
    return value[:keep] + ADDRESS_MASK


# Free text naming the parties of a dispute, one per line ("申请人：张丽；被申请人：王强").
_SEPARATORS = re.compile(r"[\n；;]+")
_LABEL = re.compile(r"^(?P<label>[^：:]{1,12})[：:]\s*(?P<name>.+)$")
_NAME_LIST = re.compile(r"[、，,]")


def split_names(names: str) -> list[str]:
    """Names listed in one line (张丽、王强 / 张丽, 王强)."""
    return [n for n in _NAME_LIST.split(names or "") if n.strip()]


def _mask_names(names: str) -> str:
    return "、".join(mask_name(n) for n in split_names(names))


def party_lines(text: str, *, reveal: bool) -> list[str]:
    """The parties, one per line; names masked (张**) unless ``reveal``. A line written as
    "申请人：张丽" keeps its label: "申请人：张**"."""
    lines = [line.strip() for line in _SEPARATORS.split(text or "") if line.strip()]
    if reveal:
        return lines
    out = []
    for line in lines:
        match = _LABEL.match(line)
        if match:
            out.append(f"{match['label']}：{_mask_names(match['name'])}")
        else:
            out.append(_mask_names(line))
    return out
