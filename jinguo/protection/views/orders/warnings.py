"""Pages of written warnings (告诫书) and their follow-up visits."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectListView
from jinguo.core.scoping import may

from ...filtersets.orders import PoliceWarningFilterSet, WarningVisitFilterSet
from ...forms.orders import PoliceWarningEditForm, PoliceWarningForm, VisitRecordForm
from ...models import PoliceWarning, WarningVisit
from ...selectors.orders import visit_open, warning_open
from ...services.orders import warnings as services
from ...tables.orders import PoliceWarningTable, WarningVisitTable
from .common import (
    Case,
    OrdersFormView,
    Person,
    given,
    person_subject,
    scoped,
    subject_person,
)


class PoliceWarningListView(ObjectListView):
    model = PoliceWarning
    filterset_class = PoliceWarningFilterSet
    table_class = PoliceWarningTable
    title = gettext_lazy("告诫书")
    export_name = gettext_lazy("告诫书")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "police_station", "org")
            .order_by("-issued_on", "-id")
        )


class PoliceWarningDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        qs = PoliceWarning.objects.restrict(user, "view").select_related(
            "person", "police_station", "abuser", "org", "case", "created_by"
        )
        warning = warning_open(user, pk, queryset=qs)
        visits = list(
            WarningVisit.objects.restrict(user, "view")
            .filter(warning=warning)
            .select_related("done_by")
            .order_by("due_on", "pk")
        )
        for visit in visits:
            visit.can_record = services.may_record(user, visit)
        return render(
            request,
            "protection/orders/warning_detail.html",
            {
                "title": _("告诫书"),
                "warning": warning,
                "visits": visits,
                "can_change": user.has_perm("protection.change_policewarning")
                and may(user, "change", warning),
                "person_visible": may(user, "view", warning.person),
                "case_visible": warning.case_id is not None and may(user, "view", warning.case),
            },
        )


class PoliceWarningCreateView(OrdersFormView):
    form_class = PoliceWarningForm
    permission_required = "protection.add_policewarning"
    title = gettext_lazy("登记告诫书")
    success_message = gettext_lazy("告诫书已登记，已通知居（村）委会并安排回访。")

    def get_initial(self):
        initial = {"visit_every_days": services.DEFAULT_EVERY_DAYS}
        person = given(Person, self.request, "person")
        case = given(Case, self.request, "case")
        if person is not None:
            initial["person"] = person.pk
        elif case is not None and case.complainant_id:
            initial["person"] = case.complainant_id
        if case is not None:
            initial["case"] = case.pk
        return initial

    def subject(self):
        return person_subject(_("受害人"), subject_person(self.request))

    def perform(self, form):
        return services.warning_create(user=self.request.user, **form.cleaned_data)

    def fallback_url(self):
        return reverse("protection:policewarning_list")


class PoliceWarningUpdateView(OrdersFormView):
    form_class = PoliceWarningEditForm
    permission_required = "protection.change_policewarning"
    title = gettext_lazy("修改告诫书")
    success_message = gettext_lazy("告诫书已保存。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = scoped(PoliceWarning, request.user, kwargs["pk"], "change")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {f: getattr(self.object, f) for f in services.FIELDS}

    def subject(self):
        return person_subject(_("受害人"), self.object.person)

    def perform(self, form):
        return services.warning_update(
            user=self.request.user, warning=self.object, **form.cleaned_data
        )


class WarningVisitListView(ObjectListView):
    model = WarningVisit
    filterset_class = WarningVisitFilterSet
    table_class = WarningVisitTable
    title = gettext_lazy("告诫书回访")
    export_name = gettext_lazy("告诫书回访")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "org").order_by("due_on", "id")


class WarningVisitDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        qs = WarningVisit.objects.restrict(user, "view").select_related(
            "warning", "warning__police_station", "person", "org", "done_by"
        )
        visit = visit_open(user, pk, queryset=qs)
        return render(
            request,
            "protection/orders/visit_detail.html",
            {
                "title": _("告诫书回访"),
                "visit": visit,
                "can_record": services.may_record(user, visit),
                "warning_visible": may(user, "view", visit.warning),
            },
        )


class WarningVisitRecordView(OrdersFormView):
    form_class = VisitRecordForm
    permission_required = "protection.change_warningvisit"
    title = gettext_lazy("登记回访")
    success_message = gettext_lazy("回访已登记。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = scoped(WarningVisit, request.user, kwargs["pk"], "change")
            if not services.may_record(request.user, self.object):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def subject(self):
        return (
            _("应回访日期"),
            f"{self.object.due_on.isoformat()} · {self.object.person.masked_name}",
        )

    def perform(self, form):
        return services.visit_record(user=self.request.user, visit=self.object, **form.cleaned_data)
