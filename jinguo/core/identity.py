"""Identity data checks: resident ID numbers (GB 11643) and Chinese phone numbers.

A resident ID's area code is checked against the national division codes, historical ones
included (``area_is_known``); an unknown one is for the user to confirm, not an error.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level prefixes in use (including 71 Taiwan, 81 Hong Kong, 82 Macao).
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip
# Full-width digits and x/X, as a Chinese input method types them, count as the ASCII ones;
# no other digit-like character does (superscript, circled, Arabic-Indic…).
DIGITS = "0123456789"
ID_CHARS = str.maketrans("０１２３４５６７８９ｘＸx", "0123456789XXX")
RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")
AREA = re.compile(r"[0-9]{6}")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(\d{1,6})?$")


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    gender: str  # "M" or "F"
    area: str

    @property
    def area_known(self) -> bool:
        return area_is_known(self.area)


_ZERO_WEIGHTED = ord("0") * sum(WEIGHTS)


def check_char(first17: str) -> str:
    """GB 11643's check character of the first 17 digits."""
    if len(first17) != len(WEIGHTS) or not first17.isdigit():
        raise ValueError("the first 17 characters of a resident ID must be digits")
    # Weighted sum of the digits, from their character codes (an import checks every row).
    total = sum(map(mul, first17.encode("ascii"), WEIGHTS)) - _ZERO_WEIGHTED
    return CHECK_CHARS[total % 11]


def normalise_resident_id(value: str) -> str:
    """The number without spaces, full-width digits and x read as ASCII (nothing else is)."""
    return "".join((value or "").split()).translate(ID_CHARS)


def _bad_char_error(number: str) -> ValidationError:
    """Name the first character that is not allowed where it stands."""
    pos, char = next(
        (i + 1, c) for i, c in enumerate(number) if c not in ("0123456789X" if i == 17 else DIGITS)
    )
    if char.isnumeric():
        message = _(
            "身份证号码第 %(pos)d 位的“%(char)s”不是普通的数字或 X（上标、带圈或其他文字的数字"
            "都不能用），请用 0-9 和 X 重新输入，全角也可以。"
        )
    else:
        message = _("身份证号码前 17 位须为数字，最后一位为数字或 X；第 %(pos)d 位是“%(char)s”。")
    return ValidationError(message % {"pos": pos, "char": char}, code="id_chars")


def parse_resident_id(value: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-character resident ID; raise ValidationError with a Chinese message.

    An area code that is no known division is not an error here: see ``area_is_known``."""
    number = normalise_resident_id(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为 18 位，当前为 %(n)d 位。") % {"n": len(number)}, code="id_length"
        )
    if not RESIDENT_ID.fullmatch(number):
        raise _bad_char_error(number)
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


@lru_cache(maxsize=8192)
def area_is_known(area: str) -> bool:
    """Whether six digits are a division code of county level, in use now or abolished.

    The table is python-stdnum's (cn/loc), read through its numdb query. Unlike its
    ric.is_valid we accept a code whatever the birth year: a number is given when a person is
    first registered, often years after her birth and sometimes in a county created since.
    """
    if not AREA.fullmatch(area):
        return False
    parts = numdb.get("cn/loc").info(area)
    return len(parts) == 2 and bool(parts[1][1].get("county"))


def unknown_area_message(area: str) -> str:
    return _("证件号前六位 %(area)s 不是已知的行政区划代码（含已撤销的历史代码）。") % {
        "area": area
    }


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
