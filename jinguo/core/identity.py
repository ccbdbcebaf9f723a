"""Identity data checks: resident ID numbers (GB 11643) and Chinese phone numbers."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level prefixes in use (including 71 Taiwan, 81 Hong Kong, 82 Macao).
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(\d{1,6})?$")


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    gender: str  # "M" or "F"
    area: str


_ZERO_WEIGHTED = ord("0") * sum(WEIGHTS)


def check_char(first17: str) -> str:
    """GB 11643's check character of the first 17 digits."""
    if len(first17) != len(WEIGHTS) or not first17.isdigit():
        raise ValueError("the first 17 characters of a resident ID must be digits")
    # Weighted sum of the digits, from their character codes (an import checks every row).
    total = sum(map(mul, first17.encode("ascii"), WEIGHTS)) - _ZERO_WEIGHTED
    return CHECK_CHARS[total % 11]


def parse_resident_id(value: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-character resident ID; raise ValidationError with a Chinese message."""
    # Full-width digits and Ｘ, as a Chinese input method types them, count as the ASCII ones.
    number = unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "")
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为 18 位，当前为 %(n)d 位。") % {"n": len(number)}, code="id_length"
        )
    if not number.isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise ValidationError(
            _("身份证号码前 17 位须为数字，最后一位为数字或 X。"), code="id_chars"
        )
    if number[:2] not in PROVINCES:
        raise ValidationError(
            _("身份证号码的前两位 %(p)s 不是有效的省级代码。") % {"p": number[:2]},
            code="id_province",
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号码中的出生日期 %(d)s 不存在。") % {"d": number[6:14]}, code="id_birth"
        ) from None
    today = today or date.today()
    if birth > today or birth.year < 1900:
        raise ValidationError(
            _("身份证号码中的出生日期 %(d)s 不合理。") % {"d": birth.isoformat()}, code="id_birth"
        )
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("身份证号码校验位错误：最后一位应为 %(c)s，请核对号码。") % {"c": expected},
            code="id_check",
        )
    gender = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number=number, birth_date=birth, gender=gender, area=number[:6])


def cross_check_resident_id(
    parsed: ResidentId, *, birth_date: date | None, gender: str | None
) -> list[str]:
    """Messages for a birth date or gender that contradicts the ID number."""
    errors = []
    if birth_date and birth_date != parsed.birth_date:
        errors.append(
            _("出生日期 %(given)s 与身份证号码中的 %(id)s 不一致。")
            % {"given": birth_date.isoformat(), "id": parsed.birth_date.isoformat()}
        )
    if gender in ("M", "F") and gender != parsed.gender:
        errors.append(
            _("性别与身份证号码不一致：号码第 17 位表示%(g)s。")
            % {"g": _("男") if parsed.gender == "M" else _("女")}
        )
    return errors


def normalise_phone(value: str) -> str:
    text = re.sub(r"[\s\-()（）]", "", value or "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def validate_phone(value: str) -> str:
    """Return the normalised phone, or raise ValidationError (mobile or landline with area code)."""
    text = normalise_phone(value)
    if MOBILE.match(text) or LANDLINE.match(text):
        return text
    raise ValidationError(
        _("电话号码格式不正确：手机号为 11 位数字（1 开头），座机须带区号。"), code="phone"
    )
