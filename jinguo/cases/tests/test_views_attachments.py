"""Attachment pages: upload with Chinese errors, and the scoped, logged download."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jinguo.cases.models import Agency, AgencyMember, Attachment
from jinguo.cases.services.attachments import attachment_add
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent, AuditKind
from jinguo.testing import samples
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

PDF = samples.pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(tree, community_chair):
    return make_case(tree.community_a, status="in_progress", assigned_to=community_chair)


@pytest.fixture
def attachment(case, community_chair):
    upload = SimpleUploadedFile("验伤报告 2026.pdf", PDF, content_type="application/pdf")
    return attachment_add(user=community_chair, case=case, upload=upload, description="验伤报告")


def upload(client, case, name, data, description="证据"):
    return client.post(
        reverse("cases:attachment_create", args=[case.pk]),
        {"upload": SimpleUploadedFile(name, data), "description": description},
    )


def test_upload_a_pdf_goes_back_to_the_case(login, case, community_chair):
    r = upload(login(community_chair), case, "告诫书.pdf", PDF)
    assert r.status_code == 302 and r.url.endswith("#attachments")
    assert Attachment.objects.get().original_name == "告诫书.pdf"


def test_upload_rejects_an_exe_in_chinese_and_keeps_the_description(login, case, community_chair):
    r = upload(login(community_chair), case, "setup.exe", b"MZ\x90\x00" + b"\x00" * 40, "聊天记录")
    assert r.status_code == 200
    page = r.content.decode()
    assert "不支持" in page and "聊天记录" in page
    assert not Attachment.objects.exists()


def test_upload_rejects_a_fake_pdf(login, case, community_chair):
    r = upload(login(community_chair), case, "报告.pdf", b"MZ\x90\x00 this is a program")
    assert r.status_code == 200
    assert "内容与扩展名" in r.content.decode()
    assert not Attachment.objects.exists()


def test_upload_rejects_a_file_too_large(login, case, community_chair, settings):
    settings.CASES_ATTACHMENT_MAX_BYTES = 1024
    r = upload(login(community_chair), case, "大文件.pdf", PDF + b"0" * 2048)
    assert r.status_code == 200 and "超过" in r.content.decode()


def test_upload_out_of_scope_is_404(login, tree, case):
    chair_b = user_with_role(tree.community_b, "community_chair", username="chair_b")
    assert upload(login(chair_b), case, "a.pdf", PDF).status_code == 404


def test_download_returns_the_file_as_an_attachment_and_logs_it(login, attachment, community_chair):
    r = login(community_chair).get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert r.status_code == 200 and r.content == PDF
    disposition = r["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('验伤报告 2026.pdf')}" in disposition
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(
        kind=AuditKind.ACCESS, object_type="cases.attachment", object_id=str(attachment.pk)
    ).exists()


def test_download_out_of_scope_is_404_and_not_logged(login, tree, attachment):
    chair_b = user_with_role(tree.community_b, "community_chair", username="chair_b")
    agency = Agency.objects.create(org=tree.district_a, name="法援中心", kind="legal_aid")
    lawyer = user_with_role(agency.org, "partner", username="lawyer")
    AgencyMember.objects.create(agency=agency, user=lawyer)
    url = reverse("cases:attachment_download", args=[attachment.pk])
    assert login(chair_b).get(url).status_code == 404
    assert login(lawyer).get(url).status_code == 404
    assert not AuditEvent.objects.filter(
        kind=AuditKind.ACCESS, object_type="cases.attachment"
    ).exists()


def test_case_partial_lists_attachments_and_the_upload_form(rf, case, attachment, community_chair):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = community_chair
    html = render_to_string(
        "cases/sections/case_attachments.html",
        {"case": case, "attachments": [attachment], "allowed": {"attach"}, "request": request},
    )
    assert "验伤报告 2026.pdf" in html
    assert reverse("cases:attachment_download", args=[attachment.pk]) in html
    assert reverse("cases:attachment_create", args=[case.pk]) in html
    html = render_to_string(
        "cases/sections/case_attachments.html",
        {"case": case, "attachments": [], "allowed": set(), "request": request},
    )
    assert reverse("cases:attachment_create", args=[case.pk]) not in html
