"""The scoping contract for what is recorded on a case: mediations and attachments.

Both take their unit and sensitivity from the case they are recorded on, and are made here
through their services on a case of the unit, as a worker would.
"""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Attachment, Mediation
from jinguo.cases.services.attachments import attachment_add
from jinguo.cases.services.mediation import mediation_create
from jinguo.cases.tests.factories import clerk, make_case
from jinguo.core.scoping import VIEW_SENSITIVE
from jinguo.testing import samples
from jinguo.testing.factories import grant
from jinguo.testing.scoping import ScopedModelContract

_n = itertools.count(1)

PDF = samples.pdf()
# Recording on a case needs the case in reach for "change".
ON_A_CASE = ("cases.view_case", "cases.change_case")


def open_case(unit, **kwargs):
    return make_case(unit, status="in_progress", **kwargs)


class TestMediationContract(ScopedModelContract):
    model = Mediation
    extra_permissions = ON_A_CASE
    list_url = "cases:mediation_list"
    detail_url = "cases:mediation_detail"
    create_url = "cases:mediation_create"
    update_url = "cases:mediation_update"
    export = True

    def make(self, unit, **case_kwargs):
        return mediation_create(
            user=clerk(unit),
            case=open_case(unit, **case_kwargs),
            held_at=timezone.now(),
            mode="federation",
            parties="申请人：张丽\n被申请人：王强",
            mediators=f"赵调解{next(_n)}号",
            outcome="agreed",
            agreement="王强每月支付抚养费1500元",
        )

    def make_sensitive(self, unit):
        return self.make(unit, category="family-violence")

    def export_marker(self, obj):
        return "调解员", obj.mediators

    def object_paths(self, obj):
        return [reverse("cases:mediation_agreement", args=[obj.pk])]

    def form_data(self, unit) -> dict:
        return {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "mode": "federation",
            "place": "芳草社区妇女之家",
            "parties": "申请人：张丽",
            "mediators": f"李调解{next(_n)}号",
            "outcome": "continue",
        }

    def create_request(self, unit):
        return reverse(self.create_url, args=[open_case(unit).pk]), self.form_data(unit)

    def update_data(self, obj) -> dict:
        return {**self.form_data(obj.org), "outcome": "failed"}


class TestAttachmentContract(ScopedModelContract):
    """No list page and no API: the download is its detail, the upload its create; the case
    page's attachment section is checked below."""

    model = Attachment
    extra_permissions = ON_A_CASE
    detail_url = "cases:attachment_download"
    create_url = "cases:attachment_create"

    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    def upload(self):
        return SimpleUploadedFile(f"验伤报告{next(_n)}.pdf", PDF, content_type="application/pdf")

    def make(self, unit, **case_kwargs):
        case = open_case(unit, **case_kwargs)
        return attachment_add(user=clerk(unit), case=case, upload=self.upload(), description="")

    def make_sensitive(self, unit):
        return self.make(unit, category="family-violence")

    def create_request(self, unit):
        path = reverse(self.create_url, args=[open_case(unit).pk])
        return path, {"upload": self.upload(), "description": "告诫书"}

    def test_the_case_page_lists_only_what_restrict_allows(self, tree, client):
        """A sensitive attachment on a plain case: the case page shows the case to everyone
        in scope, the attachment only to whoever holds view_sensitive."""
        obj = self.make(tree.community_a)
        Attachment.objects.filter(pk=obj.pk).update(is_sensitive=True)
        case_page = reverse("cases:case_detail", args=[obj.case_id])
        download = self.detail_path(obj)
        plain = self.user(tree.district_a, *self.actions)
        cleared = self.user(tree.district_a, *self.actions)
        grant(cleared, VIEW_SENSITIVE)
        for user, shown in ((plain, False), (cleared, True)):
            r = self.ui(client, user).get(case_page)
            assert r.status_code == 200
            assert (obj in r.context["attachments"]) is shown
            assert (download in r.content.decode()) is shown
