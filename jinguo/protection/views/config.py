"""Configuration pages (系统管理): the early-warning rules and the emergency checklists.

Both are federation-wide policy, not scoped records. The pages need the model's permissions;
the shipped system administrator holds them (see contributions/followup.py and shelter.py for
why not the leader). Anyone else gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.cases.choices import GbvType
from jinguo.core.generic import ServiceFormView

from ..forms.config import AlertRuleForm, ChecklistForm, ChecklistStepForm, FollowUpScheduleForm
from ..models import AlertRule, ChecklistStep, ChecklistTemplate, EmergencyAction, FollowUpSchedule
from ..services import alert_rule_config, checklists, followup_schedule
from ..services.followup import default_schedule


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise Http404


# --- early-warning rules ----------------------------------------------------------------------


class AlertRuleListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "protection.view_alertrule")
        rules = list(AlertRule.objects.order_by("code"))
        for rule in rules:
            rule.param_rows = [
                (p.label, (rule.params or {}).get(p.key))
                for p in alert_rule_config.alert_rule_params(rule)
            ]
        return render(
            request,
            "protection/config/alertrule_list.html",
            {
                "title": _("预警规则"),
                "rules": rules,
                "can_change": request.user.has_perm("protection.change_alertrule"),
            },
        )


class AlertRuleUpdateView(ServiceFormView):
    form_class = AlertRuleForm
    permission_required = "protection.change_alertrule"
    template_name = "protection/config/alertrule_form.html"
    title = gettext_lazy("修改预警规则")
    success_message = gettext_lazy("预警规则已保存，下一次预警巡查起按新规则执行。")

    def get_object(self) -> AlertRule:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(AlertRule, pk=self.kwargs["pk"])
        return self._object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rule": self.get_object()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(rule=self.get_object(), cancel_url=reverse("protection:alertrule_list"))
        return ctx

    def perform(self, form):
        return alert_rule_config.alert_rule_update(
            user=self.request.user, rule=self.get_object(), **form.service_kwargs()
        )

    def get_success_url(self, result=None):
        return reverse("protection:alertrule_list")


# --- emergency checklists ---------------------------------------------------------------------


def _types_label(template) -> str:
    if not template.gbv_types:
        return _("所有暴力类型")
    return "、".join(str(GbvType(t).label) for t in template.gbv_types if t in GbvType.values)


class ChecklistListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "protection.view_checklisttemplate")
        templates = list(
            ChecklistTemplate.objects.prefetch_related("steps").order_by("-is_active", "name")
        )
        for template in templates:
            template.types_label = _types_label(template)
        return render(
            request,
            "protection/config/checklist_list.html",
            {
                "title": _("应急处置清单"),
                "templates": templates,
                "can_add": request.user.has_perm("protection.add_checklisttemplate"),
            },
        )


class ChecklistCreateView(ServiceFormView):
    form_class = ChecklistForm
    permission_required = "protection.add_checklisttemplate"
    template_name = "protection/config/checklist_form.html"
    title = gettext_lazy("新建应急处置清单")
    success_message = gettext_lazy("应急处置清单已保存。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("protection:checklisttemplate_list")
        return ctx

    def perform(self, form):
        return checklists.checklist_create(user=self.request.user, **form.service_kwargs())

    def get_success_url(self, result=None):
        return reverse("protection:checklisttemplate_update", args=[result.pk])


class ChecklistUpdateView(ServiceFormView):
    """The checklist's settings and, beside them, its steps (reorder, add, edit, remove)."""

    form_class = ChecklistForm
    permission_required = "protection.change_checklisttemplate"
    template_name = "protection/config/checklist_detail.html"
    title = gettext_lazy("应急处置清单")
    success_message = gettext_lazy("应急处置清单已保存。")

    def get_object(self) -> ChecklistTemplate:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(ChecklistTemplate, pk=self.kwargs["pk"])
        return self._object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "template": self.get_object()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        template = self.get_object()
        steps = list(template.steps.order_by("order", "id"))
        used = set(EmergencyAction.objects.filter(step__in=steps).values_list("step_id", flat=True))
        for step in steps:
            step.used = step.pk in used
        ctx.update(
            template=template,
            steps=steps,
            step_form=kwargs.get("step_form") or ChecklistStepForm(user=self.request.user),
            cancel_url=reverse("protection:checklisttemplate_list"),
        )
        return ctx

    def perform(self, form):
        return checklists.checklist_update(
            user=self.request.user, template=self.get_object(), **form.service_kwargs()
        )

    def get_success_url(self, result=None):
        return reverse("protection:checklisttemplate_update", args=[self.get_object().pk])


