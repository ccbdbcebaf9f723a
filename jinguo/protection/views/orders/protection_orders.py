"""Pages of protection orders: list (by state, overdue, expiring), the order's page with its
timeline and the steps it offers, the application form and one form per step."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectListView
from jinguo.core.scoping import may

from ... import choices
from ...filtersets.orders import ProtectionOrderFilterSet
from ...forms import orders as forms
from ...models import OrderBreach, ProtectionOrder
from ...selectors.orders import current_risk, order_open
from ...services.orders import protection_orders as services
from ...tables.orders import ProtectionOrderTable
from .common import Case, OrdersFormView, Person, given, person_subject, scoped, subject_person

# Each step: (label, form, service, the states it is offered in).
STEPS = {
    "apply": (gettext_lazy("提交申请"), forms.ApplyForm, services.order_apply, ("preparing",)),
    "accept": (
        gettext_lazy("登记法院受理"),
        forms.AcceptForm,
        services.order_accept,
        ("preparing", "applied"),
    ),
    "rule": (gettext_lazy("登记裁定结果"), forms.RuleForm, services.order_rule, ("accepted",)),
    "extend": (
        gettext_lazy("登记延长"),
        forms.ExtendForm,
        services.order_extend,
        choices.ORDER_IN_FORCE,
    ),
    "vary": (
        gettext_lazy("登记变更"),
        forms.VaryForm,
        services.order_vary,
        choices.ORDER_IN_FORCE,
    ),
    "reconsider": (
        gettext_lazy("登记复议"),
        forms.NoteForm,
        services.order_reconsider,
        services.RULED,
    ),
    "revoke": (
        gettext_lazy("登记撤销"),
        forms.NoteForm,
        services.order_revoke,
        choices.ORDER_IN_FORCE,
    ),
    "withdraw": (
        gettext_lazy("撤回申请"),
        forms.WithdrawForm,
        services.order_withdraw,
        services.BEFORE_RULING,
    ),
}


def offered_steps(user, order) -> list[dict]:
    if not (user.has_perm("protection.change_protectionorder") and may(user, "change", order)):
        return []
    found = []
    for name, (label, _form, _service, states) in STEPS.items():
        if order.status not in states:
            continue
        if name == "reconsider":
            deadline = services.reconsider_deadline(order)
            if deadline is None or timezone.now() > deadline:
                continue
            if order.events.filter(kind=choices.OrderChange.RECONSIDERATION).exists():
                continue
        found.append({"name": name, "label": label})
    return found


class ProtectionOrderListView(ObjectListView):
    model = ProtectionOrder
    filterset_class = ProtectionOrderFilterSet
    table_class = ProtectionOrderTable
    title = gettext_lazy("人身安全保护令")
    export_name = gettext_lazy("人身安全保护令")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "court", "org")


class ProtectionOrderDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        qs = ProtectionOrder.objects.restrict(user, "view").select_related(
            "person", "respondent", "court", "org", "case", "created_by"
        )
        order = order_open(user, pk, queryset=qs)
        now = timezone.now()
        overdue = (
            order.status == choices.OrderStatus.ACCEPTED
            and order.decision_due_at is not None
            and order.decision_due_at < now
        )
        breaches = list(OrderBreach.objects.restrict(user, "view").filter(order=order))
        return render(
            request,
            "protection/orders/order_detail.html",
            {
                "title": _("人身安全保护令"),
                "order": order,
                "overdue": overdue,
                "events": list(order.events.select_related("by").order_by("at", "pk")),
                "breaches": breaches,
                "steps": offered_steps(user, order),
                "can_change": order.status in services.BEFORE_RULING
                and user.has_perm("protection.change_protectionorder")
                and may(user, "change", order),
                "can_breach": order.status in choices.ORDER_IN_FORCE
                and user.has_perm("protection.add_orderbreach")
                and may(user, "change", order),
                "risk": current_risk(order.person_id),
                "reconsider_until": services.reconsider_deadline(order),
                "person_visible": may(user, "view", order.person),
                "case_visible": order.case_id is not None and may(user, "view", order.case),
            },
        )


class ProtectionOrderCreateView(OrdersFormView):
    form_class = forms.ProtectionOrderForm
    permission_required = "protection.add_protectionorder"
    title = gettext_lazy("登记保护令申请")
    success_message = gettext_lazy("保护令申请已登记。")

    def get_initial(self):
        initial = {"applicant_kind": choices.ApplicantKind.VICTIM}
        person = subject_person(self.request)
        case = given(Case, self.request, "case")
        if person is not None:
            initial["person"] = person.pk
        if case is not None:
            initial["case"] = case.pk
        return initial

    def subject(self):
        return person_subject(_("受保护人"), subject_person(self.request))

    def perform(self, form):
        return services.order_create(user=self.request.user, **form.cleaned_data)

    def fallback_url(self):
        return reverse("protection:protectionorder_list")


class ProtectionOrderUpdateView(OrdersFormView):
    form_class = forms.ProtectionOrderEditForm
    permission_required = "protection.change_protectionorder"
    title = gettext_lazy("修改保护令申请")
    success_message = gettext_lazy("已保存。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = scoped(ProtectionOrder, request.user, kwargs["pk"], "change")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {f: getattr(self.object, f) for f in services.APPLICATION_FIELDS}

    def subject(self):
        return person_subject(_("受保护人"), self.object.person)

    def perform(self, form):
        return services.order_update(user=self.request.user, order=self.object, **form.cleaned_data)


class ProtectionOrderStepView(OrdersFormView):
    permission_required = "protection.change_protectionorder"
    success_message = gettext_lazy("已登记。")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in STEPS:
            raise Http404
        self.step = STEPS[kwargs["step"]]
        if request.user.is_authenticated:
            self.object = scoped(ProtectionOrder, request.user, kwargs["pk"], "change")
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return self.step[1]

    def get_initial(self):
        initial = {}
        if self.kwargs["step"] in ("apply", "accept") and self.object.court_id:
            initial["court"] = self.object.court_id
        if self.kwargs["step"] == "vary":
            initial.update(
                {m: getattr(self.object, m) for m in ("ban_violence", "ban_contact", "move_out")}
            )
            initial["other_measures"] = self.object.other_measures
        if self.kwargs["step"] == "rule":
            initial["ban_violence"] = True
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.step[0]
        ctx["cancel_url"] = self.object.get_absolute_url()
        return ctx

    def subject(self):
        order = self.object
        return (
            _("保护令"),
            f"{order.court_case_number or f'#{order.pk}'} · {order.person.masked_name} · "
            f"{order.get_status_display()}",
        )

    def perform(self, form):
        return self.step[2](user=self.request.user, order=self.object, **form.cleaned_data)


__all__ = ["STEPS", "Person", "offered_steps"]
