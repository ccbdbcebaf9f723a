"""Instruments as data: versions once used, the Excel import (all or nothing) and its template,
and the management pages' permissions."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from jinguo.protection.models import Instrument
from jinguo.protection.services import risk_import
from jinguo.protection.services.risk_instruments import (
    BandSpec,
    InstrumentSpec,
    instrument_save,
    spec_of,
)
from jinguo.testing.factories import user_with_role

from .factories_risk import default_instrument, make_assessment

pytestmark = pytest.mark.django_db


def admin(tree):
    return user_with_role(tree.city, "sysadmin")


def edited(instrument, **changes) -> InstrumentSpec:
    spec = spec_of(instrument)
    for name, value in changes.items():
        setattr(spec, name, value)
    return spec


def test_editing_an_unused_instrument_changes_it_in_place(tree):
    instrument = default_instrument()
    spec = edited(instrument, name="本地修订版")
    spec.items[0].question = "这次是否受伤？"
    saved = instrument_save(user=admin(tree), spec=spec, instrument=instrument)
    assert saved.pk == instrument.pk and saved.version == 1
    assert saved.items.get(number=1).question == "这次是否受伤？"


def test_editing_a_used_instrument_makes_the_next_version_and_old_assessments_keep_theirs(tree):
    instrument = default_instrument()
    old = make_assessment(unit=tree.community_a, yes={1})
    spec = edited(instrument)
    spec.items[0].weight = Decimal(3)
    spec.items[0].question = "改过的第一题"
    new = instrument_save(user=admin(tree), spec=spec, instrument=instrument)
    assert new.pk != instrument.pk and new.version == 2 and new.code == instrument.code
    instrument.refresh_from_db()
    assert not instrument.is_active and not instrument.is_default
    assert new.is_default and new.is_active
    old.refresh_from_db()
    assert old.instrument == instrument
    assert old.instrument.items.get(number=1).question != "改过的第一题"
    # New assessments use the new version and its weights.
    assert make_assessment(unit=tree.community_a, yes={1}).score == 3


def test_bands_must_rise(tree):
    spec = edited(default_instrument())
    spec.bands = [
        BandSpec("standard", Decimal(0), 90),
        BandSpec("medium", Decimal(14), 30),
        BandSpec("high", Decimal(10), 7),
    ]
    with pytest.raises(ValidationError) as refused:
        instrument_save(user=admin(tree), spec=spec, instrument=default_instrument())
    assert "分数线须逐级升高" in str(refused.value.message_dict["bands"])


def test_a_user_without_the_permission_cannot_change_an_instrument(tree):
    from django.core.exceptions import PermissionDenied

    officer = user_with_role(tree.district_a, "rights_officer")
    with pytest.raises(PermissionDenied):
        instrument_save(
            user=officer, spec=edited(default_instrument()), instrument=default_instrument()
        )


def sheet(rows, header=risk_import.COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def new_spec(code="local") -> InstrumentSpec:
    return InstrumentSpec(
        code=code,
        name="本地评估表",
        bands=[
            BandSpec("standard", Decimal(0), 60),
            BandSpec("medium", Decimal(3), 20),
            BandSpec("high", Decimal(5), 3),
        ],
    )


def test_the_template_imports_as_it_is(tree):
    content = risk_import.template_workbook()
    saved = risk_import.instrument_import(
        user=admin(tree), data=content, filename="模板.xlsx", spec=new_spec()
    )
    assert saved.items.count() == 24
    assert set(saved.items.exclude(forces_level="").values_list("number", flat=True)) == {
        12,
        13,
        14,
    }
    assert (
        saved.items.get(number=14).help_text == default_instrument().items.get(number=14).help_text
    )


def test_a_good_sheet_imports_its_items(tree):
    data = sheet(
        [
            [1, "是否受伤？", "看得见的伤", "是/否", 1, ""],
            [2, "是否被掐颈？", "", "是/否/不清楚", 2, "高风险"],
        ]
    )
    saved = risk_import.instrument_import(
        user=admin(tree), data=data, filename="x.xlsx", spec=new_spec()
    )
    second = saved.items.get(number=2)
    assert second.answer_type == "yes_no_unknown" and second.forces_level == "high"
    assert second.weight == 2


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(tree):
    before = Instrument.objects.count()
    data = sheet(
        [
            [1, "是否受伤？", "", "是/否", 1, ""],
            ["一", "序号不是数字", "", "是/否", 1, ""],
            [3, "", "", "是/否", 1, ""],
            [4, "分值不对", "", "是/否", "很多", ""],
            [5, "等级不对", "", "是/否", 1, "极高"],
            [1, "序号重复", "", "是/否", 1, ""],
        ]
    )
    with pytest.raises(ValidationError) as refused:
        risk_import.instrument_import(
            user=admin(tree), data=data, filename="x.xlsx", spec=new_spec()
        )
    messages = refused.value.message_dict["upload"]
    text = "\n".join(messages)
    for line in (3, 4, 5, 6, 7):
        assert f"第 {line} 行" in text, text
    assert not any(m.startswith("第 2 行") for m in messages)
    assert "序号“一”不是整数" in text and "问题不能为空" in text and "与第 2 行重复" in text
    assert Instrument.objects.count() == before


def test_a_sheet_without_the_question_column_is_refused(tree):
    data = sheet([[1, "x"]], header=["序号", "内容"])
    with pytest.raises(ValidationError) as refused:
        risk_import.instrument_import(
            user=admin(tree), data=data, filename="x.xlsx", spec=new_spec()
        )
    assert "缺少列：问题" in str(refused.value.message_dict["upload"])


def test_a_file_that_is_not_xlsx_is_refused_in_chinese(tree):
    with pytest.raises(ValidationError) as refused:
        risk_import.instrument_import(
            user=admin(tree), data=b"PK\x03\x04garbage", filename="x.xlsx", spec=new_spec()
        )
    assert "Excel" in str(refused.value.message_dict["upload"])


def test_importing_an_existing_code_makes_its_next_version(tree):
    make_assessment(unit=tree.community_a)
    spec = new_spec(code=default_instrument().code)
    saved = risk_import.instrument_import(
        user=admin(tree), data=risk_import.template_workbook(), filename="x.xlsx", spec=spec
    )
    assert saved.version == 2 and saved.is_default


# --- pages ------------------------------------------------------------------------------------


def test_the_import_page_shows_every_error_and_keeps_the_form(tree, client):
    client.force_login(admin(tree))
    data = sheet([["x", "", "", "是/否", 1, ""]])
    r = client.post(
        reverse("protection:instrument_import"),
        {
            "code": "local",
            "name": "本地评估表",
            "medium_min": "3",
            "high_min": "5",
            "standard_days": "60",
            "medium_days": "20",
            "high_days": "3",
            "upload": SimpleUploadedFile("x.xlsx", data),
        },
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "第 2 行" in page and "本地评估表" in page
    assert not Instrument.objects.filter(code="local").exists()


def test_the_template_downloads(tree, client):
    client.force_login(user_with_role(tree.district_a, "rights_officer"))
    r = client.get(reverse("protection:instrument_template"))
    assert r.status_code == 200 and r.content.startswith(b"PK")


def test_editing_through_the_page_makes_a_version_when_used(tree, client):
    instrument = default_instrument()
    make_assessment(unit=tree.community_a)
    client.force_login(admin(tree))
    url = reverse("protection:instrument_update", args=[instrument.pk])
    assert client.get(url).status_code == 200
    items = list(instrument.items.order_by("number"))
    data = {
        "name": instrument.name,
        "description": "",
        "medium_min": "10",
        "high_min": "12",
        "standard_days": "90",
        "medium_days": "30",
        "high_days": "7",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "200",
    }
    for i, item in enumerate(items):
        data |= {
            f"items-{i}-number": item.number,
            f"items-{i}-question": item.question,
            f"items-{i}-help_text": item.help_text,
            f"items-{i}-answer_type": item.answer_type,
            f"items-{i}-weight": "1",
            f"items-{i}-forces_level": item.forces_level,
        }
    data["items-23-DELETE"] = "on"
    r = client.post(url, data)
    assert r.status_code == 302, r.context and r.context["form"].errors
    new = Instrument.objects.get(code=instrument.code, version=2)
    assert new.items.count() == 23
    assert new.bands.get(level="high").min_score == 12


@pytest.mark.parametrize("name", ["instrument_create", "instrument_import"])
def test_a_rights_officer_may_not_manage_instruments(tree, client, name):
    client.force_login(user_with_role(tree.district_a, "rights_officer"))
    assert client.get(reverse(f"protection:{name}")).status_code == 404
    assert client.get(reverse("protection:instrument_list")).status_code == 200


def test_a_grid_worker_sees_no_instrument_page(tree, client):
    client.force_login(user_with_role(tree.community_a, "grid_worker"))
    assert client.get(reverse("protection:instrument_list")).status_code == 404
    assert client.get(reverse("protection:instrument_template")).status_code == 404
