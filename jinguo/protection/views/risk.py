"""Pages of the risk concern: assessing a person, an assessment, a person's history, the
assessment and 风险人员 lists, and the safety plan. Instrument pages: ``risk_instruments``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.cases.models import Case
from jinguo.core import audit
from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.scoping import may
from jinguo.people.models import Person

from ..filtersets.risk import AtRiskFilterSet, RiskAssessmentFilterSet
from ..forms.risk import AssessmentForm, SafetyPlanForm
from ..models import Instrument, RiskAssessment, SafetyPlan
from ..selectors import risk as selectors
from ..services import risk as services
from ..tables.risk import RiskAssessmentTable
from . import risk_instruments

TEMPLATES = "protection/risk/"


def visible_person(user, pk) -> Person:
    return get_object_or_404(
        Person.objects.restrict(user, "view").filter(merged_into__isnull=True), pk=pk
    )


# --- lists ---------------------------------------------------------------------------------


class RiskAssessmentListView(ObjectListView):
    model = RiskAssessment
    filterset_class = RiskAssessmentFilterSet
    table_class = RiskAssessmentTable
    title = gettext_lazy("风险评估记录")
    export_name = gettext_lazy("风险评估记录")

    def get_queryset(self):
        return selectors.assessment_list_queryset(self.request.user)


class AtRiskListView(RiskAssessmentListView):
    """People whose current level is medium or high, highest first."""

    filterset_class = AtRiskFilterSet
    title = gettext_lazy("风险人员")
    export_name = gettext_lazy("风险人员")

    def get_queryset(self):
        return selectors.at_risk_queryset(self.request.user)

    def get_table_kwargs(self):
        # Highest level first, then the most recent; a column header's sort replaces it.
        return {"order_by": ("-level", "-assessed_at")}


# --- assessing -----------------------------------------------------------------------------


class AssessmentCreateView(ServiceFormView):
    form_class = AssessmentForm
    template_name = TEMPLATES + "assessment_form.html"
    permission_required = "protection.add_riskassessment"
    title = gettext_lazy("风险评估")
    success_message = gettext_lazy("风险评估已保存。")

    def get_person(self) -> Person:
        if not hasattr(self, "_person"):
            self._person = visible_person(self.request.user, self.kwargs["person_pk"])
        return self._person

    def get_instrument(self) -> Instrument:
        if not hasattr(self, "_instrument"):
            active = Instrument.objects.filter(is_active=True)
            chosen = self.request.POST.get("instrument") or self.request.GET.get("instrument")
            found = None
            if chosen and str(chosen).isdigit() and len(str(chosen)) < 12:
                found = active.filter(pk=int(chosen)).first()
            found = found or active.filter(is_default=True).first() or active.first()
            if found is None:
                raise Http404(_("没有可用的风险评估工具，请联系管理员。"))
            self._instrument = found
        return self._instrument

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        from jinguo.cases.selectors import cases_for_person

        kwargs["instrument"] = self.get_instrument()
        kwargs["cases"] = cases_for_person(self.request.user, self.get_person())
        return kwargs

    def get_initial(self):
        case = self.request.GET.get("case")
        return {"case": case} if case and case.isdigit() and len(case) < 12 else {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        person = self.get_person()
        ctx.update(
            person=person,
            instrument=self.get_instrument(),
            instruments=list(Instrument.objects.filter(is_active=True)),
            previous=selectors.current_risk(person, self.request.user),
            cancel_url=person.get_absolute_url(),
        )
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        return services.assessment_create(
            user=self.request.user,
            person=self.get_person(),
            instrument=self.get_instrument(),
            answers=form.answers(),
            case=data.get("case"),
            judged_level=data.get("judged_level", ""),
            judgement_reason=data.get("judgement_reason", ""),
            next_review_on=data.get("next_review_on"),
            notes=data.get("notes", ""),
        )

    def get_success_url(self, result=None):
        return reverse("protection:riskassessment_detail", args=[result.pk])


class AssessmentDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        assessment = selectors.assessment_open(user, pk)
        answers = services.answers_of(assessment)
        items = [
            {
                "item": item,
                "answer": answers.get(str(item.number), ""),
                "label": services.ANSWER_LABELS.get(answers.get(str(item.number), ""), "—"),
            }
            for item in assessment.instrument.items.all()
        ]
        plan = selectors.plan_for_person(user, assessment.person_id)
        latest = selectors.current_risk(assessment.person_id, user)
        return render(
            request,
            TEMPLATES + "assessment_detail.html",
            {
                "title": _("风险评估"),
                "assessment": assessment,
                "person": assessment.person,
                "items": items,
                "yes_count": sum(1 for row in items if row["answer"] == services.YES),
                "is_latest": latest is not None and latest.pk == assessment.pk,
                "plan": plan,
                "plan_needs_review": plan is not None and services.plan_needs_review(plan),
                "can_assess": user.has_perm("protection.add_riskassessment"),
                "can_plan": user.has_perm("protection.add_safetyplan"),
                "can_open_case": assessment.case_id
                and Case.objects.restrict(user, "view").filter(pk=assessment.case_id).exists(),
            },
        )


class HistoryView(LoginRequiredMixin, View):
    """A person's assessments over time: levels as steps, and whether danger is rising."""

    def get(self, request, person_pk):
        user = request.user
        if not user.has_perm("protection.view_riskassessment"):
            raise Http404
        person = visible_person(user, person_pk)
        history = selectors.person_history(user, person)
        audit.record_access(
            user, person, action="open", view="risk_history", assessments=len(history)
        )
        rows = []
        previous = None
        for a in history:
            direction = ""
            if previous is not None:
                delta = services.LEVEL_RANK[a.level] - services.LEVEL_RANK[previous.level]
                direction = "up" if delta > 0 else "down" if delta < 0 else "same"
            rows.append({"a": a, "direction": direction, "rank": services.LEVEL_RANK[a.level]})
            previous = a
        plan = selectors.plan_for_person(user, person)
        return render(
            request,
            TEMPLATES + "history.html",
            {
                "title": _("风险评估历史"),
                "person": person,
                "rows": rows,
                "newest_first": list(reversed(rows)),
                "trend": selectors.trend_of(history),
                "plan": plan,
                "can_assess": user.has_perm("protection.add_riskassessment"),
                "can_plan": user.has_perm("protection.add_safetyplan"),
            },
        )


