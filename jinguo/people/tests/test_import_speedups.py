"""The import's fast paths give exactly what the plain ones gave.

The sheet is streamed with lxml instead of openpyxl's cell objects, rows are inserted without
bulk_create's query compilation, and likely duplicates are looked up with one hand-built OR
per chunk: each is checked here against the slow path it replaced.
"""

import io
import re
import zipfile
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.db.models import Value
from openpyxl import Workbook, load_workbook

from jinguo.core import crypto
from jinguo.orgs.importing import ImportFileError
from jinguo.people import choices
from jinguo.people.models import Person, PersonTag
from jinguo.people.services.bulk_insert import _preparer, insert_rows
from jinguo.people.services.derived import id_number_index, person_fill_derived, phone_index
from jinguo.people.services.importing import columns, lookups, reader, runner
from jinguo.people.tests.factories import PersonFactory, resident_id

ADULT = date(1985, 3, 1)


def openpyxl_rows(path: Path) -> list[tuple[int, list]]:
    """What iter_rows used to read: openpyxl's read-only values, gaps filled with empty rows."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    return [(n, list(v)) for n, v in enumerate(rows, start=1) if any(x is not None for x in v)]


def fast_rows(path: Path) -> list[tuple[int, list]]:
    sheet = reader.open_sheet(path)
    try:
        return [(n, v) for n, v in sheet.rows() if any(x is not None for x in v)]
    finally:
        sheet.close()


def awkward_workbook(write_only: bool) -> Workbook:
    """Dates, times, numbers, booleans, blanks, a skipped row and a short row."""
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("人员") if write_only else workbook.active
    sheet.append(columns.HEADERS)
    sheet.append(["张丽", "女", ADULT, None, "居民身份证", resident_id(ADULT), 13800138000])
    sheet.append([" 李芳 ", "", datetime(1990, 1, 31, 8, 30), "汉族", "", "", 1.5, True])
    sheet.append([])  # an empty row between data rows
    sheet.append(["王芳", None, "1970/1/1", None, None, None, None, False, None, None, "x"])
    sheet.append(["赵敏", "女", time(8, 30), 19700215, "=1+1", "#N/A", "", "", "  "])
    return workbook


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings"])
def test_the_sheet_reads_as_openpyxl_reads_it(tmp_path, write_only):
    path = tmp_path / "人员.xlsx"
    awkward_workbook(write_only).save(path)
    rows = fast_rows(path)
    assert rows == openpyxl_rows(path)
    assert rows[1][1][2] == datetime(1985, 3, 1), "a date cell comes back as a datetime"


def test_rich_text_cells_without_references_and_a_declared_size(tmp_path):
    """What Excel and WPS write, and openpyxl does not: runs, no r attributes, <dimension>."""
    path = tmp_path / "人员.xlsx"
    awkward_workbook(False).save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    head, rest = xml.split("<sheetData>", 1)
    head = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:C9"', head)
    assert 'ref="A1:C9"' in head
    extra = (
        '<row r="8"><c t="inlineStr"><is><r><t>孙</t></r><r><rPr><b/></rPr><t>丽</t></r>'
        '</is></c><c t="inlineStr"><is><t xml:space="preserve"> 女 </t><rPh sb="0" eb="1"><t>nv</t></rPh>'
        '</is></c><c><v>3</v></c><c t="inlineStr"><is><t>past the declared width</t></is></c>'
        '</row><row r="12"><c r="A12" t="inlineStr"><is><t>past the declared rows</t></is></c>'
        "</row></sheetData>"
    )
    parts[sheet] = (head + "<sheetData>" + rest.replace("</sheetData>", extra, 1)).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    rows = fast_rows(path)
    assert rows == openpyxl_rows(path)
    assert rows[-1] == (8, ["孙丽", " 女 ", 3])


def test_a_damaged_or_foreign_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "人员.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFileError, match="无法读取"):
        list(reader.iter_rows(path))
    path.write_bytes(b"name,phone\n")
    with pytest.raises(ImportFileError, match="不是有效的 xlsx"):
        list(reader.iter_rows(path))


def test_every_word_for_a_choice_leads_to_a_valid_value(monkeypatch):
    """Rows are not re-checked against the choices, so an alias to nothing must not load."""
    maps = columns.choice_maps()
    for column in columns.COLUMNS:
        if column.choices:
            assert set(maps[column.key].values()) <= set(column.choices.values)
    monkeypatch.setitem(columns.CHOICE_ALIASES, "education", {"中专": "vocational"})
    with pytest.raises(ImproperlyConfigured):
        columns.choice_maps()


@pytest.mark.django_db
def test_rows_are_inserted_as_bulk_create_inserts_them(tree, community_chair):
    def person(**changes) -> Person:
        values = {
            "name": "张丽",
            "birth_date": ADULT,
            "id_type": choices.IdType.RESIDENT,
            "id_number": resident_id(ADULT),
            "phone": "13800138000",
            "address": "示范市和平区芳草路 1 号",
            "education": choices.Education.SENIOR,
            "is_sensitive": True,
            **changes,
        }
        unit = tree.community_a
        p = Person(org=unit, org_path=unit.path, created_by=community_chair, **values)
        return person_fill_derived(p)

    (by_orm,) = Person.objects.bulk_create([person()])
    rows = [person(id_number=resident_id(ADULT, seq=2)), person(id_number="", phone="")]
    ids = insert_rows(Person, rows, returning=True)
    assert len(ids) == 2 and ids == sorted(ids) and by_orm.pk < ids[0]
    assert [p.pk for p in rows] == [None, None], "the caller sets the ids"

    ours = Person.objects.get(pk=ids[0])
    differ = {"id", "id_number", "id_number_index", "created_at", "updated_at"}
    for field in Person._meta.concrete_fields:
        if field.attname not in differ:
            assert getattr(ours, field.attname) == getattr(by_orm, field.attname), field
    assert ours.id_number == resident_id(ADULT, seq=2)
    assert ours.id_number_index == id_number_index("resident", resident_id(ADULT, seq=2))
    assert ours.created_at and ours.updated_at and ours.org == tree.community_a

    # Encrypted at rest, exactly as the ORM stores them; empty values stay empty.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, id_number, phone, address FROM people_person WHERE id IN (%s, %s)", ids
        )
        raw = {pk: values for pk, *values in cursor.fetchall()}
    assert all(v.startswith("enc1:") for v in raw[ids[0]])
    assert raw[ids[1]][:2] == ["", ""] and raw[ids[1]][2].startswith("enc1:")


@pytest.mark.django_db
def test_an_import_stores_ciphertext_and_blind_indexes(tree, community_chair, tmp_path):
    number = resident_id(ADULT, seq=5)
    workbook = Workbook()
    workbook.active.append(columns.HEADERS)
    values = {"姓名": "张丽", "出生日期": ADULT, "证件号码": number, "手机号": "13800138000"}
    values.update({"所属单位代码": tree.community_a.code, "现住址": "芳草路 1 号"})
    values["关注标签"] = "留守妇女"
    workbook.active.append([values.get(h) for h in columns.HEADERS])
    path = tmp_path / "人员.xlsx"
    workbook.save(path)

    outcome = runner.import_persons(community_chair, path, file_name="人员.xlsx")
    assert outcome.ok and outcome.created == 1 and outcome.tags == 1, outcome.issues
    person = Person.objects.get()
    assert (person.id_number, person.phone, person.address) == (
        number,
        "13800138000",
        "芳草路 1 号",
    )
    assert person.id_number_index == id_number_index("resident", number)
    assert person.phone_index == phone_index("13800138000")
    assert person.search_text and person.created_by == community_chair
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, address FROM people_person")
        assert all(v.startswith("enc1:") and "1380013" not in v for v in cursor.fetchone())
    tag = PersonTag.objects.get()
    assert (tag.person, tag.org_id, tag.responsible) == (person, person.org_id, community_chair)
    assert Person.objects.filter(search_text__fts="张丽").get() == person


@pytest.mark.django_db
def test_likely_duplicates_over_several_look_ups(tree, community_chair, tmp_path, monkeypatch):
    monkeypatch.setattr(lookups, "LOOKUP_CHUNK", 2)
    births = [date(1970 + i, 1, 1) for i in range(5)]
    names = ["王芳", "李娜", "张敏", "刘静", "陈丽"]
    on_file = [
        PersonFactory(org=tree.community_a, name=names[i], birth_date=births[i], id_number="")
        for i in (0, 2, 4)
    ]
    PersonFactory(org=tree.community_a, name="李娜", birth_date=date(1999, 1, 1), id_number="")
    workbook = Workbook()
    workbook.active.append(columns.HEADERS)
    for name, birth in zip(names, births, strict=True):
        row = {"姓名": name, "性别": "女", "出生日期": birth, "所属单位代码": tree.community_a.code}
        workbook.active.append([row.get(h) for h in columns.HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "人员.xlsx"
    path.write_bytes(buffer.getvalue())

    outcome = runner.import_persons(community_chair, path, file_name="人员.xlsx")
    assert outcome.ok and outcome.created == 5
    warned = {(i.row, i.message) for i in outcome.issues if i.level == "warning"}
    assert {row for row, _message in warned} == {2, 4, 6}
    assert all(
        f"#{p.pk}" in message for p, (_row, message) in zip(on_file, sorted(warned), strict=True)
    )


@pytest.mark.django_db
def test_each_fields_shortcut_prepares_values_as_the_field_does(recwarn):
    """Dates, aware datetimes and text skip layers of get_db_prep_save, not its result."""
    values = [
        None,
        "",
        "13800138000",
        ADULT,
        datetime(1990, 1, 31, 8, 30),
        datetime(1990, 1, 31, 8, 30, tzinfo=UTC),
        Value("x"),
    ]
    for field in [*Person._meta.concrete_fields, *PersonTag._meta.concrete_fields]:
        prepare = _preparer(field, connection)
        if prepare is None:
            continue
        for value in values:
            try:
                expected = field.get_db_prep_save(value, connection)
            except (ValidationError, TypeError, ValueError, AttributeError) as exc:
                with pytest.raises(type(exc)):  # not a value this field takes
                    prepare(value)
                continue
            got = prepare(value)
            if isinstance(expected, str) and expected.startswith("enc1:"):
                # A fresh nonce each time: compare what was sealed.
                assert crypto.decrypt(got) == crypto.decrypt(expected), (field, value)
            else:
                assert got == expected, (field, value)
