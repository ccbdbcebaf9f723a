"""Administrators' pages for the holiday calendar (法定节假日和调休上班日)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .. import workdays
from ..forms import CalendarDayForm, ConfirmDeleteForm
from ..generic import ServiceFormView
from ..models import CalendarDay, CalendarDayKind


def _list_url(year: int) -> str:
    return f"{reverse('core:calendar_list')}?year={year}"


class CalendarListView(LoginRequiredMixin, TemplateView):
    template_name = "core/calendar_list.html"

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm("core.view_calendarday"):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        this_year = timezone.localdate().year
        try:
            year = int(self.request.GET.get("year", this_year))
        except ValueError:
            year = this_year
        if not 1900 <= year <= 2100:
            year = this_year
        known = workdays.years_with_data()
        days = workdays.days_of_year(year)
        user = self.request.user
        ctx.update(
            title=_("节假日安排"),
            year=year,
            years=sorted(known | {this_year - 1, this_year, this_year + 1, year}, reverse=True),
            holidays=[d for d in days if d.kind == CalendarDayKind.HOLIDAY],
            makeup_days=[d for d in days if d.kind == CalendarDayKind.WORKDAY],
            missing_years=workdays.years_without_data([this_year, this_year + 1]),
            selected_missing=year not in known,
            can_add=user.has_perm("core.add_calendarday"),
            can_change=user.has_perm("core.change_calendarday"),
            can_delete=user.has_perm("core.delete_calendarday"),
        )
        return ctx


class CalendarDayCreateView(ServiceFormView):
    form_class = CalendarDayForm
    permission_required = "core.add_calendarday"
    template_name = "core/calendar_form.html"
    title = _("录入节假日安排")
    success_message = _("已保存。")

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("date"):
            initial["date"] = self.request.GET["date"]
        return initial

    def perform(self, form):
        return workdays.create_calendar_day(self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return _list_url(result.date.year)


class _CalendarDayObjectMixin:
    def get_object(self) -> CalendarDay:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(CalendarDay, pk=self.kwargs["pk"])
        return self._object

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.get_object()
        ctx["cancel_url"] = _list_url(self.get_object().date.year)
        return ctx


class CalendarDayUpdateView(_CalendarDayObjectMixin, ServiceFormView):
    form_class = CalendarDayForm
    permission_required = "core.change_calendarday"
    template_name = "core/calendar_form.html"
    title = _("修改节假日安排")
    success_message = _("已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_object()
        return kwargs

    def perform(self, form):
        return workdays.update_calendar_day(
            self.request.user, self.get_object(), **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return _list_url(result.date.year)


class CalendarDayDeleteView(_CalendarDayObjectMixin, ServiceFormView):
    form_class = ConfirmDeleteForm
    permission_required = "core.delete_calendarday"
    template_name = "core/calendar_confirm_delete.html"
    title = _("删除节假日安排")
    success_message = _("已删除。")

    def perform(self, form):
        day = self.get_object()
        workdays.delete_calendar_day(self.request.user, day)
        return day

    def get_success_url(self, result=None):
        return _list_url(result.date.year)
