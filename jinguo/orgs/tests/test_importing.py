import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jinguo.core.models import AuditEvent
from jinguo.orgs.importing import import_units, rows_under
from jinguo.orgs.importing.readers import read_csv, read_nbs_directory, read_upload
from jinguo.orgs.models import OrgUnit
from jinguo.testing import xlsx_bombs as bombs
from jinguo.testing.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

DIVISIONS = Path(__file__).resolve().parents[4] / "shared" / "data" / "divisions"
needs_divisions = pytest.mark.skipif(
    not DIVISIONS.is_dir(), reason="the NBS division files are not beside the repository"
)

GOOD_CSV = """代码,名称,上级代码
990101002,安澜街道妇联,990101
990101002001,锦绣社区妇联,990101002
990101002002,静安社区妇联,990101002
990101003,柳岸镇妇联,990101
990101003201,柳岸村妇联,990101003
"""


def csv_rows(text: str):
    return read_csv(text.encode("utf-8"), "units.csv")


def test_good_file_creates_units_parents_first(tree, sysadmin):
    result = import_units(user=sysadmin, rows=csv_rows(GOOD_CSV), source="units.csv")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    village = OrgUnit.objects.get(code="990101003201")
    assert village.path == "9901/990101/990101003/990101003201/"
    assert village.kind == "community"
    assert village.level == tree.district_a.level + 2
    assert village.parent.code == "990101003"
    events = AuditEvent.objects.filter(action="import")
    assert events.count() == 1
    assert events.get().after == {"created": 5, "updated": 0}
    assert events.get().object_type == ""  # two top units: no single anchor


def test_every_error_is_reported_and_nothing_is_imported(tree, sysadmin):
    text = (
        "代码,名称,上级代码\n"
        ",无代码社区,990101001\n"  # 2: missing code
        "99010100A,字母街道,990101\n"  # 3: non-digit
        "9901010,七位码,990101\n"  # 4: wrong length
        "990101002,安澜街道妇联,990101\n"  # 5: fine
        "990101002,安澜街道妇联二,990101\n"  # 6: duplicate code
        "990101004001,孤儿社区,990101004\n"  # 7: unknown parent
        "990101005,错级街道,9901\n"  # 8: parent of the wrong level
        "990101006,,990101\n"  # 9: empty name
        f"990101007,{'长' * 101},990101\n"  # 10: name too long
        "990102008,越界街道,990102\n"  # 11: parent outside scope? (sysadmin: in scope) fine
        "990101009,前缀不符,990102\n"  # 12: code does not start with parent
        "990101010,缺上级,\n"  # 13: missing parent code
    )
    before = OrgUnit.objects.count()
    result = import_units(user=sysadmin, rows=csv_rows(text))
    assert not result.ok
    found = {(e.line, e.column): e.message for e in result.errors}
    assert "代码不能为空" in found[(2, "代码")]
    assert "只能包含数字" in found[(3, "代码")]
    assert "实际为 7 位" in found[(4, "代码")]
    assert "与第 5 行重复" in found[(6, "代码")]
    assert "在文件和系统中都不存在" in found[(7, "上级代码")]
    assert "上级代码应为 6 位" in found[(8, "上级代码")]
    assert "名称不能为空" in found[(9, "名称")]
    assert "不能超过 100 个字符" in found[(10, "名称")]
    assert "应以上级代码 990102 开头" in found[(12, "代码")]
    assert "上级代码不能为空" in found[(13, "上级代码")]
    assert {line for line, _col in found} == {2, 3, 4, 6, 7, 8, 9, 10, 12, 13}
    assert all(e.source == "units.csv" for e in result.errors)
    assert OrgUnit.objects.count() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_reimport_changes_nothing_and_renames_are_counted(tree, sysadmin):
    import_units(user=sysadmin, rows=csv_rows(GOOD_CSV))
    stamp = OrgUnit.objects.get(code="990101002").updated_at
    again = import_units(user=sysadmin, rows=csv_rows(GOOD_CSV))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert OrgUnit.objects.get(code="990101002").updated_at == stamp
    assert AuditEvent.objects.filter(action="import").count() == 1

    renamed = import_units(
        user=sysadmin, rows=csv_rows(GOOD_CSV.replace("静安社区妇联", "静安里社区妇联"))
    )
    assert (renamed.created, renamed.updated, renamed.unchanged) == (0, 1, 4)
    assert OrgUnit.objects.get(code="990101002002").name == "静安里社区妇联"


def test_existing_unit_under_another_parent_is_an_error_not_a_move(tree, sysadmin):
    from jinguo.orgs.services import orgunit_move

    orgunit_move(user=sysadmin, unit=tree.community_a2, new_parent=tree.street_b)
    rows = csv_rows("代码,名称,上级代码\n990101001002,杏林社区妇联,990101001\n")
    result = import_units(user=sysadmin, rows=rows)
    assert "上级代码为 990102001" in result.errors[0].message
    assert OrgUnit.objects.get(code="990101001002").parent == tree.street_b


