"""Importing places from Excel: all or nothing, every bad row reported, and a template whose
example row imports as it is."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jinguo.places import imports
from jinguo.places.models import Place
from jinguo.places.tests.factories import kind
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(tree):
    kind()
    return user_with_role(tree.community_a, "community_chair", username="chair_import")


def workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(imports.COLUMNS)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, data: bytes, name="places.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("places:place_import"), {"file": SimpleUploadedFile(name, data)})


def test_the_template_imports_as_it_is(tree, chair, client):
    client.force_login(chair)
    r = client.get(reverse("places:place_import") + "?template=1")
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.content)).active
    assert [c.value for c in sheet[1]] == imports.COLUMNS
    assert sheet["A2"].value == tree.community_a.code
    r = upload(client, r.content)
    assert r.status_code == 302
    place = Place.objects.get()
    assert place.org == tree.community_a and place.is_public and place.kind == kind()
    assert place.volunteers.splitlines() == ["王芳", "李丽"]


def test_one_bad_row_imports_nothing_and_every_error_is_listed(tree, chair, client):
    client.force_login(chair)
    code = tree.community_a.code
    data = workbook(
        [
            [code, "妇女之家", "好阵地", "芳草路1号", "", "12338", "", "", "是", ""],
            [tree.community_b.code, "妇女之家", "别人的阵地", "", "", "", "", "", "否", ""],
            [code, "不存在的类型", "阵地二", "", "", "", "", "", "否", ""],
            [code, "反家暴庇护场所", "庇护点", "秘密地址", "", "", "", "", "是", ""],
            [code, "儿童之家", "坐标错", "", "", "电话abc", "100", "", "否", ""],
            [code, "妇女之家", "好阵地", "", "", "", "", "", "否", ""],
        ]
    )
    r = upload(client, data)
    assert r.status_code == 200
    text = r.content.decode()
    assert Place.objects.count() == 0
    assert "未导入任何阵地" in text
    for line, reason in [
        (3, "不存在或不在您的管辖范围内"),
        (4, "不是启用中的阵地类型"),
        (5, "不能对外公开"),
        (6, "纬度"),
        (6, "电话只能包含"),
        (7, "与第 2 行重复"),
    ]:
        assert f"第 {line} 行" in text and reason in text, (line, reason)
    assert "第 2 行" not in text.split("未导入任何阵地")[1].split("与第 2 行重复")[0]


def test_a_file_that_is_not_xlsx_is_refused(tree, chair, client):
    client.force_login(chair)
    r = upload(client, b"not a spreadsheet", name="places.xlsx")
    assert r.status_code == 200 and "不是有效的 xlsx 文件" in r.content.decode()
    r = upload(client, b"a,b", name="places.csv")
    assert "只支持 .xlsx 文件" in r.content.decode()


def test_import_needs_its_permission(tree, client):
    leader = user_with_role(tree.city, "leader", username="leader_import")
    client.force_login(leader)
    assert client.get(reverse("places:place_import")).status_code == 403
