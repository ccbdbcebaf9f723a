"""A resident ID's area code against the national division codes, and agreement with
python-stdnum's own check (stdnum.cn.ric) on a generated sample."""

import random
from datetime import date, timedelta
from functools import cache
from importlib.resources import files

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from jinguo.core.identity import area_is_known, check_char, parse_resident_id

TODAY = date(2025, 6, 1)


def with_check(body: str) -> str:
    return body + check_char(body)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # 北京市朝阳区, in use (GB 11643's example)
        with_check("11010319600101002"),  # 北京市崇文区, merged into 东城区 in 2010
        with_check("11022319700101002"),  # 北京市通县, 1982–1997
        with_check("32050219850301002"),  # 苏州市沧浪区, 1983–2012
        with_check("81000019900101002"),  # 香港特别行政区 (residence permits)
    ],
)
def test_current_and_abolished_areas_are_known(number):
    assert parse_resident_id(number, today=TODAY).area_known


@pytest.mark.parametrize(
    "number",
    [
        "449329195607298926",  # 广东省, but 9329 never was a county code
        with_check("11019919800101002"),
        with_check("71123419800101002"),  # 台湾省 has only 710000
    ],
)
def test_areas_that_never_existed_are_unknown(number):
    parsed = parse_resident_id(number, today=TODAY)  # a warning for the user, not an error
    assert not parsed.area_known


@pytest.mark.parametrize("area", ["", "11010", "1101051", "11010X", "１１０１０５"])
def test_only_six_ascii_digits_are_an_area(area):
    assert not area_is_known(area)


# --- agreement with stdnum.cn.ric --------------------------------------------------------


def table_codes() -> list[str]:
    """Every six-digit code in python-stdnum's table, read directly from its data file."""
    codes, province = [], None
    text = files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code = line.split()[0]
        if not line.startswith(" "):
            province = code
        elif "county=" in line:
            codes.append(province + code)
    return codes


def stdnum_valid(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except KeyError:  # a province it knows with a county it does not (stdnum 2.2)
        return False


@cache
def stdnum_knows_area_in_some_year(area: str) -> bool:
    """Whether stdnum accepts the area for some birth year from 1900 to now."""
    for year in range(TODAY.year, 1899, -1):
        try:
            ric.get_birth_place(f"{area}{year}0101000")
        except (StdnumError, KeyError):
            continue
        return True
    return False


def ours_valid(number: str) -> bool:
    """Accepted without asking the user to confirm."""
    try:
        return parse_resident_id(number, today=TODAY).area_known
    except ValidationError:
        return False


def sample(n: int, seed: int = 11643) -> list[str]:
    """Numbers with a valid check digit and birth date: areas from the table (current and
    abolished), random counties of real provinces, random codes; a few wrong check digits."""
    rng = random.Random(seed)
    codes = table_codes()
    provinces = sorted({c[:2] for c in codes})
    span = (TODAY - date(1900, 1, 1)).days
    numbers = []
    for i in range(n):
        kind = i % 4
        if kind < 2:
            area = rng.choice(codes)
        elif kind == 2:
            area = rng.choice(provinces) + f"{rng.randrange(10_000):04d}"
        else:
            area = f"{rng.randrange(10**6):06d}"
        birth = date(1900, 1, 1) + timedelta(days=rng.randrange(span))
        body = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = with_check(body)
        if i % 50 == 0:
            number = body + "0123456789X".replace(number[-1], "")[rng.randrange(10)]
        numbers.append(number)
    return numbers


def test_verdicts_agree_with_stdnum():
    """stdnum never accepts a number we refuse or warn about, and accepts every number we
    accept, except that it also wants the county to have existed in the birth year: 110112
    (通州区, since 1997) for someone born in 1960 is valid to us, not to stdnum."""
    numbers = sample(3000)
    ours = {n: ours_valid(n) for n in numbers}
    theirs = {n: stdnum_valid(n) for n in numbers}
    assert [n for n in numbers if theirs[n] and not ours[n]] == []
    only_ours = [n for n in numbers if ours[n] and not theirs[n]]
    assert [n for n in only_ours if not stdnum_knows_area_in_some_year(n[:6])] == []
    # The sample exercises each outcome.
    assert sum(theirs.values()) > 600
    assert len(only_ours) > 100
    assert sum(not v for v in ours.values()) > 1000
