"""The scoping contract for every record of the orders concern: warnings and their visits,
protection orders, breaches, injury records and evidence bundles. Each is sensitive by
default; ``make`` builds a plain one so that the subtree rule is checked on its own, and the
contract's sensitive checks raise the flag."""

import datetime
import itertools

from django.urls import reverse
from django.utils import timezone

from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import (
    EvidenceBundle,
    InjuryRecord,
    OrderBreach,
    PoliceWarning,
    ProtectionOrder,
    WarningVisit,
)
from jinguo.protection.tests.factories_orders import (
    make_breach,
    make_bundle,
    make_injury,
    make_order,
    make_visit,
    make_warning,
    police,
)
from jinguo.testing.scoping import ScopedModelContract

_n = itertools.count(1)


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def earlier(**delta) -> str:
    """A local time ``delta`` ago, but not before today's midnight: the records it follows
    (a warning issued, an order in force) are dated today."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now - datetime.timedelta(**delta), midnight).strftime("%Y-%m-%dT%H:%M")


class TestPoliceWarningContract(ScopedModelContract):
    model = PoliceWarning
    extra_permissions = ("people.view_person",)
    list_url = "protection:policewarning_list"
    detail_url = "protection:policewarning_detail"
    create_url = "protection:policewarning_create"
    update_url = "protection:policewarning_update"
    export = True
    api_list_url = "policewarning-list"
    api_detail_url = "policewarning-detail"
    api_create = True
    api_update = True

    def make(self, unit):
        return make_warning(unit, is_sensitive=False)

    def export_marker(self, obj):
        return "文号", obj.document_number

    def form_data(self, unit) -> dict:
        return {
            "person": PersonFactory(org=unit).pk,
            "police_station": police(unit).pk,
            "document_number": f"告字{next(_n)}号",
            "issued_on": timezone.localdate().isoformat(),
            "abuser_description": "丈夫",
            "facts": "丈夫酒后推搡",
            "prohibition": "禁止实施家庭暴力",
            "visit_every_days": "30",
        }

    def update_data(self, obj) -> dict:
        data = self.form_data(obj.org)
        del data["person"]
        data["police_station"] = obj.police_station_id
        return data

    def api_data(self, unit) -> dict:
        data = self.form_data(unit)
        data["visit_every_days"] = 30
        return data

    def api_update_data(self, obj) -> dict:
        return {"served_to": "加害人", "version": obj.version}


class TestWarningVisitContract(ScopedModelContract):
    model = WarningVisit
    list_url = "protection:warningvisit_list"
    detail_url = "protection:warningvisit_detail"
    update_url = "protection:warningvisit_record"
    export = True
    api_list_url = "warningvisit-list"
    api_detail_url = "warningvisit-detail"

    def make(self, unit):
        return make_visit(unit, is_sensitive=False)

    def export_marker(self, obj):
        return "应回访日期", obj.due_on.isoformat()

    def update_data(self, obj) -> dict:
        return {"done_at": earlier(hours=1), "reached": "1", "finding": "当事人安全"}


class TestProtectionOrderContract(ScopedModelContract):
    model = ProtectionOrder
    extra_permissions = ("people.view_person",)
    list_url = "protection:protectionorder_list"
    detail_url = "protection:protectionorder_detail"
    create_url = "protection:protectionorder_create"
    update_url = "protection:protectionorder_update"
    export = True
    api_list_url = "protectionorder-list"
    api_detail_url = "protectionorder-detail"
    api_create = True
    api_update = True

    def make(self, unit):
        return make_order(unit, is_sensitive=False)

    def export_marker(self, obj):
        return "编号", f"#{obj.pk}"

    def object_paths(self, obj):
        return [
            reverse("protection:protectionorder_step", args=[obj.pk, step])
            for step in ("apply", "accept", "withdraw")
        ]

    def form_data(self, unit) -> dict:
        return {
            "person": PersonFactory(org=unit).pk,
            "applicant_kind": "victim",
            "respondent_description": "丈夫",
        }

    def update_data(self, obj) -> dict:
        return {
            "applicant_kind": "federation",
            "applicant_name": "和平区妇联",
            "respondent_description": "丈夫",
            "help_drafting": "on",
        }

    def api_data(self, unit) -> dict:
        return self.form_data(unit)

    def api_update_data(self, obj) -> dict:
        return {"notes": "补充证据", "version": obj.version}


class TestOrderBreachContract(ScopedModelContract):
    model = OrderBreach
    extra_permissions = ("protection.change_protectionorder",)
    list_url = "protection:orderbreach_list"
    detail_url = "protection:orderbreach_detail"
    create_url = "protection:orderbreach_create"
    update_url = "protection:orderbreach_update"
    export = True
    api_list_url = "orderbreach-list"
    api_detail_url = "orderbreach-detail"
    api_create = True
    api_update = True

    def make(self, unit):
        return make_breach(unit, is_sensitive=False)

    def export_marker(self, obj):
        return "发生时间", local(obj.occurred_at)

    def create_request(self, unit):
        order = make_order(unit, status="granted", is_sensitive=False)
        return reverse(self.create_url, args=[order.pk]), self.form_data(unit)

    def form_data(self, unit) -> dict:
        return {
            "occurred_at": earlier(hours=2),
            "description": "被申请人在单位门口纠缠",
            "police_response": "",
            "sanction": "pending",
        }

    def update_data(self, obj) -> dict:
        return {"police_response": "派出所出警并训诫", "sanction": "reprimand"}

    def api_data(self, unit) -> dict:
        order = make_order(unit, status="granted", is_sensitive=False)
        return {
            "order": order.pk,
            "occurred_at": timezone.now().replace(microsecond=0).isoformat(),
            "description": "电话威胁",
        }

    def api_update_data(self, obj) -> dict:
        return {"sanction": "fine"}


class TestInjuryRecordContract(ScopedModelContract):
    model = InjuryRecord
    extra_permissions = ("people.view_person",)
    list_url = "protection:injuryrecord_list"
    detail_url = "protection:injuryrecord_detail"
    create_url = "protection:injuryrecord_create"
    export = True
    api_list_url = "injuryrecord-list"
    api_detail_url = "injuryrecord-detail"
    api_create = True

    def make(self, unit):
        return make_injury(unit, is_sensitive=False)

    def export_marker(self, obj):
        return "检查时间", local(obj.examined_at)

    def form_data(self, unit) -> dict:
        return {
            "person": PersonFactory(org=unit).pk,
            "examined_by": "和平区人民医院",
            "examiner": "",
            "examined_at": earlier(days=1),
            "severity": "slight",
            "result": "左臂挫伤",
        }

    def api_data(self, unit) -> dict:
        data = self.form_data(unit)
        data["examined_at"] = (timezone.now() - datetime.timedelta(days=1)).isoformat()
        return data


class TestEvidenceBundleContract(ScopedModelContract):
    model = EvidenceBundle
    extra_permissions = ("people.view_person",)
    list_url = "protection:evidencebundle_list"
    detail_url = "protection:evidencebundle_detail"
    export = True

    def make(self, unit):
        return make_bundle(unit, is_sensitive=False)

    def export_marker(self, obj):
        return "校验码", obj.sha256

    # Bundles are made by the print page of a person, which the person's scope decides
    # (test_orders_evidence); this contract covers the register of prints.
