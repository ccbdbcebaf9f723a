"""Every upload is held in memory, never spooled to a temporary file in plain text.

The handler (jinguo/core/uploads.py) keeps a file up to its limit + 1 byte and counts the rest,
so the form's own size check refuses it with its own message; the files of one request share a
budget, and a file cut short by the budget reports a size past every limit.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from jinguo.cases.models import Attachment
from jinguo.cases.services import attachments as case_attachments
from jinguo.cases.tests.factories import make_case
from jinguo.core import uploads
from jinguo.core.uploads import MemoryOnlyUploadHandler
from jinguo.orgs.importing import readers as orgs_readers
from jinguo.people.services import importing as people_importing
from jinguo.places import imports as places_imports
from jinguo.places import photos as places_photos
from jinguo.portal.security import setting as portal_setting
from jinguo.protection.services import risk_import
from jinguo.testing import samples


def parse(files: dict, *, limit: int, budget: int, monkeypatch):
    monkeypatch.setattr(uploads, "request_max_bytes", lambda: budget)
    body = encode_multipart(BOUNDARY, {"note": "说明文字", **files})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    handler = MemoryOnlyUploadHandler(limit=limit)
    return MultiPartParser(meta, io.BytesIO(body), [handler], "utf-8").parse()


@pytest.fixture
def no_temporary_files(monkeypatch):
    """Fails the test if anything tries to spool an upload to a temporary file."""

    def refuse(*args, **kwargs):
        raise AssertionError("an upload was about to be written to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", refuse)


def test_every_request_uses_the_memory_only_handler():
    request = RequestFactory().post("/", {"f": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert [type(h) for h in request.upload_handlers] == [MemoryOnlyUploadHandler]


def test_a_file_within_its_limit_arrives_whole(monkeypatch, no_temporary_files):
    data = bytes(range(256)) * 40
    post, files = parse(
        {"a": SimpleUploadedFile("a.bin", data)},
        limit=20_000,
        budget=50_000,
        monkeypatch=monkeypatch,
    )
    assert post["note"] == "说明文字"
    assert files["a"].size == len(data) and files["a"].read() == data


def test_a_file_past_its_limit_keeps_one_byte_more_and_reports_its_real_size(
    monkeypatch, no_temporary_files
):
    data = b"x" * 30_000
    _, files = parse(
        {"a": SimpleUploadedFile("a.bin", data)},
        limit=10_000,
        budget=50_000,
        monkeypatch=monkeypatch,
    )
    assert files["a"].size == 30_000
    assert len(files["a"].read()) == 10_001


def test_the_request_budget_cuts_a_file_and_marks_it_too_large(monkeypatch, no_temporary_files):
    first, second = b"a" * 6_000, b"b" * 6_000
    post, files = parse(
        {"a": SimpleUploadedFile("a.bin", first), "b": SimpleUploadedFile("b.bin", second)},
        limit=8_000,
        budget=9_000,
        monkeypatch=monkeypatch,
    )
    assert files["a"].size == 6_000 and files["a"].read() == first
    # Only 3,000 of b's bytes fit the budget: it must not pass for a whole 6,000-byte file.
    assert files["b"].size > 8_000
    assert post["note"] == "说明文字"  # the other fields are not lost


def test_the_file_limit_is_above_every_form_limit(settings):
    """A form checks ``size`` and then reads: a file the handler truncated must fail that check."""
    portal_limit = portal_setting("FILE_MAX_MB", 10) * 1024 * 1024
    limits = {
        "case attachments": case_attachments.max_bytes(),
        "unit import": orgs_readers.MAX_UPLOAD_BYTES,
        "person import": people_importing.MAX_UPLOAD_BYTES,
        "place import": places_imports.MAX_UPLOAD_BYTES,
        "place photo": places_photos.MAX_BYTES,
        "risk instrument import": risk_import.MAX_UPLOAD_BYTES,
        "portal attachment": portal_limit,
    }
    too_small = {k: v for k, v in limits.items() if v > uploads.file_max_bytes()}
    assert not too_small


@pytest.mark.django_db
def test_a_large_case_attachment_is_refused_in_chinese_without_a_temporary_file(
    settings, tmp_path, login, tree, community_chair, no_temporary_files
):
    settings.MEDIA_ROOT = tmp_path
    settings.JINGUO_UPLOAD_FILE_MAX_BYTES = 4096
    settings.CASES_ATTACHMENT_MAX_BYTES = 2048
    case = make_case(tree.community_a, status="in_progress", assigned_to=community_chair)
    client = login(community_chair)
    url = reverse("cases:attachment_create", args=[case.pk])
    big = samples.pdf() + b"0" * 20_000
    r = client.post(url, {"upload": SimpleUploadedFile("验伤.pdf", big), "description": "照片"})
    page = r.content.decode()
    assert r.status_code == 200 and "超过" in page and "照片" in page
    assert not Attachment.objects.exists()
    small = samples.pdf()
    assert len(small) <= 2048
    r = client.post(url, {"upload": SimpleUploadedFile("验伤.pdf", small), "description": "照片"})
    assert r.status_code == 302 and Attachment.objects.count() == 1
