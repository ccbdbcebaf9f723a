"""The scoping contract for partner agencies and referrals.

Referrals have a second audience besides the federation's subtree: the members of the agency
a referral went to see it (their inbox, the referral page, the API), and an agency member
sees nothing else — not by her home unit's subtree, whatever permissions her roles hold.
"""

import itertools
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Agency, AgencyMember, Referral
from jinguo.cases.services.referrals import referral_create
from jinguo.cases.tests.factories import clerk, make_case
from jinguo.core.scoping import VIEW_SENSITIVE
from jinguo.testing.factories import grant, user_with_role
from jinguo.testing.scoping import CRUD, ScopedModelContract

_n = itertools.count(1)


def make_agency(unit, kind="legal_aid") -> Agency:
    return Agency.objects.create(org=unit, name=f"法律援助中心{next(_n)}号", kind=kind)


def member_of(agency: Agency, home_unit=None):
    """An account of the agency, homed where partner accounts are kept (the agency's unit)."""
    user = user_with_role(home_unit or agency.org, "partner")
    AgencyMember.objects.create(agency=agency, user=user)
    return user


class TestAgencyContract(ScopedModelContract):
    model = Agency
    list_url = "cases:agency_list"
    detail_url = "cases:agency_detail"
    create_url = "cases:agency_create"
    update_url = "cases:agency_update"
    export = True
    extra_permissions = ("orgs.view_orgunit",)

    def make(self, unit):
        return make_agency(unit)

    def export_marker(self, obj):
        return "机构名称", obj.name

    def form_data(self, unit) -> dict:
        return {"org": unit.pk, "name": f"妇幼保健院{next(_n)}号", "kind": "health"}

    def update_data(self, obj) -> dict:
        return {"name": obj.name, "kind": obj.kind, "contact_phone": "022-88886666"}


class TestReferralContract(ScopedModelContract):
    model = Referral
    # Referring needs the case in reach for "change"; the list shows the agencies' names.
    extra_permissions = ("cases.view_case", "cases.change_case", "cases.view_agency")
    list_url = "cases:referral_list"
    detail_url = "cases:referral_detail"
    create_url = "cases:referral_create"
    # The federation side changes a referral by its actions (withdraw, urge, close), POST only.
    update_url = "cases:referral_action"
    update_has_form = False
    export = True
    api_list_url = "referral-list"
    api_detail_url = "referral-detail"

    api_create = True
    api_update = False

    def make(self, unit, **case_kwargs):
        case = make_case(unit, status="in_progress", **case_kwargs)
        referral = referral_create(
            user=clerk(unit),
            case=case,
            agency=make_agency(unit),
            request="请为当事人提供法律援助",
            share_identity=False,
        )
        # Overdue, so that the urge notice (one more page of it) exists.
        Referral.objects.filter(pk=referral.pk).update(
            due_at=timezone.now() - timedelta(days=2), sent_at=timezone.now() - timedelta(days=9)
        )
        referral.refresh_from_db()
        return referral

    def make_sensitive(self, unit):
        return self.make(unit, category="family-violence")

    def export_marker(self, obj):
        return "个案编号", obj.case.number

    def object_paths(self, obj):
        return [reverse("cases:referral_urge_notice", args=[obj.pk])]

    def create_request(self, unit):
        case = make_case(unit, status="in_progress")
        data = {"agency": make_agency(unit).pk, "request": "请协助申请人身安全保护令"}
        return reverse(self.create_url, args=[case.pk]), data

    def api_create_request(self, unit):
        case = make_case(unit, status="in_progress")
        data = {
            "case": case.pk,
            "agency": make_agency(unit).pk,
            "request": "请协助申请人身安全保护令",
            "share_identity": False,
        }
        return self.api_list_path(), data

    def update_request(self, obj):
        path = reverse(self.update_url, args=[obj.pk, "withdraw"])
        return path, {"text": "当事人已与对方和解"}

    # --- the agency's audience --------------------------------------------------------------
    def test_the_agency_it_went_to_sees_it_in_its_inbox_and_the_api(self, tree, client):
        obj = self.make(tree.community_a)
        c = self.ui(client, member_of(obj.agency))
        self.assert_ui_list(c, obj, shown=True)
        assert c.get(self.detail_path(obj)).status_code == 200
        # The inbox has no export: what went to the agency is read there, not downloaded.
        assert c.get(self.list_path(export="xlsx")).status_code == 403
        api = self.api(member_of(obj.agency))
        self.assert_api_list(api, obj, shown=True)
        assert api.get(self.api_detail_path(obj)).status_code == 200

    def test_an_agency_member_gets_nothing_by_subtree(self, tree, client):
        obj = self.make(tree.community_a)
        # A member of another agency, homed at the district above the referral's unit and
        # holding every permission on referrals a federation worker could have.
        other = member_of(make_agency(tree.district_a), home_unit=tree.district_a)
        grant(other, *self.perms(*CRUD), VIEW_SENSITIVE)
        c = self.ui(client, other)
        self.assert_ui_list(c, obj, shown=False)
        assert c.get(self.detail_path(obj)).status_code == 404
        for path in self.object_paths(obj):
            assert c.get(path).status_code == 404, path
        api = self.api(other)
        self.assert_api_list(api, obj, shown=False)
        assert api.get(self.api_detail_path(obj)).status_code == 404
        self.assert_api_writes_refused(api, obj, (404,))

    def test_the_federation_cannot_answer_for_the_agency(self, tree):
        obj = self.make(tree.community_a)
        api = self.api(self.in_scope_user(tree, obj))
        for action in ("accept", "decline", "report"):
            r = api.post(reverse(f"referral-{action}", args=[obj.pk]), {"reason": "x"})
            assert r.status_code == 404, action
        obj.refresh_from_db()
        assert obj.status == "sent"
