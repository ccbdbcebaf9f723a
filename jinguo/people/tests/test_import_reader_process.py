"""Large files are parsed by a helper process: the rows, the refusals and an early stop are
the same as when the importer reads the sheet itself."""

import zipfile

import pytest

from jinguo.orgs.importing import ImportFileError
from jinguo.people.models import Person
from jinguo.people.services.importing import columns, reader, runner
from jinguo.people.services.xlsx_stream import rows_in_process
from jinguo.people.tests.test_import_speedups import awkward_workbook, fast_rows


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings"])
def test_the_helper_process_reads_what_the_importer_reads(tmp_path, write_only):
    path = tmp_path / "人员.xlsx"
    awkward_workbook(write_only).save(path)
    in_process = [(n, v) for n, v in rows_in_process(path) if any(x is not None for x in v)]
    assert in_process == fast_rows(path)
    assert list(reader.iter_rows(path, in_process=True)) == list(
        reader.iter_rows(path, in_process=False)
    )


def test_a_damaged_sheet_is_refused_with_the_same_message(tmp_path):
    path = tmp_path / "人员.xlsx"
    awkward_workbook(False).save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    # Cut short inside the rows: what follows them (margins, merges…) is no longer read.
    parts["xl/worksheets/sheet1.xml"] = sheet[: sheet.index(b"</sheetData>") - 20]
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportFileError, match="无法读取") as refused:
        list(reader.iter_rows(path, in_process=True))
    assert str(refused.value.__cause__) == "XMLSyntaxError"  # the kind only, never a cell's text
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFileError, match="无法读取"):
        list(reader.iter_rows(path, in_process=True))
    path.write_bytes(b"name,phone\n")
    with pytest.raises(ImportFileError, match="不是有效的 xlsx"):
        list(reader.iter_rows(path, in_process=True))


def test_stopping_early_ends_the_helper_process(tmp_path, monkeypatch):
    import multiprocessing

    path = tmp_path / "人员.xlsx"
    workbook = awkward_workbook(True)
    sheet = workbook.worksheets[0]
    for i in range(3000):
        sheet.append([f"人员{i}", "女"])
    workbook.save(path)
    monkeypatch.setattr(reader, "MAX_ROWS", 10)
    with pytest.raises(ImportFileError, match="上限"):
        list(reader.iter_rows(path, in_process=True))
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


@pytest.mark.django_db
def test_a_whole_import_through_the_helper_process(tree, community_chair, tmp_path, monkeypatch):
    from openpyxl import Workbook

    path = tmp_path / "人员.xlsx"
    workbook = Workbook()
    workbook.active.append(columns.HEADERS)
    code = tree.community_a.code
    for i in range(30):
        row = {"name": f"测试{i}", "gender": "女", "unit_code": code}
        workbook.active.append([row.get(c.key, "") for c in columns.COLUMNS])
    workbook.save(path)
    monkeypatch.setattr(reader, "READ_IN_PROCESS_BYTES", 0)  # every file through the process
    outcome = runner.import_persons(community_chair, path, file_name=path.name)
    assert outcome.errors == 0 and outcome.created == 30
    assert Person.objects.filter(name__startswith="测试").count() == 30
