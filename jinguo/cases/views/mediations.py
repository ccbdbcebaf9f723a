"""Mediation pages: the scoped list, the session form of the case page, the session page and
the printable mediation agreement (调解协议书)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core import audit
from jinguo.core.generic import ObjectListView, ScopedObjectMixin, ServiceFormView
from jinguo.core.masking import party_lines, split_names

from ..filtersets import MediationFilterSet
from ..forms.mediations import MediationForm
from ..models import Case, Mediation
from ..selectors import mediation_open
from ..services import mediation as services
from ..tables.mediations import MediationTable


def mediation_queryset(user, action="view"):
    return Mediation.objects.restrict(user, action).select_related(
        "case", "case__category", "org", "recorded_by"
    )


def visible_mediation(user, pk, action="view") -> Mediation:
    return get_object_or_404(mediation_queryset(user, action), pk=pk)


class MediationListView(ObjectListView):
    model = Mediation
    filterset_class = MediationFilterSet
    table_class = MediationTable
    title = gettext_lazy("调解记录")
    export_name = gettext_lazy("调解记录")

    def get_queryset(self):
        return super().get_queryset().select_related("case", "org")


class MediationFormMixin:
    form_class = MediationForm
    template_name = "cases/mediation_form.html"

    def get_success_url(self, result=None):
        return reverse("cases:mediation_detail", args=[result.pk])


class MediationCreateView(MediationFormMixin, ServiceFormView):
    permission_required = "cases.add_mediation"
    title = gettext_lazy("记录调解")
    success_message = gettext_lazy("调解记录已保存。")

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            qs = Case.objects.restrict(self.request.user, "view")
            self._case = get_object_or_404(qs, pk=self.kwargs["case_pk"])
        return self._case

    def get_initial(self):
        return {"held_at": timezone.localtime().replace(second=0, microsecond=0)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(case=self.get_case(), cancel_url=self.get_case().get_absolute_url())
        return ctx

    def perform(self, form):
        return services.mediation_create(
            user=self.request.user, case=self.get_case(), **form.cleaned_data
        )


class MediationUpdateView(MediationFormMixin, ScopedObjectMixin, ServiceFormView):
    model = Mediation
    action = "change"
    permission_required = "cases.change_mediation"
    title = gettext_lazy("修改调解记录")
    success_message = gettext_lazy("调解记录已保存。")

    def get_initial(self):
        m = self.get_object()
        initial = {name: getattr(m, name) for name in services.FIELDS}
        initial["held_at"] = timezone.localtime(m.held_at).replace(second=0, microsecond=0)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.get_object()
        ctx.update(
            mediation=m,
            case=m.case,
            cancel_url=reverse("cases:mediation_detail", args=[m.pk]),
        )
        return ctx

    def perform(self, form):
        return services.mediation_update(
            user=self.request.user, mediation=self.get_object(), **form.cleaned_data
        )


class MediationDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        mediation = mediation_open(request.user, pk, queryset=mediation_queryset(request.user))
        reveal = request.user.has_perm("core.reveal_pii")
        can_change = (
            request.user.has_perm("cases.change_mediation")
            and Mediation.objects.restrict(request.user, "change").filter(pk=pk).exists()
        )
        return render(
            request,
            "cases/mediation_detail.html",
            {
                "title": gettext_lazy("调解记录"),
                "mediation": mediation,
                "case": mediation.case,
                "parties": party_lines(mediation.parties, reveal=reveal),
                "parties_masked": not reveal,
                "can_change": can_change,
                "can_open_case": Case.objects.restrict(request.user, "view")
                .filter(pk=mediation.case_id)
                .exists(),
            },
        )


class MediationAgreementView(LoginRequiredMixin, View):
    """The printable agreement; names in full only for a user who may reveal them, and then
    the print is logged as a reveal."""

    def get(self, request, pk):
        mediation = visible_mediation(request.user, pk)
        if not (mediation.agreement or "").strip():
            raise Http404
        reveal = request.user.has_perm("core.reveal_pii")
        audit.record_access(
            request.user,
            mediation,
            action="open",
            mode="print_agreement",
            names_shown=reveal,
            case_id=mediation.case_id,
        )
        return render(
            request,
            "cases/mediation_agreement.html",
            {
                "mediation": mediation,
                "case": mediation.case,
                "parties": party_lines(mediation.parties, reveal=reveal),
                "mediators": split_names(mediation.mediators),
                "terms": [t.strip() for t in mediation.agreement.splitlines() if t.strip()],
                "unit": mediation.org,
                "today": timezone.localdate(),
            },
        )
