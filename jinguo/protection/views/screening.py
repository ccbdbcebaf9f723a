"""Pages of the screening concern: campaigns (issuer side), a unit's return and its dispute
entries, the public-opinion log and the anonymised violence statistics."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.cases.models import Case
from jinguo.core import audit
from jinguo.core.exports import rows_to_workbook, xlsx_response
from jinguo.core.generic import ObjectListView, ScopedObjectMixin, ServiceFormView
from jinguo.core.masking import party_lines
from jinguo.core.scoping import permitted_actions

from .. import choices
from ..filtersets.screening import (
    DisputeEntryFilterSet,
    OpinionItemFilterSet,
    ScreeningCampaignFilterSet,
    ScreeningReportFilterSet,
)
from ..forms import screening as forms
from ..models import DisputeEntry, OpinionItem, ScreeningCampaign, ScreeningReport
from ..selectors import screening as selectors
from ..services import opinions as opinion_services
from ..services import screening as services
from ..tables.screening import (
    DisputeEntryTable,
    OpinionItemTable,
    ScreeningCampaignTable,
    ScreeningReportTable,
    report_state,
)
from .screening_stats import ViolenceStatsView

T = "protection/screening/"


# --- campaigns -----------------------------------------------------------------------------


class ScreeningCampaignListView(ObjectListView):
    model = ScreeningCampaign
    filterset_class = ScreeningCampaignFilterSet
    table_class = ScreeningCampaignTable
    title = gettext_lazy("矛盾纠纷排查")
    create_url_name = "protection:screeningcampaign_create"

    def get_queryset(self):
        pending = choices.ScreeningReportStatus.PENDING
        return (
            super()
            .get_queryset()
            .select_related("org")
            .annotate(
                n_reports=Count("reports"),
                n_submitted=Count("reports", filter=~Q(reports__status=pending)),
            )
        )


class ScreeningCampaignCreateView(ServiceFormView):
    form_class = forms.CampaignForm
    permission_required = "protection.add_screeningcampaign"
    template_name = T + "campaign_form.html"
    title = gettext_lazy("下发矛盾纠纷排查")
    success_message = gettext_lazy("排查已下发，各单位已收到通知。")

    def get_initial(self):
        return {"due_on": timezone.localdate() + timezone.timedelta(days=7)}

    def perform(self, form):
        return services.campaign_issue(user=self.request.user, **form.cleaned_data)


class ScreeningCampaignUpdateView(ScopedObjectMixin, ServiceFormView):
    model = ScreeningCampaign
    form_class = forms.CampaignUpdateForm
    permission_required = "protection.change_screeningcampaign"
    template_name = T + "campaign_form.html"
    title = gettext_lazy("修改排查")
    success_message = gettext_lazy("已保存。")

    def get_initial(self):
        c = self.get_object()
        return {"title": c.title, "due_on": c.due_on, "instructions": c.instructions}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_object().get_absolute_url()
        return ctx

    def perform(self, form):
        return services.campaign_update(
            user=self.request.user, campaign=self.get_object(), **form.cleaned_data
        )


class ScreeningCampaignDetailView(LoginRequiredMixin, View):
    """The issuer sees every return and the totals; a target unit only her own return(s)."""

    def get(self, request, pk):
        campaign, reports, issuer = selectors.campaign_for(request.user, pk)
        rows = [(r, *report_state_for(r, campaign)) for r in reports.order_by("org_path")]
        actions = permitted_actions(request.user, campaign, ("change",)) if issuer else set()
        return render(
            request,
            T + "campaign_detail.html",
            {
                "title": campaign.title,
                "campaign": campaign,
                "issuer": issuer,
                "rows": rows,
                "progress": selectors.campaign_progress(reports),
                "totals": selectors.campaign_totals(campaign, reports) if issuer else None,
                "scope_labels": [choices.DisputeKind(k).label for k in campaign.scope],
                "can_change": "change" in actions and campaign.closed_at is None,
                "can_export": issuer and request.user.has_perm("core.export"),
            },
        )


def report_state_for(report, campaign):
    report.campaign = campaign
    return report_state(report)


class CampaignActionView(LoginRequiredMixin, View):
    """POST-only steps on a campaign: remind (催报) and close."""

    def post(self, request, pk, step):
        qs = ScreeningCampaign.objects.restrict(request.user, "change")
        campaign = get_object_or_404(qs, pk=pk)
        try:
            if step == "remind":
                n = services.campaign_remind(user=request.user, campaign=campaign)
                messages.success(request, _("已提醒 %(n)d 个未上报单位。") % {"n": n})
            elif step == "close":
                services.campaign_close(user=request.user, campaign=campaign)
                messages.success(request, _("排查已结束。"))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(campaign.get_absolute_url())


class ScreeningCampaignExportView(LoginRequiredMixin, View):
    """矛盾纠纷统计反馈 as Excel: per unit its return's state and counts; no personal text."""

    def get(self, request, pk):
        campaign = get_object_or_404(
            ScreeningCampaign.objects.restrict(request.user, "view"), pk=pk
        )
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        reports = ScreeningReport.objects.restrict(request.user, "view").filter(campaign=campaign)
        totals = selectors.campaign_totals(campaign, reports)
        counts = {row["unit"]: row for row in totals["rows"]}
        header = [
            _("单位"),
            _("上报状态"),
            _("上报时间"),
            *totals["kinds"],
            *(_("风险：%(r)s") % {"r": r} for r in totals["risks"]),
            _("合计"),
        ]
        blank = [0] * (len(totals["kinds"]) + len(totals["risks"]) + 1)
        rows = []
        for report in reports.select_related("org").order_by("org_path"):
            row = counts.get(report.org.name)
            figures = [*row["kinds"], *row["risks"], row["total"]] if row else blank
            rows.append(
                [
                    report.org.name,
                    report_state_for(report, campaign)[1],
                    timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
                    if report.submitted_at
                    else "",
                    *figures,
                ]
            )
        t = totals["totals"]
        rows.append([_("合计"), "", "", *t["kinds"], *t["risks"], t["total"]])
        content, count = rows_to_workbook(header, rows, _("矛盾纠纷统计反馈"))
        audit.record_access(
            request.user,
            campaign,
            action="export",
            rows=count,
            report="screening_totals",
        )
        return xlsx_response(content, _("矛盾纠纷统计反馈"))


