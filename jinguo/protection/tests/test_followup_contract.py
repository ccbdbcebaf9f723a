"""The scoping contract for early warnings, follow-up plans and protective visits: list,
detail, export, the step forms and the API, three ways each, and sensitive records."""

import itertools
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from jinguo.protection.models import Alert, FollowUpPlan, ProtectiveVisit
from jinguo.testing.scoping import ScopedModelContract

from . import factories_followup as f

_n = itertools.count(1)


class TestAlertContract(ScopedModelContract):
    model = Alert
    actions = ("view", "acknowledge")
    list_url = "protection:alert_list"
    detail_url = "protection:alert_detail"
    update_url = "protection:alert_acknowledge"
    export = True
    api_list_url = "protection-alert-list"
    api_detail_url = "protection-alert-detail"

    def make(self, unit):
        return f.alert(unit, is_sensitive=False, summary=f"最近一次风险评估为高风险{next(_n)}")

    def update_data(self, obj) -> dict:
        return {"version": obj.version}

    def export_marker(self, obj):
        return "编号", obj.pk

    def object_paths(self, obj):
        return [
            reverse("protection:alert_assign", args=[obj.pk]),
            reverse("protection:alert_act", args=[obj.pk]),
            reverse("protection:alert_resolve", args=[obj.pk]),
        ]


class TestFollowUpPlanContract(ScopedModelContract):
    model = FollowUpPlan
    actions = ("view", "end")
    list_url = "protection:plan_list"
    detail_url = "protection:plan_detail"
    update_url = "protection:plan_end"
    export = True
    api_list_url = "protection-plan-list"
    api_detail_url = "protection-plan-detail"

    def make(self, unit):
        plan = f.plan(f.person(unit))
        FollowUpPlan.objects.filter(pk=plan.pk).update(is_sensitive=False)
        plan.refresh_from_db()
        return plan

    def update_data(self, obj) -> dict:
        return {"version": obj.version, "reason": "当事人已迁出本地，转介迁入地妇联"}

    def export_marker(self, obj):
        return "编号", obj.pk


class TestProtectiveVisitContract(ScopedModelContract):
    model = ProtectiveVisit
    actions = ("view", "change")
    list_url = "protection:visit_list"
    update_url = "protection:visit_record"
    export = True
    api_list_url = "protection-visit-list"
    api_detail_url = "protection-visit-detail"

    def make(self, unit):
        plan = f.plan(f.person(unit), started_on=timezone.localdate() - timedelta(days=8))
        visit = f.visit(plan)
        ProtectiveVisit.objects.filter(pk=visit.pk).update(is_sensitive=False)
        visit.refresh_from_db()
        return visit

    def update_data(self, obj) -> dict:
        return {
            "version": obj.version,
            "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "mode": "phone",
            "reached": "yes",
            "safe": "safe",
            "recurred": "no",
            "recurrence": "",
            "needs": "",
            "next_step": "按计划继续回访",
        }

    def list_marker(self, obj):
        return f'data-visit="{obj.pk}"'

    def export_marker(self, obj):
        return "编号", obj.pk
