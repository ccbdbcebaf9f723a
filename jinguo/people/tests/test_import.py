"""Excel import of persons: validate every row, import all or nothing, report every problem."""

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from jinguo.core.models import AuditEvent
from jinguo.people import choices
from jinguo.people.models import Person, PersonImport, PersonTag
from jinguo.people.services.importing import checks, columns, reader, runner
from jinguo.people.tests.factories import PersonFactory, resident_id

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ADULT = date(1985, 3, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def row(**values) -> dict:
    base = {
        "姓名": "张丽",
        "性别": "女",
        "出生日期": ADULT,
        "证件类型": "居民身份证",
        "证件号码": resident_id(ADULT, "F", seq=1),
        "手机号": "13800138000",
        "所属单位代码": "990101001001",
    }
    base.update(values)
    return base


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def xlsx(rows: list[dict], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    headers = headers or columns.HEADERS
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "人员.xlsx"):
    return client.post(
        reverse("people:person_import_list"),
        {"file": SimpleUploadedFile(name, content, content_type=XLSX)},
    )


def last_job() -> PersonImport:
    return PersonImport.objects.order_by("-pk").first()


def issues(job: PersonImport, level: str = "error") -> set[tuple[int, str]]:
    return {(i["row"], i["column"]) for i in job.errors if i["level"] == level}


def test_good_file_imports_every_row_with_tags_and_one_audit_event(
    login, district_officer, tree, media
):
    client = login(district_officer)
    child = date.today() - timedelta(days=8 * 365)
    rows = [
        row(关注标签="留守妇女、单亲母亲", 现住址="示范市和平区芳草路 1 号"),
        row(
            姓名="李芳",
            出生日期="1990/1/31",
            证件号码=resident_id(date(1990, 1, 31), "F", seq=2),
            手机号="",
            所属单位代码="990101001001G01",
            关注标签="家庭暴力受害人",
            婚姻状况="离异",
        ),
        row(
            姓名="王小明",
            性别="",
            出生日期="",
            证件号码=resident_id(child, "M", seq=3),
            手机号="",
            关注标签="留守儿童",
            居住状况="留守",
        ),
        row(姓名="赵敏", 证件类型="", 证件号码="", 出生日期="19700215", 手机号="010-62345678"),
    ]
    response = upload(client, xlsx(rows))
    job = last_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_import_detail", args=[job.pk])
    assert job.status == choices.ImportStatus.DONE, job.errors
    assert (job.created_count, job.total_rows, job.processed_rows) == (4, 4, 4)
    assert job.stored_path == "" and not list((media / "imports").iterdir()), "file deleted"

    people = {p.name: p for p in Person.objects.all()}
    assert set(people) == {"张丽", "李芳", "王小明", "赵敏"}
    zhang, li, boy, zhao = (people[n] for n in ("张丽", "李芳", "王小明", "赵敏"))
    assert zhang.org == tree.community_a and zhang.org_path == tree.community_a.path
    assert li.org == tree.grid_a and li.marital_status == choices.MaritalStatus.DIVORCED
    assert boy.gender == "M" and boy.birth_date == child, "derived from the ID number"
    assert zhao.id_type == choices.IdType.NONE and zhao.birth_date == date(1970, 2, 15)
    assert zhang.name_pinyin == "zhangli" and zhang.id_number_index and zhang.phone_index
    assert zhang.address == "示范市和平区芳草路 1 号" and zhang.created_by == district_officer
    # Sensitivity: a violence survivor and a minor, copied onto their tags.
    assert (zhang.is_sensitive, li.is_sensitive, boy.is_sensitive, zhao.is_sensitive) == (
        False,
        True,
        True,
        False,
    )
    tags = PersonTag.objects.select_related("tag_type")
    assert sorted(t.tag_type.name for t in tags.filter(person=zhang)) == ["单亲母亲", "留守妇女"]
    dv = tags.get(person=li)
    assert dv.responsible == district_officer and dv.since == timezone.localdate()
    assert dv.next_review_on == timezone.localdate() + timedelta(days=dv.tag_type.review_days)
    assert dv.is_sensitive and dv.org_path == tree.grid_a.path
    events = AuditEvent.objects.filter(action="import")
    assert events.count() == 1
    detail = events.get().detail
    assert detail == {
        "file": "人员.xlsx",
        "rows": 4,
        "created": 4,
        "tags": 4,
        "sensitive": 2,
        "warnings": 0,
        "units": [tree.community_a.code, tree.grid_a.code],
    }
    assert not AuditEvent.objects.filter(action="create", object_type="people.person").exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "已完成" in page.content.decode()
    assert 'hx-trigger="every 1s"' not in page.content.decode()


def test_one_bad_row_imports_nothing_and_names_row_and_column(login, community_chair):
    client = login(community_chair)
    rows = [
        row(),
        row(姓名="李芳", 证件号码=wrong_check_digit(resident_id(ADULT, "F", seq=2))),
        row(姓名="王芳", 证件号码=resident_id(ADULT, "F", seq=3)),
    ]
    upload(client, xlsx(rows))
    job = last_job()
    assert job.status == choices.ImportStatus.FAILED
    assert Person.objects.count() == 0 and PersonTag.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import").exists()
    assert issues(job) == {(3, "证件号码")}
    assert "校验位" in job.errors[0]["message"]
    page = client.get(reverse("people:person_import_detail", args=[job.pk])).content.decode()
    assert "校验未通过" in page and "未导入任何数据" in page and "校验位" in page


def test_every_error_in_the_file_is_reported(login, community_chair):
    client = login(community_chair)
    rows = [
        row(
            性别="女的",
            出生日期="1985-02-30",
            手机号="12345",
            婚姻状况="单身",
            关注标签="留守妇女,不存在的标签",
        ),
        row(姓名="", 证件号码=resident_id(ADULT, "F", seq=2), 所属单位代码=""),
        row(姓名="李芳", 出生日期="1986-03-01", 证件号码=resident_id(ADULT, "F", seq=3)),
        row(姓名="王芳", 性别="男", 证件号码=resident_id(ADULT, "F", seq=4)),
        row(姓名="赵芳", 证件类型="", 证件号码="", 性别=""),
        row(姓名="钱芳", 证件号码=320505198503010020),  # typed as a number in Excel
    ]
    upload(client, xlsx(rows))
    job = last_job()
    assert job.status == choices.ImportStatus.FAILED
    assert Person.objects.count() == 0
    assert issues(job) == {
        (2, "性别"),
        (2, "出生日期"),
        (2, "手机号"),
        (2, "婚姻状况"),
        (2, "关注标签"),
        (3, "姓名"),
        (3, "所属单位代码"),
        (4, "出生日期"),  # contradicts the ID number
        (5, "性别"),  # contradicts the ID number
        (6, "性别"),  # neither a gender nor an ID to derive it from
        (7, "证件号码"),
    }
    messages = {(i["row"], i["column"]): i["message"] for i in job.errors}
    assert "不存在的标签" in messages[(2, "关注标签")]
    assert "未婚" in messages[(2, "婚姻状况")], "the allowed labels are listed"
    assert "文本" in messages[(7, "证件号码")]
    assert "发现 11 处错误" in job.message


def test_duplicates_inside_the_file(login, community_chair):
    client = login(community_chair)
    same_id = resident_id(ADULT, "F", seq=1)
    rows = [
        row(),
        row(姓名="李芳", 证件号码=same_id),
        row(姓名="王芳", 证件号码="", 证件类型="", 出生日期="1970-01-01"),
        row(姓名="王芳", 证件号码="", 证件类型="", 出生日期="1970/1/1"),
    ]
    upload(client, xlsx(rows))
    job = last_job()
    assert issues(job) == {(3, "证件号码"), (5, "姓名")}
    messages = {(i["row"], i["column"]): i["message"] for i in job.errors}
    assert "第 2 行" in messages[(3, "证件号码")]
    assert "第 4 行" in messages[(5, "姓名")]
    assert Person.objects.count() == 0


def test_same_name_and_birthday_with_different_ids_is_only_a_warning(login, community_chair):
    client = login(community_chair)
    rows = [row(), row(证件号码=resident_id(ADULT, "F", seq=7))]
    upload(client, xlsx(rows))
    job = last_job()
    assert job.status == choices.ImportStatus.DONE
    assert issues(job, "warning") == {(3, "姓名")}
    assert Person.objects.count() == 2


def test_duplicates_against_the_database(login, community_chair, tree):
    client = login(community_chair)
    taken = resident_id(ADULT, "F", seq=1)
    existing = PersonFactory(
        org=tree.community_a, name="张丽", birth_date=ADULT, id_type="resident", id_number=taken
    )
    rows = [row()]
    upload(client, xlsx(rows))
    job = last_job()
    assert job.status == choices.ImportStatus.FAILED
    assert issues(job) == {(2, "证件号码")}
    assert f"#{existing.pk}" in job.errors[0]["message"]

    # Same name pinyin and birth date, no ID on file: imported, with a warning naming the record.
    PersonFactory(org=tree.community_a, name="李芳", birth_date=date(1979, 5, 6))
    rows = [row(姓名="李芳", 出生日期="1979-05-06", 证件号码="", 证件类型="")]
    upload(client, xlsx(rows))
    job = last_job()
    assert job.status == choices.ImportStatus.DONE
    assert issues(job, "warning") == {(2, "姓名")}
    assert "疑似重复" in job.errors[0]["message"]
    assert Person.objects.filter(name="李芳").count() == 2


def test_unit_outside_the_users_subtree_is_rejected(login, community_chair, tree):
    client = login(community_chair)
    rows = [
        row(所属单位代码=tree.community_b.code),  # another district
        row(姓名="李芳", 证件号码=resident_id(ADULT, "F", seq=2), 所属单位代码="990199999999"),
        row(姓名="王芳", 证件号码=resident_id(ADULT, "F", seq=3), 所属单位代码=tree.street_a.code),
    ]
    upload(client, xlsx(rows))
    job = last_job()
    assert issues(job) == {(2, "所属单位代码"), (3, "所属单位代码"), (4, "所属单位代码")}
    messages = [i["message"] for i in job.errors]
    # Out of scope and non-existent read the same: the file reveals nothing about the tree.
    assert messages[0].replace(tree.community_b.code, "X") == messages[1].replace(
        "990199999999", "X"
    )
    assert Person.objects.count() == 0


def test_template_downloads_and_its_example_row_imports(login, community_chair, tree):
    client = login(community_chair)
    response = client.get(reverse("people:person_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, notes = workbook.worksheets
    assert [c.value for c in sheet[1]] == columns.HEADERS
    example = {h: c.value for h, c in zip(columns.HEADERS, sheet[2], strict=True)}
    assert example["所属单位代码"] == tree.community_a.code
    assert notes.title == "填写说明"
    explained = " ".join(str(c.value) for r in notes.iter_rows() for c in r if c.value)
    assert "家庭暴力受害人" in explained and "高中/中专" in explained

    upload(client, response.content, "模板.xlsx")
    job = last_job()
    assert job.status == choices.ImportStatus.DONE, job.errors
    person = Person.objects.get()
    assert person.name == example["姓名"] and person.org == tree.community_a
    assert person.tags.get().tag_type.name == "留守妇女"


def test_progress_page_polls_while_queued_and_stops_when_done(login, community_chair):
    client = login(community_chair)
    job = PersonImport.objects.create(
        user=community_chair, file_name="大文件.xlsx", stored_path="imports/x.xlsx", total_rows=40
    )
    job.processed_rows = 10
    job.status = choices.ImportStatus.RUNNING
    job.save()
    page = client.get(reverse("people:person_import_detail", args=[job.pk])).content.decode()
    status_url = reverse("people:person_import_status", args=[job.pk])
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "25%" in page and "已校验 10 / 40 行" in page

    PersonImport.objects.filter(pk=job.pk).update(status=choices.ImportStatus.PENDING)
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "排队中" in fragment and "db_worker" in fragment
    assert "<html" not in fragment

    PersonImport.objects.filter(pk=job.pk).update(
        status=choices.ImportStatus.DONE, created_count=40, processed_rows=40
    )
    fragment = client.get(status_url).content.decode()
    assert "every 1s" not in fragment and "已完成" in fragment


def test_a_large_file_runs_as_a_background_task(login, community_chair, monkeypatch):
    from jinguo.people.views import importing as views_import

    monkeypatch.setattr(views_import, "INLINE_MAX_ROWS", 1)
    enqueued = []
    task = views_import.import_persons

    class Spy:
        def enqueue(self, *args):
            enqueued.append(args)
            return task.enqueue(*args)

    monkeypatch.setattr(views_import, "import_persons", Spy())
    client = login(community_chair)
    rows = [row(), row(姓名="李芳", 证件号码=resident_id(ADULT, "F", seq=2))]
    upload(client, xlsx(rows))
    job = last_job()
    assert enqueued == [(job.pk,)]
    assert job.status == choices.ImportStatus.DONE  # the test settings run tasks immediately
    assert Person.objects.count() == 2


def test_a_job_runs_only_once(login, community_chair):
    client = login(community_chair)
    upload(client, xlsx([row()]))
    job = last_job()
    assert runner.person_import_run(import_id=job.pk).created_count == 1
    assert Person.objects.count() == 1


def test_only_the_uploader_sees_her_job(login, community_chair, district_officer, nobody):
    upload(login(community_chair), xlsx([row(证件号码="1")]))
    job = last_job()
    client = login(district_officer)  # may import too, and sees the whole district — still 404
    for name in ("detail", "status", "issues", "issues_xlsx"):
        assert client.get(reverse(f"people:person_import_{name}", args=[job.pk])).status_code == 404
    listing = client.get(reverse("people:person_import_list")).content.decode()
    assert job.file_name not in listing
    client = login(nobody)  # no import permission at all
    assert client.get(reverse("people:person_import_list")).status_code == 404
    assert client.get(reverse("people:person_import_template")).status_code == 404


def test_error_download_masks_ids_and_phones(login, community_chair, tree):
    client = login(community_chair)
    taken = resident_id(ADULT, "F", seq=1)
    PersonFactory(org=tree.community_a, id_type="resident", id_number=taken, birth_date=ADULT)
    upload(client, xlsx([row(手机号="13912345678x")]))
    job = last_job()
    assert issues(job) == {(2, "证件号码"), (2, "手机号")}
    response = client.get(reverse("people:person_import_issues_xlsx", args=[job.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:4] == ["行号", "列", "值（已脱敏）", "问题"]
    flat = " ".join(str(v) for r in values for v in r)
    assert taken not in flat and "13912345678" not in flat
    assert taken[:6] + "********" + taken[-4:] in flat
    assert "139****678X".lower() in flat.lower() or "139****" in flat
    page = client.get(reverse("people:person_import_detail", args=[job.pk])).content.decode()
    assert taken not in page
    assert taken not in str(PersonImport.objects.get(pk=job.pk).errors)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("人员.xls", b"whatever", "另存为 .xlsx"),
        ("人员.csv", b"a,b", "只支持 .xlsx"),
        ("人员.xlsx", b"not a zip", "不是有效的 xlsx"),
        ("人员.xlsx", xlsx([], headers=["名字", "电话"]), "表头"),
        ("人员.xlsx", xlsx([], headers=["姓名", "手机号"]), "所属单位代码"),
    ],
)
def test_unusable_files_get_a_clear_message(login, community_chair, name, content, message):
    response = upload(login(community_chair), content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PersonImport.objects.exists()


def test_empty_and_oversized_files(login, community_chair, monkeypatch):
    client = login(community_chair)
    assert "文件是空的" in upload(client, b"").content.decode()
    upload(client, xlsx([]))
    assert last_job().status == choices.ImportStatus.FAILED
    assert "没有数据行" in last_job().message

    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    response = upload(client, xlsx([row(), row(), row()]))
    assert "超过 2 行的上限" in response.content.decode()


def test_too_many_rows_found_while_reading_fails_the_job(community_chair, media, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    job = runner.person_import_create(
        user=community_chair, data=xlsx([row(), row(), row()]), file_name="big.xlsx", total_rows=0
    )
    path = Path(media) / job.stored_path
    assert path.exists()
    job = runner.person_import_run(import_id=job.pk)
    assert job.status == choices.ImportStatus.FAILED and "上限" in job.message
    assert not path.exists() and job.stored_path == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 1, 31, 0, 0), date(2024, 1, 31)),
        (date(2024, 1, 31), date(2024, 1, 31)),
        ("2024-01-31", date(2024, 1, 31)),
        ("2024/1/31", date(2024, 1, 31)),
        ("20240131", date(2024, 1, 31)),
        (20240131, date(2024, 1, 31)),
        ("2024年1月31日", date(2024, 1, 31)),
        ("2024.1.31", date(2024, 1, 31)),
        (45322, date(2024, 1, 31)),  # an Excel serial day number
        ("", None),
    ],
)
def test_dates_in_the_formats_grid_platforms_export(value, expected):
    assert checks.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "31/01/2024", "明年", "2024-13-01"])
