"""Attachments: type and size checked, encrypted on disk, read only in scope and logged."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jinguo.cases.choices import EventKind
from jinguo.cases.models import Attachment
from jinguo.cases.services.attachments import (
    ALLOWED_EXTENSIONS,
    attachment_add,
    attachment_read,
    content_matches,
)
from jinguo.cases.storage import attachment_storage
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent, AuditKind
from jinguo.testing import samples
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

PDF = samples.pdf("受害人伤情照片说明：左臂淤青")
SAMPLES = samples.SAMPLES


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(tree):
    return make_case(tree.community_a, status="in_progress")


def upload(name="验伤报告-王秀英.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored_files(root: Path) -> list[Path]:
    return [p for p in (root / "attachments").rglob("*") if p.is_file()]


def test_upload_is_hashed_encrypted_and_on_the_timeline(case, community_chair, media):
    attachment = attachment_add(
        user=community_chair, case=case, upload=upload(), description="医院验伤"
    )
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "验伤报告-王秀英.pdf"
    assert attachment.org == case.org
    (path,) = stored_files(media)
    raw = path.read_bytes()
    assert b"%PDF" not in raw and "左臂淤青".encode() not in raw
    assert "王秀英" not in str(path) and "验伤" not in str(path) and ".pdf" not in str(path)
    (event,) = case.events.filter(kind=EventKind.ATTACHMENT)
    assert event.data["attachment_id"] == attachment.pk


def test_storage_gives_no_url(case, community_chair):
    attachment = attachment_add(user=community_chair, case=case, upload=upload())
    with pytest.raises(ValueError, match="private"):
        attachment_storage.url(attachment.file.name)


def test_read_returns_the_file_and_logs_the_access(case, community_chair):
    attachment = attachment_add(user=community_chair, case=case, upload=upload())
    assert attachment_read(user=community_chair, attachment=attachment) == PDF
    row = AuditEvent.objects.get(kind=AuditKind.ACCESS, object_id=str(attachment.pk))
    assert row.object_type == "cases.attachment"
    assert row.user == community_chair and row.detail["mode"] == "download"


def test_out_of_scope_read_is_refused_and_not_logged(tree, case, community_chair):
    attachment = attachment_add(user=community_chair, case=case, upload=upload())
    for outsider in (
        user_with_role(tree.community_b, "community_chair", username="chair_b"),
        user_with_role(tree.community_a2, "community_chair", username="chair_a2"),
    ):
        with pytest.raises(ValidationError, match="不存在"):
            attachment_read(user=outsider, attachment=attachment)
    assert not AuditEvent.objects.filter(kind=AuditKind.ACCESS).exists()


def test_sensitive_attachment_needs_view_sensitive(tree, district_officer, community_chair):
    dv = make_case(tree.community_a, category="family-violence", status="in_progress")
    attachment = attachment_add(user=district_officer, case=dv, upload=upload())
    assert attachment.is_sensitive
    with pytest.raises(ValidationError, match="不存在"):
        attachment_read(user=community_chair, attachment=attachment)
    assert attachment_read(user=district_officer, attachment=attachment) == PDF


@pytest.mark.parametrize("name", ["setup.exe", "报告.pdf.exe", "page.html", "没有扩展名"])
def test_forbidden_types_are_refused_by_name(case, community_chair, media, name):
    with pytest.raises(ValidationError) as exc:
        attachment_add(user=community_chair, case=case, upload=upload(name, b"MZ\x90\x00"))
    (message,) = exc.value.message_dict["upload"]
    assert name in message and "不支持" in message
    assert not stored_files(media)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("伤情照片.jpg", b"MZ\x90\x00 an executable"),
        ("合同.docx", PDF),
        ("记录.txt", b"\x00\x01\x02binary\xff\xfe"),
        ("录音.mp3", b"RIFF....WAVE"),
    ],
)
def test_content_must_match_the_extension(case, community_chair, name, data):
    with pytest.raises(ValidationError) as exc:
        attachment_add(user=community_chair, case=case, upload=upload(name, data))
    (message,) = exc.value.message_dict["upload"]
    assert name in message and "不符" in message


@pytest.mark.parametrize("ext", ALLOWED_EXTENSIONS)
def test_each_allowed_type_is_accepted(case, community_chair, ext):
    data = SAMPLES[ext]
    attachment = attachment_add(user=community_chair, case=case, upload=upload(f"证据.{ext}", data))
    assert attachment_read(user=community_chair, attachment=attachment) == data


def test_an_executable_matches_no_allowed_type():
    assert not any(content_matches(ext, b"MZ\x90\x00\x03\x00\x00\x00") for ext in SAMPLES)


PE_PROGRAM = (
    b"MZ\x90\x00" + b"\x00" * 56 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 64
)


@pytest.mark.parametrize(
    "name, data",
    [
        ("伤情.pdf", b"%PDF-1.7\n" + PE_PROGRAM),  # a PDF header glued onto a program
        ("伤情.pdf", samples.pdf()[:-30] + PE_PROGRAM + samples.pdf()[-30:]),  # hidden inside
        ("伤情.pdf", samples.pdf() + b"\x7fELF\x02\x01\x01" + b"\x00" * 40),
        ("伤情.pdf", samples.pdf().replace(b"startxref", b"startXref")),
        ("伤情.pdf", samples.pdf("/Launch /F (cmd.exe)")),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 60),
        ("照片.jpg", samples.jpeg()[:-2] + PE_PROGRAM),
        ("记录.docx", b"PK\x03\x04" + b"\x00" * 60),
        ("记录.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 30),
        ("录像.mp4", samples.iso_media() + b"\x00\x00\x00\x09XX"),
        ("录音.wav", b"RIFF\x04\x00\x00\x00WAVE" + b"\x00" * 40),
        ("说明.txt", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_a_file_whose_structure_is_not_whole_is_refused(case, community_chair, name, data):
    with pytest.raises(ValidationError, match="内容与扩展名"):
        attachment_add(user=community_chair, case=case, upload=upload(name, data))
    assert not Attachment.objects.exists()


def test_an_office_archive_that_would_unpack_huge_is_refused():
    import io
    import zipfile

    from jinguo.core.filecheck import structure_problem

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"0" * (30 * 1024 * 1024))
    assert len(out.getvalue()) < 100_000
    assert structure_problem("xlsx", out.getvalue()) == "declared parts too large"
    assert structure_problem("xlsx", samples.ooxml("xl/workbook.xml")) is None


def test_size_limit(case, community_chair, settings, media):
    settings.CASES_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="超过 1 MB"):
        attachment_add(user=community_chair, case=case, upload=upload("大文件.pdf", big))
    with pytest.raises(ValidationError, match="空文件"):
        attachment_add(user=community_chair, case=case, upload=upload("空.pdf", b""))
    assert not Attachment.objects.exists()


def test_upload_needs_permission_and_scope(tree, case, media):
    grid = user_with_role(tree.community_a, "grid_worker")
    with pytest.raises(PermissionDenied):
        attachment_add(user=grid, case=case, upload=upload())
    outsider = user_with_role(tree.community_b, "community_chair", username="chair_b")
    with pytest.raises(ValidationError, match="不存在"):
        attachment_add(user=outsider, case=case, upload=upload())
    assert not stored_files(media), "a refused upload leaves no file behind"


def test_a_failed_save_leaves_no_file(case, community_chair, media, monkeypatch):
    from jinguo.core import audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(audit, "record_change", broken)
    with pytest.raises(RuntimeError):
        attachment_add(user=community_chair, case=case, upload=upload())
    assert not Attachment.objects.exists()
    assert not stored_files(media)


def test_tampered_file_is_detected(case, community_chair, media):
    attachment = attachment_add(user=community_chair, case=case, upload=upload())
    (path,) = stored_files(media)
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(ValidationError, match="校验失败"):
        attachment_read(user=community_chair, attachment=attachment)
