"""Filtersets of the shelter concern: each serves its page, its Excel export and the API.
They only narrow a queryset already scoped with restrict()."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet
from jinguo.orgs.filtersets import ActiveSelect, UnitChoiceFilter, visible_units

from .. import choices
from ..models import MandatoryReport, Shelter, ShelterStay

STAY_STATES = (
    ("open", _("在住")),
    ("overdue", _("超期入住")),
    ("left", _("已离开")),
)


def _unit(queryset, value):
    return queryset.filter(org_path__subtree=value.path) if value is not None else queryset


def visible_shelters(request):
    user = getattr(request, "user", None)
    return Shelter.objects.restrict(user, "view") if user is not None else Shelter.objects.none()


class ShelterFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称"))
    is_active = django_filters.BooleanFilter(label=_("状态"), widget=ActiveSelect)
    has_free = django_filters.BooleanFilter(
        method="filter_has_free", label=_("仅看有空床位"), widget=forms.CheckboxInput
    )
    unit = UnitChoiceFilter(
        queryset=visible_units, method="filter_unit", label=_("所属单位"), empty_label=_("全部")
    )

    class Meta:
        model = Shelter
        fields = ["q", "is_active", "has_free", "unit"]

    def filter_has_free(self, queryset, name, value):
        return queryset.filter(free_beds__gt=0) if value else queryset

    def filter_unit(self, queryset, name, value):
        return _unit(queryset, value)


class StayFilterSet(BaseFilterSet):
    state = django_filters.ChoiceFilter(
        choices=STAY_STATES, method="filter_state", label=_("状态"), empty_label=_("全部")
    )
    shelter = django_filters.ModelChoiceFilter(
        queryset=visible_shelters, label=_("庇护场所"), empty_label=_("全部")
    )
    destination = django_filters.ChoiceFilter(
        choices=choices.StayDestination.choices, label=_("去向"), empty_label=_("全部")
    )
    unit = UnitChoiceFilter(
        queryset=visible_units, method="filter_unit", label=_("所属单位"), empty_label=_("全部")
    )

    class Meta:
        model = ShelterStay
        fields = ["state", "shelter", "destination", "unit"]

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "open":
            return queryset.filter(left_at__isnull=True)
        if value == "overdue":
            return queryset.filter(left_at__isnull=True, planned_leave_on__lt=today)
        if value == "left":
            return queryset.filter(left_at__isnull=False)
        return queryset

    def filter_unit(self, queryset, name, value):
        return _unit(queryset, value)


class ReportFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(
        choices=choices.ReportStatus.choices, label=_("处理状态"), empty_label=_("全部")
    )
    reporter_kind = django_filters.ChoiceFilter(
        choices=choices.ReporterKind.choices, label=_("报告单位类型"), empty_label=_("全部")
    )
    unit = UnitChoiceFilter(
        queryset=visible_units, method="filter_unit", label=_("受理单位"), empty_label=_("全部")
    )

    class Meta:
        model = MandatoryReport
        fields = ["status", "reporter_kind", "unit"]

    def filter_unit(self, queryset, name, value):
        return _unit(queryset, value)