# --- a unit's return -----------------------------------------------------------------------


class ScreeningReportListView(ObjectListView):
    model = ScreeningReport
    filterset_class = ScreeningReportFilterSet
    table_class = ScreeningReportTable
    title = gettext_lazy("排查上报")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("campaign", "org")
            .order_by("status", "campaign__due_on", "org_path")
        )


class ScreeningReportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        qs = ScreeningReport.objects.restrict(request.user, "view").select_related(
            "campaign", "campaign__org", "org", "submitted_by"
        )
        report = get_object_or_404(qs, pk=pk)
        return render(request, T + "report_detail.html", report_context(request, report))


def report_context(request, report, form=None) -> dict:
    user = request.user
    campaign = report.campaign
    entries = (
        DisputeEntry.objects.restrict(user, "view")
        .filter(report=report)
        .order_by("-found_on", "-pk")
    )
    fillable = (
        report.status == choices.ScreeningReportStatus.PENDING
        and campaign.closed_at is None
        and "change" in permitted_actions(user, report, ("change",))
    )
    return {
        "title": campaign.title,
        "today": timezone.localdate(),
        "report": report,
        "campaign": campaign,
        "state": report_state(report),
        "entries": entries,
        "fillable": fillable,
        "can_add": fillable and user.has_perm("protection.add_disputeentry"),
        "form": form or (forms.ReportSubmitForm(user=user) if fillable else None),
        "scope_labels": [choices.DisputeKind(k).label for k in campaign.scope],
        "campaign_visible": ScreeningCampaign.objects.restrict(user, "view")
        .filter(pk=campaign.pk)
        .exists(),
    }


class ScreeningReportSubmitView(LoginRequiredMixin, View):
    def get_report(self, request, pk):
        qs = ScreeningReport.objects.restrict(request.user, "change").select_related(
            "campaign", "org"
        )
        return get_object_or_404(qs, pk=pk)

    def get(self, request, pk):
        report = self.get_report(request, pk)
        return redirect(report.get_absolute_url())

    def post(self, request, pk):
        report = self.get_report(request, pk)
        form = forms.ReportSubmitForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.report_submit(user=request.user, report=report, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("排查情况已上报。"))
                return redirect(report.get_absolute_url())
        report.refresh_from_db()
        return render(request, T + "report_detail.html", report_context(request, report, form))


