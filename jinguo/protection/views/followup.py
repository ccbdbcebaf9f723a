"""Pages of the followup concern: early warnings (list, detail, sign for, assign, record
actions, resolve) and protective follow-up (plans, visits, recording a visit, ending a plan)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.masking import mask_name
from jinguo.core.scoping import permitted_actions

from ..filtersets.followup import AlertFilterSet, FollowUpPlanFilterSet, ProtectiveVisitFilterSet
from ..forms import followup as forms
from ..models import Alert, FollowUpPlan, ProtectiveVisit
from ..selectors import alerts as alert_selectors
from ..selectors import followup as selectors
from ..services import alerts as alert_services
from ..services import followup as services
from ..tables.followup import AlertTable, FollowUpPlanTable, ProtectiveVisitTable

# --- early warnings -------------------------------------------------------------------------------


class AlertListView(ObjectListView):
    model = Alert
    filterset_class = AlertFilterSet
    table_class = AlertTable
    title = gettext_lazy("维权预警")
    export_name = gettext_lazy("维权预警")

    def get_queryset(self):
        return alert_selectors.in_work_order(
            super().get_queryset().select_related("rule", "org", "assigned_to")
        )


class AlertDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        alert = alert_open_page(request.user, pk)
        allowed = permitted_actions(request.user, alert, ["acknowledge"])
        can_act = "acknowledge" in allowed and alert.is_open
        return render(
            request,
            "protection/followup/alert_detail.html",
            {
                "title": gettext_lazy("维权预警"),
                "alert": alert,
                "can_act": can_act,
                "actions": [
                    line for line in (alert.actions_taken or "").splitlines() if line.strip()
                ],
                "person_label": mask_name(alert.person.name) if alert.person_id else "",
            },
        )


def alert_open_page(user, pk):
    return alert_selectors.alert_open(
        user, pk, queryset=alert_selectors.alert_queryset(user).select_related("person")
    )


ALERT_STEPS = {
    "acknowledge": (
        forms.AlertAcknowledgeForm,
        alert_services.alert_acknowledge,
        gettext_lazy("签收预警"),
        gettext_lazy("预警已签收。"),
    ),
    "assign": (
        forms.AlertAssignForm,
        alert_services.alert_assign,
        gettext_lazy("指派处置人"),
        gettext_lazy("已指派处置人。"),
    ),
    "act": (
        forms.AlertActionForm,
        alert_services.alert_record_action,
        gettext_lazy("记录处置措施"),
        gettext_lazy("处置措施已记录。"),
    ),
    "resolve": (
        forms.AlertResolveForm,
        alert_services.alert_resolve,
        gettext_lazy("解除预警"),
        gettext_lazy("预警已解除。"),
    ),
}


class AlertStepView(ServiceFormView):
    """One step on a warning; the warning comes through restrict(user, "acknowledge")."""

    permission_required = "protection.acknowledge_alert"
    step = None

    def get_object(self):
        if not hasattr(self, "_object"):
            qs = Alert.objects.restrict(self.request.user, "acknowledge").exclude(status="resolved")
            self._object = get_object_or_404(qs.select_related("rule", "org"), pk=self.kwargs["pk"])
        return self._object

    def get_form_class(self):
        return ALERT_STEPS[self.step][0]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["obj"] = self.get_object()
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        alert = self.get_object()
        ctx.update(
            title=ALERT_STEPS[self.step][2],
            cancel_url=reverse("protection:alert_detail", args=[alert.pk]),
        )
        return ctx

    def perform(self, form):
        data = dict(form.cleaned_data)
        self.success_message = ALERT_STEPS[self.step][3]
        return ALERT_STEPS[self.step][1](user=self.request.user, alert=self.get_object(), **data)

    def get_success_url(self, result=None):
        return reverse("protection:alert_detail", args=[self.get_object().pk])


# --- protective follow-up -------------------------------------------------------------------------


class PlanListView(ObjectListView):
    model = FollowUpPlan
    filterset_class = FollowUpPlanFilterSet
    table_class = FollowUpPlanTable
    title = gettext_lazy("保护性回访计划")
    export_name = gettext_lazy("保护性回访计划")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "case", "org")


class VisitListView(ObjectListView):
    model = ProtectiveVisit
    filterset_class = ProtectiveVisitFilterSet
    table_class = ProtectiveVisitTable
    title = gettext_lazy("保护性回访")
    export_name = gettext_lazy("保护性回访")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "org").order_by("due_on", "id")


class PlanDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        plan = selectors.plan_open(request.user, pk)
        allowed = permitted_actions(request.user, plan, ["change"])
        visits = list(selectors.plan_visits(plan))
        visit_ok = set()
        if request.user.has_perm("protection.change_protectivevisit"):
            visit_ok = set(
                ProtectiveVisit.objects.restrict(request.user, "change")
                .filter(plan=plan, state__in=("due", "missed"))
                .values_list("pk", flat=True)
            )
        return render(
            request,
            "protection/followup/plan_detail.html",
            {
                "title": gettext_lazy("保护性回访计划"),
                "plan": plan,
                "person_label": mask_name(plan.person.name),
                "visits": visits,
                "recordable": visit_ok if plan.is_active else set(),
                "can_end": plan.is_active and request.user.has_perm("protection.end_followupplan"),
                "can_change": "change" in allowed,
                "level": selectors.latest_risk_level(plan.person_id),
            },
        )


class PlanEndView(ServiceFormView):
    permission_required = "protection.end_followupplan"
    form_class = forms.PlanEndForm
    title = gettext_lazy("结束回访计划")
    success_message = gettext_lazy("回访计划已结束。")

    def get_object(self):
        if not hasattr(self, "_object"):
            qs = FollowUpPlan.objects.restrict(self.request.user, "view").filter(status="active")
            self._object = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "obj": self.get_object()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_object().get_absolute_url()
        return ctx

    def perform(self, form):
        return services.plan_end(
            user=self.request.user, plan=self.get_object(), **form.cleaned_data
        )


class VisitRecordView(ServiceFormView):
    permission_required = "protection.change_protectivevisit"
    form_class = forms.VisitForm
    title = gettext_lazy("记录保护性回访")
    success_message = gettext_lazy("回访已记录。")
    template_name = "protection/followup/visit_form.html"

    def get_object(self):
        if not hasattr(self, "_object"):
            qs = ProtectiveVisit.objects.restrict(self.request.user, "change").filter(
                state__in=("due", "missed"), plan__status="active"
            )
            self._object = get_object_or_404(qs.select_related("plan"), pk=self.kwargs["pk"])
        return self._object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "obj": self.get_object()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        visit = self.get_object()
        ctx.update(visit=visit, cancel_url=visit.plan.get_absolute_url())
        return ctx

    def perform(self, form):
        return services.visit_record(
            user=self.request.user, visit=self.get_object(), **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return result.plan.get_absolute_url()


def _step(name):
    return AlertStepView.as_view(step=name)


urlpatterns = [
    path("alerts/", AlertListView.as_view(), name="alert_list"),
    path("alerts/<int:pk>/", AlertDetailView.as_view(), name="alert_detail"),
    path("alerts/<int:pk>/acknowledge/", _step("acknowledge"), name="alert_acknowledge"),
    path("alerts/<int:pk>/assign/", _step("assign"), name="alert_assign"),
    path("alerts/<int:pk>/act/", _step("act"), name="alert_act"),
    path("alerts/<int:pk>/resolve/", _step("resolve"), name="alert_resolve"),
    path("follow-up/plans/", PlanListView.as_view(), name="plan_list"),
    path("follow-up/plans/<int:pk>/", PlanDetailView.as_view(), name="plan_detail"),
    path("follow-up/plans/<int:pk>/end/", PlanEndView.as_view(), name="plan_end"),
    path("follow-up/visits/", VisitListView.as_view(), name="visit_list"),
    path("follow-up/visits/<int:pk>/record/", VisitRecordView.as_view(), name="visit_record"),
]