class ChecklistStepAddView(ChecklistUpdateView):
    """Adds a step; on an error the page is shown again with what she typed."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        step_form = ChecklistStepForm(request.POST, user=request.user)
        if step_form.is_valid():
            try:
                checklists.checklist_step_add(
                    user=request.user, template=self.get_object(), **step_form.cleaned_data
                )
            except ValidationError as exc:
                step_form.add_service_error(exc)
            else:
                messages.success(request, _("已添加处置事项。"))
                return redirect(self.get_success_url())
        form = self.get_form_class()(user=request.user, template=self.get_object())
        return self.render_to_response(self.get_context_data(form=form, step_form=step_form))


class ChecklistStepActionView(LoginRequiredMixin, View):
    """Move a step up or down, change it, or remove it (POST from the checklist page)."""

    def post(self, request, pk, action):
        _require(request, "protection.change_checklisttemplate")
        step = get_object_or_404(ChecklistStep, pk=pk)
        back = reverse("protection:checklisttemplate_update", args=[step.template_id])
        try:
            if action in ("up", "down"):
                checklists.checklist_step_move(user=request.user, step=step, direction=action)
            elif action == "remove":
                checklists.checklist_step_remove(user=request.user, step=step)
                messages.success(request, _("已删除处置事项。"))
            elif action == "update":
                form = ChecklistStepForm(request.POST, user=request.user)
                if not form.is_valid():
                    for errors in form.errors.values():
                        messages.error(request, errors[0])
                    return redirect(back)
                checklists.checklist_step_update(user=request.user, step=step, **form.cleaned_data)
                messages.success(request, _("处置事项已保存。"))
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(back)


# --- the protective follow-up schedule ---------------------------------------------------------


class FollowUpScheduleView(ServiceFormView):
    form_class = FollowUpScheduleForm
    permission_required = "protection.change_followupschedule"
    template_name = "protection/config/followupschedule_form.html"
    title = gettext_lazy("保护性回访安排")
    success_message = gettext_lazy("回访安排已保存，此后新建的回访计划按新安排执行。")

    def get_form_kwargs(self):
        days, repeat = default_schedule()
        return {**super().get_form_kwargs(), "days": days, "repeat_every_days": repeat}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        row = FollowUpSchedule.objects.select_related("updated_by").order_by("pk").first()
        ctx["cancel_url"] = reverse("core:home")
        if row is not None:
            who = row.updated_by
            ctx["updated_at"] = row.updated_at
            ctx["updated_by"] = (who.real_name or who.get_username()) if who else "—"
        return ctx

    def perform(self, form):
        return followup_schedule.followup_schedule_update(
            user=self.request.user, **form.service_kwargs()
        )

    def get_success_url(self, result=None):
        return reverse("protection:followupschedule_update")


urlpatterns = [
    path(
        "config/follow-up-schedule/",
        FollowUpScheduleView.as_view(),
        name="followupschedule_update",
    ),
    path("config/alert-rules/", AlertRuleListView.as_view(), name="alertrule_list"),
    path(
        "config/alert-rules/<int:pk>/edit/",
        AlertRuleUpdateView.as_view(),
        name="alertrule_update",
    ),
    path("config/checklists/", ChecklistListView.as_view(), name="checklisttemplate_list"),
    path(
        "config/checklists/new/",
        ChecklistCreateView.as_view(),
        name="checklisttemplate_create",
    ),
    path(
        "config/checklists/<int:pk>/",
        ChecklistUpdateView.as_view(),
        name="checklisttemplate_update",
    ),
    path(
        "config/checklists/<int:pk>/steps/add/",
        ChecklistStepAddView.as_view(),
        name="checkliststep_add",
    ),
    path(
        "config/checklist-steps/<int:pk>/<slug:action>/",
        ChecklistStepActionView.as_view(),
        name="checkliststep_action",
    ),
]
