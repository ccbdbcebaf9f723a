"""Filters of the assessment lists, shared by the pages, their Excel export and the API."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet, IdFilter
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units

from ..choices import RiskLevel
from ..models import RiskAssessment
from ..selectors.risk import DUE_SOON_DAYS, latest_only

REVIEW_CHOICES = [
    ("due", _("待复评（已到期或 7 天内到期）")),
    ("overdue", _("已过复评日期")),
]
DATE = {"type": "date"}


class RiskAssessmentFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("姓名"),
        widget=forms.TextInput(attrs={"placeholder": _("输入姓名或其中一段"), "type": "search"}),
    )
    level = django_filters.ChoiceFilter(
        choices=RiskLevel.choices, label=_("风险等级"), empty_label=_("全部")
    )
    review = django_filters.ChoiceFilter(
        choices=REVIEW_CHOICES, method="filter_review", label=_("复评"), empty_label=_("全部")
    )
    current = django_filters.BooleanFilter(
        method="filter_current",
        label=_("只看每人最近一次评估"),
        widget=forms.NullBooleanSelect,
    )
    person = IdFilter(field_name="person_id", label=_("人员编号"), widget=forms.HiddenInput)
    unit = UnitChoiceFilter(
        queryset=visible_units, method="filter_unit", label=_("所属单位"), empty_label=_("全部")
    )
    since = django_filters.DateFilter(
        field_name="assessed_at",
        lookup_expr="date__gte",
        label=_("评估日期自"),
        widget=forms.DateInput(attrs=DATE),
    )
    until = django_filters.DateFilter(
        field_name="assessed_at",
        lookup_expr="date__lte",
        label=_("评估日期至"),
        widget=forms.DateInput(attrs=DATE),
    )

    class Meta:
        model = RiskAssessment
        fields = ["q", "level", "review", "current", "unit", "since", "until", "person"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(person__name__icontains=value) if value else queryset

    def filter_review(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(next_review_on__lt=today)
        if value == "due":
            return queryset.filter(next_review_on__lte=today + timedelta(days=DUE_SOON_DAYS))
        return queryset

    def filter_current(self, queryset, name, value):
        return latest_only(queryset, self.user) if value else queryset

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org_path__subtree=value.path) if value is not None else queryset


class AtRiskFilterSet(RiskAssessmentFilterSet):
    """The 风险人员 list: always each person's current assessment, medium or high."""

    level = django_filters.ChoiceFilter(
        choices=[
            (RiskLevel.HIGH, RiskLevel.HIGH.label),
            (RiskLevel.MEDIUM, RiskLevel.MEDIUM.label),
        ],
        label=_("风险等级"),
        empty_label=_("中、高风险"),
    )

    class Meta(RiskAssessmentFilterSet.Meta):
        fields = ["q", "level", "review", "unit"]
