"""The emergency checklist's form (posted from the case page) and the pages of mandatory
reports. Loaded through restrict(); out of scope is 404. The reporter is shown only to those
handling the report (selectors.shelter.may_see_reporter)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.cases.models import Case
from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.ids import valid_id
from jinguo.core.scoping import may

from ...filtersets.shelter import ReportFilterSet
from ...forms import shelter as forms
from ...models import MandatoryReport
from ...selectors import shelter as selectors
from ...services import emergency as emergency_services
from ...tables.shelter import ReportTable

# --- the emergency checklist (a section of the case page; its form posts here) ----------------


class EmergencyTickView(LoginRequiredMixin, View):
    def post(self, request, case_pk):
        case = get_object_or_404(Case.objects.restrict(request.user, "change"), pk=case_pk)
        form = forms.EmergencyTickForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("请检查处置时间和说明。"))
        else:
            try:
                emergency_services.emergency_tick(user=request.user, case=case, **form.cleaned_data)
                messages.success(request, _("应急处置已登记。"))
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        return redirect(reverse("cases:case_detail", args=[case.pk]) + "#emergency")


# --- mandatory reports ----------------------------------------------------------------------


class ReportListView(ObjectListView):
    model = MandatoryReport
    filterset_class = ReportFilterSet
    table_class = ReportTable
    title = gettext_lazy("强制报告")
    export_name = gettext_lazy("强制报告")
    create_url_name = "protection:mandatoryreport_create"

    def get_queryset(self):
        return selectors.visible_reports(self.request.user)


class ReportCreateView(ServiceFormView):
    form_class = forms.ReportForm
    template_name = "protection/shelter/form.html"
    permission_required = "protection.add_mandatoryreport"
    title = gettext_lazy("登记强制报告")
    success_message = gettext_lazy("强制报告已登记，请尽快处理。")

    def get_initial(self):
        initial = {"org": self.request.user.home_unit_id, "victim_is_minor": True}
        victim = self.request.GET.get("victim")
        if valid_id(victim or ""):
            initial["victim"] = int(victim)
        return initial

    def perform(self, form):
        return emergency_services.report_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("protection:mandatoryreport_detail", args=[result.pk])


class ReportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        report = selectors.report_open(user, pk)
        handling = (
            report.status == "new"
            and user.has_perm("protection.change_mandatoryreport")
            and may(user, "change", report)
        )
        return render(
            request,
            "protection/shelter/report_detail.html",
            {
                "title": _("强制报告"),
                "report": report,
                "reporter_shown": selectors.may_see_reporter(user, report),
                "handling": handling,
                "can_add_case": handling and user.has_perm("cases.add_case"),
                "register_form": forms.ReportRegisterForm(user=user),
                "join_form": forms.ReportJoinForm(user=user),
                "dismiss_form": forms.ReportDismissForm(user=user),
                "can_open_case": report.case_id is not None and may(user, "view", report.case),
                "can_open_victim": report.victim_id is not None
                and may(user, "view", report.victim),
            },
        )


class ReportActionView(ServiceFormView):
    """Register a case, join one, or dismiss: one small form each, posted from the page."""

    template_name = "protection/shelter/form.html"
    permission_required = "protection.change_mandatoryreport"
    FORMS = {
        "register": (forms.ReportRegisterForm, gettext_lazy("登记为新个案")),
        "join": (forms.ReportJoinForm, gettext_lazy("并入已有个案")),
        "dismiss": (forms.ReportDismissForm, gettext_lazy("不予立案")),
    }

    def dispatch(self, request, *args, **kwargs):
        if kwargs["verb"] not in self.FORMS:
            raise Http404
        if request.user.is_authenticated:
            self.get_report()
        return super().dispatch(request, *args, **kwargs)

    def get_report(self):
        if not hasattr(self, "_report"):
            qs = MandatoryReport.objects.restrict(self.request.user, "change")
            self._report = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._report

    def get_form_class(self):
        return self.FORMS[self.kwargs["verb"]][0]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.FORMS[self.kwargs["verb"]][1]
        ctx["cancel_url"] = reverse(
            "protection:mandatoryreport_detail", args=[self.get_report().pk]
        )
        return ctx

    def perform(self, form):
        user, report, data = self.request.user, self.get_report(), form.cleaned_data
        verb = self.kwargs["verb"]
        if verb == "register":
            case = emergency_services.report_register_case(user=user, report=report, **data)
            messages.success(self.request, _("已登记为个案 %(n)s。") % {"n": case.number})
        elif verb == "join":
            emergency_services.report_join_case(user=user, report=report, case=data["case"])
            messages.success(self.request, _("已并入个案 %(n)s。") % {"n": data["case"].number})
        else:
            emergency_services.report_dismiss(user=user, report=report, reason=data["reason"])
            messages.success(self.request, _("已记录不予立案。"))
        return report

    def get_success_url(self, result=None):
        return reverse("protection:mandatoryreport_detail", args=[self.get_report().pk])