# --- dispute entries -----------------------------------------------------------------------


class DisputeEntryListView(ObjectListView):
    model = DisputeEntry
    filterset_class = DisputeEntryFilterSet
    table_class = DisputeEntryTable
    title = gettext_lazy("排查发现的矛盾纠纷")
    export_name = gettext_lazy("矛盾纠纷")

    def get_queryset(self):
        return super().get_queryset().select_related("org", "report__campaign")


class DisputeEntryCreateView(ServiceFormView):
    form_class = forms.EntryForm
    permission_required = "protection.add_disputeentry"
    template_name = T + "entry_form.html"
    title = gettext_lazy("登记矛盾纠纷")
    success_message = gettext_lazy("已登记。")

    def get_report(self):
        if not hasattr(self, "_report"):
            qs = ScreeningReport.objects.restrict(self.request.user, "change").select_related(
                "campaign"
            )
            self._report = get_object_or_404(qs, pk=self.kwargs["report_pk"])
        return self._report

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(report=self.get_report(), cancel_url=self.get_report().get_absolute_url())
        return ctx

    def perform(self, form):
        return services.entry_create(
            user=self.request.user, report=self.get_report(), **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return self.get_report().get_absolute_url()


class DisputeEntryDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        qs = DisputeEntry.objects.restrict(request.user, "view").select_related(
            "org", "report__campaign", "created_by", "case", "mediation"
        )
        entry = selectors.entry_open(request.user, pk, queryset=qs)
        user = request.user
        reveal = user.has_perm("core.reveal_pii")
        allowed = permitted_actions(user, entry, ("change", "delete"))
        report_pending = (
            entry.report is None or entry.report.status == choices.ScreeningReportStatus.PENDING
        )
        visible_case = (
            entry.case_id and Case.objects.restrict(user, "view").filter(pk=entry.case_id).exists()
        )
        return render(
            request,
            T + "entry_detail.html",
            {
                "title": _("矛盾纠纷 #%(pk)d") % {"pk": entry.pk},
                "entry": entry,
                "parties": party_lines(entry.parties, reveal=reveal),
                "parties_masked": not reveal,
                "can_change": "change" in allowed,
                "can_delete": "delete" in allowed
                and report_pending
                and not entry.case_id
                and user.has_perm("protection.delete_disputeentry"),
                "can_case": "change" in allowed
                and not entry.case_id
                and user.has_perm("cases.add_case"),
                "can_mediate": "change" in allowed
                and not entry.mediation_id
                and user.has_perm("cases.add_mediation"),
                "visible_case": visible_case,
            },
        )


class DisputeEntryUpdateView(ScopedObjectMixin, ServiceFormView):
    model = DisputeEntry
    form_class = forms.EntryUpdateForm
    permission_required = None
    template_name = T + "entry_form.html"
    title = gettext_lazy("修改矛盾纠纷")
    success_message = gettext_lazy("已保存。")

    def get_initial(self):
        e = self.get_object()
        return {f: getattr(e, f) for f in services.ENTRY_FIELDS}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.get_object().status in (
            choices.DisputeStatus.CASE,
            choices.DisputeStatus.MEDIATION,
        ):
            del form.fields["status"]
        return form

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(entry=self.get_object(), cancel_url=self.get_object().get_absolute_url())
        return ctx

    def perform(self, form):
        entry = self.get_object()
        values = {"status": entry.status, **form.cleaned_data}
        return services.entry_update(user=self.request.user, entry=entry, **values)


class DisputeEntryDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        entry = get_object_or_404(DisputeEntry.objects.restrict(request.user, "delete"), pk=pk)
        back = (
            entry.report.get_absolute_url()
            if entry.report_id
            else reverse("protection:disputeentry_list")
        )
        try:
            services.entry_delete(user=request.user, entry=entry)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(entry.get_absolute_url())
        messages.success(request, _("已删除。"))
        return redirect(back)


class DisputeEntryCaseView(ScopedObjectMixin, ServiceFormView):
    """转为个案: the intake service registers it; the entry links to it."""

    model = DisputeEntry
    form_class = forms.EntryCaseForm
    permission_required = "cases.add_case"
    template_name = T + "entry_convert.html"
    title = gettext_lazy("转为维权个案")
    success_message = gettext_lazy("已登记为个案。")

    def get_initial(self):
        entry = self.get_object()
        return initial_case_fields(entry)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(entry=self.get_object(), cancel_url=self.get_object().get_absolute_url())
        return ctx

    def perform(self, form):
        return services.entry_to_case(
            user=self.request.user, entry=self.get_object(), **form.case_fields()
        )

    def get_success_url(self, result=None):
        if Case.objects.restrict(self.request.user, "view").filter(pk=result.pk).exists():
            return result.get_absolute_url()
        return self.get_object().get_absolute_url()


def initial_case_fields(entry) -> dict:
    from jinguo.cases.models import Category

    code = services.CASE_CATEGORY_FOR_KIND.get(entry.kind, "other")
    return {
        "category": Category.objects.filter(code=code, is_active=True).first(),
        "summary": _("排查发现：%(kind)s") % {"kind": entry.get_kind_display()},
        "urgency": "urgent" if entry.risk == choices.DisputeRisk.HIGH else "normal",
        "gbv_type": "physical" if entry.kind == choices.DisputeKind.VIOLENCE else "",
    }


class DisputeEntryMediationView(ScopedObjectMixin, ServiceFormView):
    """转入调解: a mediation session on the entry's case (registered first if need be)."""

    model = DisputeEntry
    form_class = forms.EntryMediationForm
    permission_required = "cases.add_mediation"
    template_name = T + "entry_convert.html"
    title = gettext_lazy("转入调解")
    success_message = gettext_lazy("调解记录已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["has_case"] = self.get_object().case_id is not None
        return kwargs

    def get_initial(self):
        entry = self.get_object()
        return {
            **initial_case_fields(entry),
            "held_at": timezone.localtime().replace(second=0, microsecond=0),
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(entry=self.get_object(), cancel_url=self.get_object().get_absolute_url())
        return ctx

    def perform(self, form):
        entry = self.get_object()
        case_fields = None if form.has_case else form.case_fields()
        return services.entry_to_mediation(
            user=self.request.user, entry=entry, case_fields=case_fields, **form.mediation_fields()
        )

    def get_success_url(self, result=None):
        return reverse("cases:mediation_detail", args=[result.pk])


# --- the public-opinion log ----------------------------------------------------------------


class OpinionItemListView(ObjectListView):
    model = OpinionItem
    filterset_class = OpinionItemFilterSet
    table_class = OpinionItemTable
    title = gettext_lazy("舆情台账")
    create_url_name = "protection:opinionitem_create"

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class OpinionItemCreateView(ServiceFormView):
    form_class = forms.OpinionForm
    permission_required = "protection.add_opinionitem"
    title = gettext_lazy("登记舆情")
    success_message = gettext_lazy("舆情已登记。")

    def perform(self, form):
        return opinion_services.opinion_create(user=self.request.user, **form.service_values())


class OpinionItemUpdateView(ScopedObjectMixin, ServiceFormView):
    model = OpinionItem
    form_class = forms.OpinionForm
    permission_required = None
    title = gettext_lazy("修改舆情")
    success_message = gettext_lazy("已保存。")

    def get_initial(self):
        o = self.get_object()
        numbers = (
            Case.objects.restrict(self.request.user, "view")
            .filter(pk__in=o.cases.values("pk"))
            .values_list("number", flat=True)
        )
        return {
            "title": o.title,
            "source": o.source,
            "occurred_on": o.occurred_on,
            "level": o.level,
            "summary": o.summary,
            "handling": o.handling,
            "units": list(o.units.all()),
            "case_numbers": " ".join(numbers),
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_object().get_absolute_url()
        return ctx

    def perform(self, form):
        return opinion_services.opinion_update(
            user=self.request.user, opinion=self.get_object(), **form.service_values()
        )


class OpinionItemDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        qs = OpinionItem.objects.restrict(request.user, "view").select_related("org", "created_by")
        opinion = get_object_or_404(qs, pk=pk)
        allowed = permitted_actions(request.user, opinion, ("change",))
        return render(
            request,
            T + "opinion_detail.html",
            {
                "title": opinion.title,
                "opinion": opinion,
                "units": opinion.units.order_by("path"),
                # Only the linked cases she may open; the others are counted, not named.
                "cases": Case.objects.restrict(request.user, "view").filter(
                    pk__in=opinion.cases.values("pk")
                ),
                "hidden_cases": opinion.cases.exclude(
                    pk__in=Case.objects.restrict(request.user, "view").values("pk")
                ).count(),
                "can_change": "change" in allowed,
                "close_form": forms.OpinionCloseForm(user=request.user),
            },
        )


class OpinionItemCloseView(ScopedObjectMixin, ServiceFormView):
    model = OpinionItem
    form_class = forms.OpinionCloseForm
    title = gettext_lazy("舆情办结")
    success_message = gettext_lazy("舆情已办结。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_object().get_absolute_url()
        return ctx

    def perform(self, form):
        return opinion_services.opinion_close(
            user=self.request.user, opinion=self.get_object(), note=form.cleaned_data["note"]
        )


class OpinionItemReopenView(LoginRequiredMixin, View):
    def post(self, request, pk):
        opinion = get_object_or_404(OpinionItem.objects.restrict(request.user, "change"), pk=pk)
        try:
            opinion_services.opinion_reopen(user=request.user, opinion=opinion)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(opinion.get_absolute_url())


urlpatterns = [
    path("screening/", ScreeningCampaignListView.as_view(), name="screeningcampaign_list"),
    path("screening/new/", ScreeningCampaignCreateView.as_view(), name="screeningcampaign_create"),
    path(
        "screening/<int:pk>/",
        ScreeningCampaignDetailView.as_view(),
        name="screeningcampaign_detail",
    ),
    path(
        "screening/<int:pk>/edit/",
        ScreeningCampaignUpdateView.as_view(),
        name="screeningcampaign_update",
    ),
    path(
        "screening/<int:pk>/export/",
        ScreeningCampaignExportView.as_view(),
        name="screeningcampaign_export",
    ),
    path(
        "screening/<int:pk>/<str:step>/",
        CampaignActionView.as_view(),
        name="screeningcampaign_action",
    ),
    path("screening-reports/", ScreeningReportListView.as_view(), name="screeningreport_list"),
    path(
        "screening-reports/<int:pk>/",
        ScreeningReportDetailView.as_view(),
        name="screeningreport_detail",
    ),
    path(
        "screening-reports/<int:pk>/submit/",
        ScreeningReportSubmitView.as_view(),
        name="screeningreport_submit",
    ),
    path(
        "screening-reports/<int:report_pk>/entries/new/",
        DisputeEntryCreateView.as_view(),
        name="disputeentry_create",
    ),
    path("disputes/", DisputeEntryListView.as_view(), name="disputeentry_list"),
    path("disputes/<int:pk>/", DisputeEntryDetailView.as_view(), name="disputeentry_detail"),
    path("disputes/<int:pk>/edit/", DisputeEntryUpdateView.as_view(), name="disputeentry_update"),
    path("disputes/<int:pk>/delete/", DisputeEntryDeleteView.as_view(), name="disputeentry_delete"),
    path("disputes/<int:pk>/case/", DisputeEntryCaseView.as_view(), name="disputeentry_case"),
    path(
        "disputes/<int:pk>/mediation/",
        DisputeEntryMediationView.as_view(),
        name="disputeentry_mediation",
    ),
    path("opinions/", OpinionItemListView.as_view(), name="opinionitem_list"),
    path("opinions/new/", OpinionItemCreateView.as_view(), name="opinionitem_create"),
    path("opinions/<int:pk>/", OpinionItemDetailView.as_view(), name="opinionitem_detail"),
    path("opinions/<int:pk>/edit/", OpinionItemUpdateView.as_view(), name="opinionitem_update"),
    path("opinions/<int:pk>/close/", OpinionItemCloseView.as_view(), name="opinionitem_close"),
    path("opinions/<int:pk>/reopen/", OpinionItemReopenView.as_view(), name="opinionitem_reopen"),
    path("violence-statistics/", ViolenceStatsView.as_view(), name="violence_stats"),
]
