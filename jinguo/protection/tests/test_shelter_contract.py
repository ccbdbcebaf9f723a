"""The scoping contract for the shelter concern's models: shelters, stays, emergency actions
and mandatory reports, at every page and API door."""

import itertools
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from jinguo.cases.tests.factories import make_case
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import EmergencyAction, MandatoryReport, Shelter, ShelterStay
from jinguo.protection.tests.factories_shelter import (
    default_checklist,
    make_report,
    make_shelter,
    make_stay,
)
from jinguo.testing.factories import UserFactory
from jinguo.testing.scoping import ScopedModelContract

_n = itertools.count(1)


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _later() -> str:
    return (timezone.localdate() + timedelta(days=10)).isoformat()


class TestShelterContract(ScopedModelContract):
    model = Shelter
    list_url = "protection:shelter_list"
    detail_url = "protection:shelter_detail"
    create_url = "protection:shelter_create"
    update_url = "protection:shelter_update"
    export = True
    api_list_url = "shelter-list"
    api_detail_url = "shelter-detail"
    api_create = True
    api_update = True
    extra_permissions = ("orgs.view_orgunit",)

    def make(self, unit):
        return make_shelter(unit, name=f"庇护点{next(_n)}", staff=[UserFactory(home_unit=unit)])

    def export_marker(self, obj):
        return "名称", obj.name

    def form_data(self, unit) -> dict:
        return {
            "org": unit.pk,
            "name": f"新庇护点{next(_n)}",
            "address": "春晖路1号",
            "phone": "",
            "rooms": 2,
            "beds": 6,
            "is_active": "on",
        }

    def update_data(self, obj) -> dict:
        data = self.form_data(obj.org)
        data.pop("org")
        data["address"] = ""
        return data

    def api_data(self, unit) -> dict:
        return {"org": unit.pk, "name": f"接口庇护点{next(_n)}", "address": "明德路2号", "beds": 3}

    def api_update_data(self, obj) -> dict:
        return {"beds": 8}


class TestShelterStayContract(ScopedModelContract):
    model = ShelterStay
    list_url = "protection:shelterstay_list"
    detail_url = "protection:shelterstay_detail"
    create_url = "protection:shelterstay_create"
    update_url = "protection:shelterstay_update"
    export = True
    api_list_url = "shelterstay-list"
    api_detail_url = "shelterstay-detail"
    api_create = True
    extra_permissions = ("people.view_person", "protection.view_shelter", "orgs.view_orgunit")

    def make(self, unit):
        stay = make_stay(make_shelter(unit), PersonFactory(org=unit), is_sensitive=False)
        # A distinct minute per object, so the export's 入住时间 names one row.
        ShelterStay.objects.filter(pk=stay.pk).update(
            admitted_at=stay.admitted_at - timedelta(minutes=next(_n) * 7)
        )
        stay.refresh_from_db()
        return stay

    def object_paths(self, obj):
        return [reverse("protection:shelterstay_leave", args=[obj.pk])]

    def export_marker(self, obj):
        return "入住时间", _local(obj.admitted_at)

    def form_data(self, unit) -> dict:
        return {
            "shelter": make_shelter(unit).pk,
            "person": PersonFactory(org=unit).pk,
            "admitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "planned_leave_on": _later(),
            "reason": "遭受丈夫殴打，无处可去",
        }

    def update_data(self, obj) -> dict:
        return {"version": obj.version, "planned_leave_on": _later(), "reason": "延长入住"}

    def api_data(self, unit) -> dict:
        return {
            "shelter": make_shelter(unit).pk,
            "person": PersonFactory(org=unit).pk,
            "admitted_at": timezone.now().isoformat(),
            "planned_leave_on": _later(),
            "reason": "遭受丈夫殴打，无处可去",
        }


def _urgent_case(unit):
    return make_case(
        unit,
        category="family-violence",
        gbv_type="physical",
        urgency="urgent",
        is_sensitive=False,
    )


class TestEmergencyActionContract(ScopedModelContract):
    model = EmergencyAction
    api_list_url = "emergencyaction-list"
    api_detail_url = "emergencyaction-detail"
    api_create = True
    extra_permissions = ("cases.view_case", "cases.change_case")

    def make(self, unit):
        case = _urgent_case(unit)
        step = default_checklist().steps.order_by("order").first()
        return EmergencyAction.objects.create(
            org=unit, case=case, step=step, done_by=UserFactory(home_unit=unit), is_sensitive=False
        )

    def api_data(self, unit) -> dict:
        step = default_checklist().steps.order_by("order").first()
        return {"case": _urgent_case(unit).pk, "step": step.pk, "note": "已报警"}


class TestMandatoryReportContract(ScopedModelContract):
    model = MandatoryReport
    list_url = "protection:mandatoryreport_list"
    detail_url = "protection:mandatoryreport_detail"
    create_url = "protection:mandatoryreport_create"
    export = True
    api_list_url = "mandatoryreport-list"
    api_detail_url = "mandatoryreport-detail"
    api_create = True
    extra_permissions = ("orgs.view_orgunit",)

    def make(self, unit):
        report = make_report(unit, is_sensitive=False)
        MandatoryReport.objects.filter(pk=report.pk).update(
            reported_at=report.reported_at - timedelta(minutes=next(_n) * 7)
        )
        report.refresh_from_db()
        return report

    def object_paths(self, obj):
        return [
            reverse("protection:mandatoryreport_action", args=[obj.pk, verb])
            for verb in ("join", "dismiss")
        ]

    def export_marker(self, obj):
        return "报告时间", _local(obj.reported_at)

    def form_data(self, unit) -> dict:
        return {
            "org": unit.pk,
            "reporter_kind": "medical",
            "reporter_organisation": "区人民医院急诊科",
            "reporter_name": "",
            "reporter_phone": "",
            "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "victim_description": "约8岁男孩",
            "victim_is_minor": "on",
            "suspicion": "多处陈旧性骨折",
        }

    def api_data(self, unit) -> dict:
        return {
            "org": unit.pk,
            "reporter_kind": "medical",
            "reporter_organisation": "区人民医院急诊科",
            "victim_description": "约8岁男孩",
            "suspicion": "多处陈旧性骨折",
        }
