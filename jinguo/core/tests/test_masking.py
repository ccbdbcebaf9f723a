"""Personal information is shown masked by default."""

import pytest

from jinguo.core.masking import mask_address, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张**"),
        ("张三", "张**"),
        ("欧阳娜娜", "欧**"),
        (" 李 ", "李**"),
        ("", ""),
        (None, ""),
    ],
)
def test_names_keep_the_surname_and_hide_the_length(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("+86 138 0013 8000", "138****8000"),
        ("１３８００１３８０００", "138****8000"),
        ("010-12345678", "010****5678"),
        ("12345678", "****5678"),
        ("123", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_phones_keep_the_first_three_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110105199001010123", "110105********0123"),
        ("11010519900101012x", "110105********012X"),
        ("110105900101012", "110105*****1012"),
        ("E12345678", "E1*****78"),
        ("", ""),
    ],
)
def test_id_numbers_keep_the_region_code_and_last_four(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("北京市朝阳区建国路88号", "北京市朝阳区****"),
        ("河北省石家庄市长安区中山东路123号", "河北省石家庄市长安区****"),
        ("广西壮族自治区南宁市青秀区民族大道", "广西壮族自治区南宁市****"),
        ("芳草社区3号楼2单元", "芳草社区****"),
        ("建国路88号院", "建国****"),
        ("", ""),
    ],
)
def test_addresses_keep_the_administrative_part(address, masked):
    assert mask_address(address) == masked


def test_a_mask_never_contains_the_hidden_part():
    assert "0013" not in mask_phone("13800138000")
    assert "19900101" not in mask_id_number("110105199001010123")
    assert "88" not in mask_address("北京市朝阳区建国路88号")
