"""Resident ID numbers (GB 11643): check character, full-width input, refusals in Chinese."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jinguo.core.identity import check_char, parse_resident_id

# A published example number (GB 11643's own): 1949-12-31, female, check character X.
EXAMPLE = "11010519491231002X"


def slow_check_char(first17: str) -> str:
    """The standard's definition, written plainly."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def test_check_character_follows_the_standard():
    assert check_char(EXAMPLE[:17]) == "X"
    for n in range(0, 10**17, 7_777_777_777_777):
        first17 = f"{n:017d}"
        assert check_char(first17) == slow_check_char(first17)


@pytest.mark.parametrize("bad", ["", "1101051949123100", "11010519491231002X", "1101051949123100a"])
def test_check_character_needs_seventeen_digits(bad):
    with pytest.raises(ValueError):
        check_char(bad)


def test_full_width_digits_and_x_are_read_as_ascii():
    parsed = parse_resident_id("１１０１０５１９４９１２３１００２ｘ")
    assert parsed.number == EXAMPLE
    assert (parsed.birth_date, parsed.gender) == (date(1949, 12, 31), "F")
    assert parse_resident_id("110105　19491231 002Ｘ").number == EXAMPLE


def swap(position: int, char: str) -> str:
    """EXAMPLE with the character at ``position`` (1-based) replaced."""
    return EXAMPLE[: position - 1] + char + EXAMPLE[position:]


@pytest.mark.parametrize(
    ("value", "position", "char"),
    [
        (swap(1, "¹"), 1, "¹"),  # superscript one, which NFKC turns into 1
        (swap(17, "²"), 17, "²"),
        (swap(5, "⁰"), 5, "⁰"),
        (swap(1, "①"), 1, "①"),  # circled
        (swap(16, "⓪"), 16, "⓪"),
        (swap(1, "𝟏"), 1, "𝟏"),  # mathematical bold
        (swap(18, "Ⅹ"), 18, "Ⅹ"),  # Roman numeral ten, not the letter
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", 1, "١"),  # Arabic-Indic
        (swap(3, "३"), 3, "३"),  # Devanagari
    ],
)
def test_only_ascii_and_full_width_digits_count(value, position, char):
    with pytest.raises(ValidationError) as exc:
        parse_resident_id(value)
    assert exc.value.code == "id_chars"
    message = exc.value.messages[0]
    assert f"第 {position} 位" in message and f"“{char}”" in message
    assert "0-9" in message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "18 位"),
        ("1101051949123100Y2", "前 17 位须为数字.*第 17 位是“Y”"),
        ("11010519491231002Ｙ", "前 17 位须为数字.*第 18 位是“Ｙ”"),
        ("110105194912310021", "校验位错误"),
    ],
)
def test_refusals_say_what_is_wrong(value, message):
    with pytest.raises(ValidationError, match=message):
        parse_resident_id(value)
