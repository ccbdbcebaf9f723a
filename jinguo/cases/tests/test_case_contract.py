"""The scoping contract for cases and for the intake queue's submissions.

A submission is not scoped by unit at all: it is its platform account's receipt, so only the
account that sent it sees it — not even the district that will own the case it becomes.
"""

import itertools

from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.cases.models import Case, Category, IntakeSubmission
from jinguo.cases.services import inbox
from jinguo.cases.tests.factories import make_case
from jinguo.core.scoping import VIEW_SENSITIVE
from jinguo.testing.factories import grant
from jinguo.testing.responses import api_rows, xlsx_rows
from jinguo.testing.scoping import CRUD, ScopedModelContract

_n = itertools.count(1)


class TestCaseContract(ScopedModelContract):
    model = Case
    # Dispatch gives the intake form with its unit field; print opens the case file.
    actions = (*CRUD, "dispatch", "print")
    extra_permissions = ("orgs.view_orgunit",)
    list_url = "cases:case_list"
    list_query = {"queue": "all"}
    detail_url = "cases:case_detail"
    create_url = "cases:intake"
    update_url = "cases:case_update"
    export = True
    api_list_url = "case-list"
    api_detail_url = "case-detail"
    api_create = True

    def make(self, unit):
        return make_case(unit, summary=f"婆媳矛盾求助{next(_n)}")

    def make_sensitive(self, unit):
        return make_case(unit, category="family-violence", summary=f"丈夫酒后殴打{next(_n)}")

    def list_marker(self, obj):
        return f'data-case="{obj.pk}"'

    def export_marker(self, obj):
        return "编号", obj.number

    def test_the_export_holds_the_case_number_as_text(self, tree, client):
        obj = self.make(tree.community_a)
        c = self.ui(client, self.in_scope_user(tree, obj))
        rows = xlsx_rows(c.get(self.list_path(export="xlsx")).content)
        assert [row["编号"] for row in rows] == [obj.number]

    def object_paths(self, obj):
        return [
            reverse("cases:case_print", args=[obj.pk]),
            reverse("cases:party_create", args=[obj.pk]),
            reverse("cases:case_action", args=[obj.pk, "note"]),
        ]

    def form_data(self, unit) -> dict:
        return {
            "caller_phone": "",
            "channel": "walk_in",
            "received_at": "2026-03-02T09:30",
            "category_node": Category.objects.get(code="family-dispute").pk,
            "gbv_type": "",
            "urgency": "normal",
            "summary": f"来访反映邻里纠纷{next(_n)}",
            "narrative": "",
            "complainant": "",
            "nc_name": "",
            "nc_gender": "F",
            "nc_phone": "",
            "org": unit.pk,
            "party-TOTAL_FORMS": "0",
            "party-INITIAL_FORMS": "0",
            "party-MIN_NUM_FORMS": "0",
            "party-MAX_NUM_FORMS": "20",
        }

    def update_data(self, obj) -> dict:
        return {
            "version": obj.version,
            "summary": "修改后的摘要",
            "category_node": obj.subcategory_id or obj.category_id,
            "gbv_type": "",
            "urgency": "priority",
            "narrative": "补充了新的情况",
        }

    def api_data(self, unit) -> dict:
        return {
            "channel": "walk_in",
            "category": "family-dispute",
            "summary": f"来访反映邻里纠纷{next(_n)}",
            "anonymous": True,
            "org": unit.pk,
        }


class TestIntakeSubmissionContract(ScopedModelContract):
    """API only: the queue (list and POST) and one submission's status by its reference."""

    model = IntakeSubmission
    actions = ("view",)  # the model has no other permission
    extra_permissions = ("cases.add_case",)
    api_list_url = "cases-api-intake"
    api_detail_url = "cases-api-intake-status"
    api_create = True
    scoped_create = False  # a submission names no unit; it is always the sender's own

    def make(self, unit):
        platform = self.user(unit, *self.actions)
        submission, _ = inbox.submission_accept(user=platform, body=self.api_data(unit))
        return submission

    def api_data(self, unit) -> dict:
        return {
            "client_reference": f"CALL-{next(_n):05d}",
            "channel": "hotline_12338",
            "category": "family-dispute",
            "summary": "反映婆媳矛盾，希望调解",
            "anonymous": True,
        }

    def api_detail_path(self, obj):
        return reverse(self.api_detail_url, args=[obj.client_reference])

    def api_key(self, row):
        return row["client_reference"]  # the queue shows no ids

    def api_value(self, obj):
        return obj.client_reference

    def in_scope_user(self, tree, obj):
        return obj.submitted_by

    def test_nobody_but_the_sending_account_sees_it(self, tree):
        obj = self.make(tree.community_a)
        # Same unit, same role: another platform account of the same community.
        colleague = self.user(tree.community_a, *self.actions)
        # The district that will own the case, holding every permission there is on cases.
        officer = self.user(tree.district_a, *self.actions)
        grant(
            officer,
            *(f"cases.{a}_case" for a in (*CRUD, "dispatch", "close", "approve")),
            VIEW_SENSITIVE,
        )
        for user in (colleague, officer):
            api = self.api(user)
            assert obj.client_reference not in self.api_keys(api.get(self.api_list_path()))
            assert api.get(self.api_detail_path(obj)).status_code == 404
        api = self.api(obj.submitted_by)
        assert [r["client_reference"] for r in api_rows(api.get(self.api_list_path()))] == [
            obj.client_reference
        ]

    def test_the_same_reference_from_another_account_is_another_submission(self, tree):
        obj = self.make(tree.community_a)
        other = self.user(tree.community_a, *self.actions)
        api = APIClient()
        api.force_authenticate(other)
        body = {**self.api_data(tree.community_a), "client_reference": obj.client_reference}
        r = api.post(self.api_list_path(), body, format="json")
        # Not a replay of someone else's submission: a new one, hers, with her own status.
        assert r.status_code == 202 and "Idempotent-Replayed" not in r
        assert IntakeSubmission.objects.filter(client_reference=obj.client_reference).count() == 2
        assert self.api(obj.submitted_by).get(self.api_detail_path(obj)).status_code == 200
