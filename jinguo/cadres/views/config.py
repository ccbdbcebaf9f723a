"""Configuration pages (系统管理): position types (职务类型) and retraining rules (复训规则).

Federation-wide data, not scoped records: the pages need the model's permissions (the shipped
system administrator holds them); anyone else gets a 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ServiceFormView

from ..forms.config import PositionTypeForm, RetrainingRuleForm
from ..models import PositionType, RetrainingRule
from ..services import config as services


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise Http404


class PositionTypeListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "cadres.change_positiontype")
        return render(
            request,
            "cadres/config/positiontype_list.html",
            {
                "title": _("职务类型"),
                "rows": PositionType.objects.order_by("sort", "id"),
                "can_add": request.user.has_perm("cadres.add_positiontype"),
            },
        )


class PositionTypeCreateView(ServiceFormView):
    form_class = PositionTypeForm
    permission_required = "cadres.add_positiontype"
    template_name = "cadres/config/form.html"
    title = gettext_lazy("新增职务类型")
    success_message = gettext_lazy("职务类型已保存。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            list_url=reverse("cadres:positiontype_list"),
            list_title=_("职务类型"),
            cancel_url=reverse("cadres:positiontype_list"),
        )
        return ctx

    def perform(self, form):
        return services.position_type_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("cadres:positiontype_list")


class PositionTypeUpdateView(PositionTypeCreateView):
    permission_required = "cadres.change_positiontype"
    title = gettext_lazy("修改职务类型")

    def get_object(self) -> PositionType:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(PositionType, pk=self.kwargs["pk"])
        return self._object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_initial(self):
        return {name: getattr(self.get_object(), name) for name in services.POSITION_TYPE_FIELDS}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.get_object()
        return ctx

    def perform(self, form):
        return services.position_type_update(
            user=self.request.user, position_type=self.get_object(), **form.cleaned_data
        )


class RetrainingRuleListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "cadres.change_retrainingrule")
        return render(
            request,
            "cadres/config/retrainingrule_list.html",
            {
                "title": _("复训规则"),
                "rows": RetrainingRule.objects.select_related("position_type").order_by(
                    "-is_active", "id"
                ),
                "can_add": request.user.has_perm("cadres.add_retrainingrule"),
            },
        )


class RetrainingRuleCreateView(ServiceFormView):
    form_class = RetrainingRuleForm
    permission_required = "cadres.add_retrainingrule"
    template_name = "cadres/config/form.html"
    title = gettext_lazy("新增复训规则")
    success_message = gettext_lazy("复训规则已保存，待复训名单即按新规则列出。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            list_url=reverse("cadres:retrainingrule_list"),
            list_title=_("复训规则"),
            cancel_url=reverse("cadres:retrainingrule_list"),
        )
        return ctx

    def perform(self, form):
        return services.retraining_rule_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("cadres:retrainingrule_list")


class RetrainingRuleUpdateView(RetrainingRuleCreateView):
    permission_required = "cadres.change_retrainingrule"
    title = gettext_lazy("修改复训规则")

    def get_object(self) -> RetrainingRule:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(RetrainingRule, pk=self.kwargs["pk"])
        return self._object

    def get_initial(self):
        rule = self.get_object()
        return {
            "name": rule.name,
            "position_type": rule.position_type_id,
            "kind": rule.kind,
            "every_months": rule.every_months,
            "is_active": rule.is_active,
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.get_object()
        return ctx

    def perform(self, form):
        return services.retraining_rule_update(
            user=self.request.user, rule=self.get_object(), **form.cleaned_data
        )