# --- safety plan ---------------------------------------------------------------------------


def plan_queryset(user, action="view"):
    return SafetyPlan.objects.restrict(user, action).select_related("person", "org")


class SafetyPlanDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        plan = selectors.safety_plan_open(user, pk, queryset=plan_queryset(user))
        latest = services.latest_assessment(plan.person_id)
        return render(
            request,
            TEMPLATES + "safetyplan_detail.html",
            {
                "title": _("安全计划"),
                "plan": plan,
                "person": plan.person,
                "fields": [
                    (SafetyPlan._meta.get_field(n).verbose_name, getattr(plan, n))
                    for n in services.PLAN_FIELDS
                ],
                "latest": latest if latest and may(user, "view", latest) else None,
                "needs_review": services.plan_needs_review(plan),
                "can_change": may(user, "change", plan),
            },
        )


class SafetyPlanCreateView(ServiceFormView):
    form_class = SafetyPlanForm
    template_name = TEMPLATES + "safetyplan_form.html"
    permission_required = "protection.add_safetyplan"
    title = gettext_lazy("制定安全计划")
    success_message = gettext_lazy("安全计划已保存。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            person = visible_person(request.user, kwargs["person_pk"])
            existing = selectors.plan_for_person(request.user, person)
            if existing is not None:
                return redirect("protection:safetyplan_update", existing.pk)
            self.person = person
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(person=self.person, cancel_url=self.person.get_absolute_url())
        return ctx

    def perform(self, form):
        return services.safety_plan_create(
            user=self.request.user, person=self.person, **form.values()
        )

    def get_success_url(self, result=None):
        return reverse("protection:safetyplan_detail", args=[result.pk])


class SafetyPlanUpdateView(ServiceFormView):
    form_class = SafetyPlanForm
    template_name = TEMPLATES + "safetyplan_form.html"
    title = gettext_lazy("修改安全计划")
    success_message = gettext_lazy("安全计划已保存。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.plan = get_object_or_404(plan_queryset(request.user, "change"), pk=kwargs["pk"])
            if request.method == "GET":
                # The form shows the plan's contents: an open like the page's.
                audit.record_open(request.user, self.plan, mode="edit")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.plan
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            person=self.plan.person,
            plan=self.plan,
            cancel_url=reverse("protection:safetyplan_detail", args=[self.plan.pk]),
        )
        return ctx

    def perform(self, form):
        return services.safety_plan_update(
            user=self.request.user,
            plan=self.plan,
            version=form.cleaned_data.get("version"),
            **form.values(),
        )

    def get_success_url(self, result=None):
        return reverse("protection:safetyplan_detail", args=[result.pk])


class SafetyPlanReviewView(LoginRequiredMixin, View):
    def post(self, request, pk):
        plan = get_object_or_404(plan_queryset(request.user, "change"), pk=pk)
        version = request.POST.get("version")
        try:
            services.safety_plan_review(
                user=request.user,
                plan=plan,
                version=int(version)
                if version and version.isdigit() and len(version) < 10
                else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已确认安全计划复核。"))
        return redirect("protection:safetyplan_detail", plan.pk)


urlpatterns = [
    path("risk/", RiskAssessmentListView.as_view(), name="riskassessment_list"),
    path("risk/people/", AtRiskListView.as_view(), name="riskperson_list"),
    path("risk/<int:pk>/", AssessmentDetailView.as_view(), name="riskassessment_detail"),
    path(
        "persons/<int:person_pk>/assess/",
        AssessmentCreateView.as_view(),
        name="riskassessment_create",
    ),
    path("persons/<int:person_pk>/risk/", HistoryView.as_view(), name="riskassessment_history"),
    path(
        "persons/<int:person_pk>/safety-plan/new/",
        SafetyPlanCreateView.as_view(),
        name="safetyplan_create",
    ),
    path("safety-plans/<int:pk>/", SafetyPlanDetailView.as_view(), name="safetyplan_detail"),
    path("safety-plans/<int:pk>/edit/", SafetyPlanUpdateView.as_view(), name="safetyplan_update"),
    path("safety-plans/<int:pk>/review/", SafetyPlanReviewView.as_view(), name="safetyplan_review"),
    *risk_instruments.urlpatterns,
]