def test_import_stays_inside_the_users_subtree(tree):
    clerk = UserFactory(home_unit=tree.district_a)
    grant(clerk, "orgs.view_orgunit", "orgs.import_orgunit")
    text = (
        "代码,名称,上级代码\n"
        "9901,示范市妇联,\n"  # her ancestor, unchanged: allowed
        "990101,和平区妇联,9901\n"
        "990101002,安澜街道妇联,990101\n"
        "990102009,越界街道,990102\n"  # under 新华区: refused
        "990102001,明德街道妇联（改）,990102\n"  # renaming outside her scope: refused
    )
    result = import_units(user=clerk, rows=csv_rows(text))
    found = {e.line: e.message for e in result.errors}
    assert set(found) == {5, 6}
    assert "990102 不在您的管辖范围内" in found[5]
    assert "990102001 不在您的管辖范围内" in found[6]
    ok = import_units(user=clerk, rows=csv_rows("\n".join(text.splitlines()[:4])))
    assert ok.ok and ok.created == 1 and ok.unchanged == 2


def test_xlsx_with_numeric_codes(tree, sysadmin):
    wb = Workbook()
    ws = wb.active
    ws.append(["代码", "名称", "上级代码"])
    ws.append([990101002, "安澜街道妇联", 990101])
    ws.append([990101002001.0, "锦绣社区妇联", "990101002"])
    ws.append([None, None, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    rows = read_upload(buffer.getvalue(), "区划.xlsx")
    assert [(r.line, r.code, r.parent_code) for r in rows] == [
        (2, "990101002", "990101"),
        (3, "990101002001", "990101002"),
    ]
    assert import_units(user=sysadmin, rows=rows).created == 2


def test_gbk_csv_and_wrong_header_and_wrong_type():
    rows = read_upload(GOOD_CSV.encode("gb18030"), "units.csv")
    assert rows[0].name == "安澜街道妇联"
    from jinguo.orgs.importing import ImportFileError

    with pytest.raises(ImportFileError, match="表头缺少列：上级代码"):
        read_upload("代码,名称\n32,江苏省\n".encode(), "units.csv")
    with pytest.raises(ImportFileError, match="只支持 CSV 或 xlsx"):
        read_upload(b"x", "units.xls")
    with pytest.raises(ImportFileError, match="不是有效的 xlsx"):
        read_upload(b"code,name", "units.xlsx")


@needs_divisions
def test_real_nbs_data_under_suzhou(db):
    rows = rows_under(read_nbs_directory(DIVISIONS), "3205")
    result = import_units(user=None, rows=rows, version="2023")
    assert result.ok, result.errors[:5]
    assert result.created == 130  # 江苏省, 苏州市, 10 counties, 118 townships
    suzhou = OrgUnit.objects.get(code="3205")
    assert (suzhou.name, suzhou.kind, suzhou.path) == ("苏州市", "city", "32/3205/")
    street = OrgUnit.objects.get(code="320505001")
    assert street.path == "32/3205/320505/320505001/"
    assert street.level == 4 and street.division_version == "2023"
    assert not OrgUnit.objects.filter(code="3206").exists()
    assert AuditEvent.objects.filter(action="import").count() == 1


@needs_divisions
def test_real_nbs_whole_province_with_city_districts(db):
    rows = rows_under(read_nbs_directory(DIVISIONS), "11")
    result = import_units(user=None, rows=rows)
    assert result.ok
    beijing = OrgUnit.objects.get(code="1101")
    assert beijing.name == "市辖区"  # a real row, kept as it is
    assert OrgUnit.objects.filter(path__subtree="11/1101/").count() == result.created - 1


@needs_divisions
def test_real_nbs_all_four_files_and_reimport(db):
    # How long it takes is measured in bench/, not here: a test's clock reads the machine's load.
    out = io.StringIO()
    call_command("import_divisions", str(DIVISIONS), "--version", "2023", stdout=out)
    assert "新增 44703 个" in out.getvalue()
    assert OrgUnit.objects.count() == 44_703
    assert OrgUnit.objects.filter(kind="township").count() == 41_352
    again = io.StringIO()
    call_command("import_divisions", str(DIVISIONS), "--version", "2023", stdout=again)
    assert "新增 0 个，更新 0 个，未变 44703 个" in again.getvalue()


def test_command_reports_errors_in_chinese(tmp_path, tree):
    bad = tmp_path / "bad.csv"
    bad.write_text("代码,名称,上级代码\n9901019,错误,990101\n", encoding="utf-8")
    from django.core.management.base import CommandError

    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 1 处错误，未导入任何数据"):
        call_command("import_divisions", str(bad), stderr=err)
    assert "第 2 行 [代码]" in err.getvalue()


def test_upload_page_for_the_sysadmin(client, tree, sysadmin):
    client.force_login(sysadmin)
    url = reverse("orgs:orgunit_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("units.csv", GOOD_CSV.encode(), content_type="text/csv")
    r = client.post(url, {"file": upload, "version": "2023"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "导入完成" in html
    assert 'data-testid="created">5<' in html
    assert OrgUnit.objects.filter(code="990101003201").exists()


def test_upload_page_shows_errors_and_offers_them_as_xlsx(client, tree, sysadmin):
    client.force_login(sysadmin)
    bad = "代码,名称,上级代码\n99010A,坏代码,9901\n990101002,,990101\n"
    upload = SimpleUploadedFile("bad.csv", bad.encode(), content_type="text/csv")
    r = client.post(reverse("orgs:orgunit_import"), {"file": upload})
    html = r.content.decode()
    assert "发现 2 处错误，未导入任何数据" in html
    assert "代码只能包含数字" in html and "名称不能为空" in html
    r = client.get(reverse("orgs:orgunit_import_errors"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("文件", "行号", "列", "代码", "问题")
    assert [(row[1], row[2]) for row in rows[1:]] == [(2, "代码"), (3, "名称")]


UNIT_HEADERS = ["代码", "名称", "上级代码"]


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        (lambda: bombs.shared_strings_bomb(UNIT_HEADERS, 400 * 1024 * 1024), "解压后超过 200 MB"),
        (lambda: bombs.empty_rows_bomb(UNIT_HEADERS, 35_000_000), "解压后超过 200 MB"),
        (
            lambda: bombs.empty_rows_bomb(UNIT_HEADERS, 3, dimension="A1:C35000001"),
            "超过 200,000 行的上限",
        ),
    ],
    ids=["shared strings", "empty rows", "declared rows"],
)
def test_upload_page_refuses_zip_bombs_at_once(client, tree, sysadmin, bomb, message):
    content = bomb()
    client.force_login(sysadmin)
    upload = SimpleUploadedFile("区划.xlsx", content, content_type="application/octet-stream")
    r = client.post(reverse("orgs:orgunit_import"), {"file": upload})  # speed: bench/
    assert message in r.content.decode()
    assert OrgUnit.objects.count() == 9, "the tree is unchanged"


def test_xlsx_rows_past_the_limit_are_refused_even_empty_ones(monkeypatch):
    from jinguo.orgs.importing import ImportFileError, readers

    monkeypatch.setattr(readers, "MAX_ROWS", 5)
    # No declared size, the data at row 2, then empty rows: refused at the limit.
    content = bombs.workbook(
        bombs.sheet([bombs.header_row(UNIT_HEADERS), *[b"<row/>"] * 10]),
        bombs.shared_strings(UNIT_HEADERS),
    )
    with pytest.raises(ImportFileError, match="超过 5 行的上限"):
        read_upload(content, "区划.xlsx")


def test_upload_page_checks_the_file_type(client, tree, sysadmin):
    client.force_login(sysadmin)
    upload = SimpleUploadedFile("units.pdf", b"%PDF-1.4", content_type="application/pdf")
    r = client.post(reverse("orgs:orgunit_import"), {"file": upload})
    assert r.status_code == 200
    assert "只支持 CSV 或 xlsx 文件" in r.content.decode()


def test_template_download(client, tree, sysadmin):
    client.force_login(sysadmin)
    r = client.get(reverse("orgs:orgunit_import_template"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["代码", "名称", "上级代码"]


def test_community_chair_may_not_import(client, tree, community_chair):
    client.force_login(community_chair)
    upload = SimpleUploadedFile("units.csv", GOOD_CSV.encode(), content_type="text/csv")
    assert client.get(reverse("orgs:orgunit_import")).status_code in (403, 404)
    assert client.post(reverse("orgs:orgunit_import"), {"file": upload}).status_code in (403, 404)
    assert client.get(reverse("orgs:orgunit_import_template")).status_code in (403, 404)
    assert not OrgUnit.objects.filter(code="990101002").exists()


def test_a_code_created_meanwhile_rolls_the_import_back(tree, sysadmin, monkeypatch):
    from jinguo.orgs.importing import rows as import_rows

    real = import_rows._load_existing
    # Validation does not see 990101001 (as if another clerk created it just after).
    monkeypatch.setattr(import_rows, "_load_existing", lambda codes: real(codes - {"990101001"}))
    text = "代码,名称,上级代码\n990101002,安澜街道妇联,990101\n990101001,春晖街道妇联,990101\n"
    result = import_units(user=sysadmin, rows=csv_rows(text))
    assert not result.ok
    assert "未导入任何数据" in result.errors[0].message
    assert not OrgUnit.objects.filter(code="990101002").exists()
    assert not AuditEvent.objects.filter(action="import").exists()
