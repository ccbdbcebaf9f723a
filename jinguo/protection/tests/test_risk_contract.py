"""The scoping contract for risk assessments and safety plans (both sensitive by default)."""

from django.urls import reverse
from django.utils import timezone

from jinguo.core.scoping import VIEW_SENSITIVE
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import RiskAssessment, SafetyPlan
from jinguo.testing.factories import grant
from jinguo.testing.scoping import ScopedModelContract

from .factories_risk import answers, make_assessment, make_plan


class SensitiveByDefault:
    """The worker in scope holds view_sensitive, as the roles that do this work do: what she
    creates is sensitive and must stay hers to read."""

    extra_permissions = ("people.view_person",)

    def in_scope_user(self, tree, obj):
        user = super().in_scope_user(tree, obj)
        grant(user, VIEW_SENSITIVE)
        return user

    def other_branch_user(self, tree, obj):
        user = super().other_branch_user(tree, obj)
        grant(user, VIEW_SENSITIVE)
        return user


class TestRiskAssessmentContract(SensitiveByDefault, ScopedModelContract):
    model = RiskAssessment
    list_url = "protection:riskassessment_list"
    detail_url = "protection:riskassessment_detail"
    create_url = "protection:riskassessment_create"
    export = True
    api_list_url = "riskassessment-list"
    api_detail_url = "riskassessment-detail"
    api_create = True

    def make(self, unit):
        return make_assessment(unit=unit, sensitive=False)

    def export_marker(self, obj):
        return "评估时间", timezone.localtime(obj.assessed_at).strftime("%Y-%m-%d %H:%M")

    def create_request(self, unit):
        person = PersonFactory(org=unit)
        data = {f"item_{n}": v for n, v in answers().items()}
        data |= {"case": "", "judged_level": "", "judgement_reason": "", "notes": ""}
        return reverse(self.create_url, args=[person.pk]), data

    def api_data(self, unit):
        return {"person": PersonFactory(org=unit).pk, "answers": answers()}


class TestSafetyPlanContract(SensitiveByDefault, ScopedModelContract):
    model = SafetyPlan
    detail_url = "protection:safetyplan_detail"
    create_url = "protection:safetyplan_create"
    update_url = "protection:safetyplan_update"
    api_list_url = "safetyplan-list"
    api_detail_url = "safetyplan-detail"
    api_update = True

    def make(self, unit):
        return make_plan(unit=unit, sensitive=False)

    def form_data(self, unit):
        return {"safe_place": "娘家", "code_word": "今天降温了", "safe_contacts": ""}

    def create_request(self, unit):
        person = PersonFactory(org=unit)
        return reverse(self.create_url, args=[person.pk]), self.form_data(unit)

    def update_data(self, obj):
        return {"version": obj.version, "safe_place": "妇联庇护所", "code_word": "下雨了"}

    def api_update_data(self, obj):
        return {"version": obj.version, "safe_place": "妇联庇护所"}
