"""Filtersets of the report forms: each serves its page, its Excel export and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units

from .choices import ReportState
from .models import Report, ReportForm


def in_unit(queryset, name, value):
    return queryset.filter(org_path__subtree=value.path) if value else queryset


class ReportFilterSet(BaseFilterSet):
    form = django_filters.ModelChoiceFilter(
        queryset=ReportForm.objects.all(), label=_("报表"), empty_label=_("全部")
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[*ReportState.choices, ("overdue", _("逾期未报"))],
        label=_("状态"),
        empty_label=_("全部"),
    )
    period_start = django_filters.DateFilter(label=_("报告期（首日）"))
    unit = UnitChoiceFilter(
        queryset=visible_units, method=in_unit, label=_("单位"), empty_label=_("全部")
    )

    class Meta:
        model = Report
        fields = []

    def filter_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(
                state__in=[ReportState.DRAFT, ReportState.RETURNED],
                due_on__lt=timezone.localdate(),
            )
        return queryset.filter(state=value) if value else queryset
