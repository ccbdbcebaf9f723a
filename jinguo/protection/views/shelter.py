"""Pages of the shelter concern: shelters, stays, the emergency checklist of a case and the
mandatory reports. Everything is loaded through restrict(); out of scope is 404. A shelter's
address is rendered only for those ``locatable_shelter_ids`` names."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.cases.models import Case
from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.ids import valid_id
from jinguo.core.scoping import may, permitted_actions
from jinguo.people.models import Person

from ..filtersets.shelter import ReportFilterSet, ShelterFilterSet, StayFilterSet
from ..forms import shelter as forms
from ..models import MandatoryReport, Shelter, ShelterStay
from ..selectors import shelter as selectors
from ..services import emergency as emergency_services
from ..services import shelter as services
from ..tables.shelter import ReportTable, ShelterTable, StayTable, occupancy_percent

# --- shelters ---------------------------------------------------------------------------------


class ShelterListView(ObjectListView):
    model = Shelter
    filterset_class = ShelterFilterSet
    table_class = ShelterTable
    title = gettext_lazy("庇护场所")
    export_name = gettext_lazy("庇护场所")
    create_url_name = "protection:shelter_create"

    def get_queryset(self):
        return selectors.shelters_with_occupancy(self.request.user)


class ShelterFormMixin:
    form_class = forms.ShelterForm
    template_name = "protection/shelter/form.html"

    def get_success_url(self, result=None):
        return reverse("protection:shelter_detail", args=[result.pk])


class ShelterCreateView(ShelterFormMixin, ServiceFormView):
    permission_required = "protection.add_shelter"
    title = gettext_lazy("新建庇护场所")
    success_message = gettext_lazy("庇护场所已保存。")

    def get_initial(self):
        return {"org": self.request.user.home_unit_id, "is_active": True}

    def perform(self, form):
        return services.shelter_create(user=self.request.user, **form.cleaned_data)


class ShelterUpdateView(ShelterFormMixin, ServiceFormView):
    permission_required = "protection.change_shelter"
    title = gettext_lazy("修改庇护场所")
    success_message = gettext_lazy("庇护场所已保存。")

    def get_object(self):
        if not hasattr(self, "_object"):
            qs = Shelter.objects.restrict(self.request.user, "change")
            self._object = get_object_or_404(qs, pk=self.kwargs["pk"])
            self._located = selectors.may_locate(self.request.user, self._object)
        return self._object

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True, "located": self._located}

    def get_initial(self):
        s = self.get_object()
        initial = {
            "name": s.name,
            "agency": s.agency_id,
            "rooms": s.rooms,
            "beds": s.beds,
            "is_active": s.is_active,
            "staff": list(s.staff.values_list("pk", flat=True)),
        }
        if self._located:
            initial.update(address=s.address, phone=s.phone)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("protection:shelter_detail", args=[self.get_object().pk])
        return ctx

    def perform(self, form):
        data = dict(form.cleaned_data)
        if not self._located and not data.get("phone"):
            data["phone"] = None  # keep what she cannot see
        return services.shelter_update(user=self.request.user, shelter=self.get_object(), **data)


class ShelterDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        shelter, located = selectors.shelter_open(request.user, pk)
        stays = (
            selectors.visible_stays(request.user)
            .filter(shelter=shelter, left_at__isnull=True)
            .prefetch_related("children")
            .order_by("planned_leave_on")
        )
        return render(
            request,
            "protection/shelter/shelter_detail.html",
            {
                "title": shelter.name,
                "shelter": shelter,
                "located": located,
                "address_hidden": forms.ADDRESS_HIDDEN,
                "percent": occupancy_percent(shelter),
                "stays": stays,
                "today": timezone.localdate(),
                "staff": shelter.staff.select_related("home_unit"),
                "can_change": request.user.has_perm("protection.change_shelter")
                and may(request.user, "change", shelter),
                "can_admit": request.user.has_perm("protection.add_shelterstay")
                and shelter.is_active,
            },
        )


# --- stays --------------------------------------------------------------------------------------


class StayListView(ObjectListView):
    model = ShelterStay
    filterset_class = StayFilterSet
    table_class = StayTable
    title = gettext_lazy("庇护入住")
    export_name = gettext_lazy("庇护入住")

    def get_queryset(self):
        return selectors.visible_stays(self.request.user).prefetch_related("children")


class StayAdmitView(ServiceFormView):
    form_class = forms.StayAdmitForm
    template_name = "protection/shelter/form.html"
    permission_required = "protection.add_shelterstay"
    title = gettext_lazy("登记庇护入住")
    success_message = gettext_lazy("入住已登记。")

    def get_person(self):
        if not hasattr(self, "_person"):
            pk = self.request.POST.get("person") or self.request.GET.get("person")
            qs = Person.objects.restrict(self.request.user, "view").filter(is_active=True)
            self._person = qs.filter(pk=pk).first() if valid_id(pk or "") else None
            if self._person is None:
                raise Http404
        return self._person

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["person"] = self.get_person()
        kwargs["shelters"] = selectors.shelters_with_occupancy(self.request.user).filter(
            is_active=True
        )
        return kwargs

    def get_initial(self):
        initial = {"person": self.get_person().pk}
        for name in ("shelter", "case"):
            value = self.request.GET.get(name)
            if valid_id(value or ""):
                initial[name] = int(value)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        person = self.get_person()
        ctx["intro"] = _("当事人：%(name)s") % {"name": person.masked_name}
        ctx["cancel_url"] = person.get_absolute_url()
        return ctx

    def perform(self, form):
        return services.stay_admit(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("protection:shelterstay_detail", args=[result.pk])


class StayDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        stay = selectors.stay_open(user, pk)
        located = selectors.may_locate(user, stay.shelter)
        allowed = permitted_actions(user, stay, ("change",))
        open_ = stay.left_at is None
        return render(
            request,
            "protection/shelter/stay_detail.html",
            {
                "title": _("庇护入住"),
                "stay": stay,
                "shelter": stay.shelter,
                "located": located,
                "address_hidden": forms.ADDRESS_HIDDEN,
                "children": stay.children.all(),
                "overdue": open_ and stay.planned_leave_on < timezone.localdate(),
                "can_change": open_ and "change" in allowed,
                "can_share": open_ and located,
                "can_open_shelter": may(user, "view", stay.shelter),
                "can_open_person": may(user, "view", stay.person),
                "can_open_case": stay.case_id is not None and may(user, "view", stay.case),
            },
        )


class StayFormMixin:
    template_name = "protection/shelter/form.html"

    def get_stay(self):
        if not hasattr(self, "_stay"):
            qs = ShelterStay.objects.restrict(self.request.user, self.stay_action)
            self._stay = get_object_or_404(
                qs.select_related("shelter", "person"), pk=self.kwargs["pk"]
            )
        return self._stay

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_stay()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        stay = self.get_stay()
        ctx["intro"] = _("%(name)s · %(shelter)s") % {
            "name": stay.person.masked_name,
            "shelter": stay.shelter.name,
        }
        ctx["cancel_url"] = reverse("protection:shelterstay_detail", args=[stay.pk])
        return ctx

    def get_success_url(self, result=None):
        return reverse("protection:shelterstay_detail", args=[self.get_stay().pk])


class StayUpdateView(StayFormMixin, ServiceFormView):
    form_class = forms.StayUpdateForm
    stay_action = "change"
    title = gettext_lazy("修改入住信息")
    success_message = gettext_lazy("入住信息已保存。")

    def get_initial(self):
        s = self.get_stay()
        return {"version": s.version, "planned_leave_on": s.planned_leave_on, "reason": s.reason}

    def perform(self, form):
        return services.stay_update(
            user=self.request.user, stay=self.get_stay(), **form.cleaned_data
        )


class StayLeaveView(StayFormMixin, ServiceFormView):
    form_class = forms.StayLeaveForm
    stay_action = "change"
    title = gettext_lazy("登记离开")
    success_message = gettext_lazy("离开已登记。")

    def get_initial(self):
        return {"version": self.get_stay().version}

    def perform(self, form):
        return services.stay_leave(
            user=self.request.user, stay=self.get_stay(), **form.cleaned_data
        )


class StayShareView(StayFormMixin, ServiceFormView):
    form_class = forms.StayShareForm
    stay_action = "view"
    title = gettext_lazy("共享庇护地址")
    success_message = gettext_lazy("已共享。对方在当事人离开前可以看到本庇护场所的地址。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.may_locate(
            request.user, self.get_stay().shelter
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        services.stay_share_location(
            user=self.request.user, stay=self.get_stay(), **form.cleaned_data
        )
        return self.get_stay()


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


urlpatterns = [
    path("shelters/", ShelterListView.as_view(), name="shelter_list"),
    path("shelters/new/", ShelterCreateView.as_view(), name="shelter_create"),
    path("shelters/<int:pk>/", ShelterDetailView.as_view(), name="shelter_detail"),
    path("shelters/<int:pk>/edit/", ShelterUpdateView.as_view(), name="shelter_update"),
    path("stays/", StayListView.as_view(), name="shelterstay_list"),
    path("stays/new/", StayAdmitView.as_view(), name="shelterstay_create"),
    path("stays/<int:pk>/", StayDetailView.as_view(), name="shelterstay_detail"),
    path("stays/<int:pk>/edit/", StayUpdateView.as_view(), name="shelterstay_update"),
    path("stays/<int:pk>/leave/", StayLeaveView.as_view(), name="shelterstay_leave"),
    path("stays/<int:pk>/share/", StayShareView.as_view(), name="shelterstay_share"),
    path(
        "cases/<int:case_pk>/emergency/", EmergencyTickView.as_view(), name="emergencyaction_create"
    ),
    path("reports/", ReportListView.as_view(), name="mandatoryreport_list"),
    path("reports/new/", ReportCreateView.as_view(), name="mandatoryreport_create"),
    path("reports/<int:pk>/", ReportDetailView.as_view(), name="mandatoryreport_detail"),
    path("reports/<int:pk>/<str:verb>/", ReportActionView.as_view(), name="mandatoryreport_action"),
]