def test_impossible_dates_are_refused(value):
    with pytest.raises(ValueError):
        checks.parse_date(value)


# An area code that never was a county (the number is otherwise valid).
UNKNOWN_AREA = "449329"


def test_an_unknown_area_code_fails_the_file_unless_the_uploader_confirms(login, community_chair):
    client = login(community_chair)
    rows = [
        row(),
        row(姓名="李芳", 证件号码=resident_id(ADULT, "F", area=UNKNOWN_AREA, seq=2)),
    ]
    upload(client, xlsx(rows))
    job = last_job()
    assert job.status == choices.ImportStatus.FAILED
    assert Person.objects.count() == 0
    assert issues(job) == {(3, "证件号码")}
    message = job.errors[0]["message"]
    assert UNKNOWN_AREA in message and "我已核对无误，照常导入" in message
    # The report masks the number as every other report does.
    assert resident_id(ADULT, "F", area=UNKNOWN_AREA, seq=2) not in str(job.errors)


def test_a_confirmed_unknown_area_code_imports_with_a_reminder(login, community_chair):
    client = login(community_chair)
    number = resident_id(ADULT, "F", area=UNKNOWN_AREA, seq=2)
    rows = [row(), row(姓名="李芳", 证件号码=number)]
    client.post(
        reverse("people:person_import_list"),
        {
            "file": SimpleUploadedFile("人员.xlsx", xlsx(rows), content_type=XLSX),
            "confirm_unknown_area": "on",
        },
    )
    job = last_job()
    assert job.confirm_unknown_area
    assert job.status == choices.ImportStatus.DONE and job.created_count == 2
    assert issues(job) == set() and issues(job, "warning") == {(3, "证件号码")}
    assert number in {p.id_number for p in Person.objects.all()}


def test_known_and_abolished_area_codes_need_no_confirmation(community_chair):
    # 110105 is Beijing's Chaoyang district; 320502 (Suzhou's former Canglang district) was
    # abolished in 2012 and is still a valid area for numbers given before.
    rows = [
        row(),
        row(姓名="李芳", 证件号码=resident_id(ADULT, "F", area="320502", seq=2)),
    ]
    outcome = runner.import_persons(community_chair, xlsx(rows), file_name="人员.xlsx")
    assert outcome.ok and outcome.warnings == 0 and outcome.created == 2
