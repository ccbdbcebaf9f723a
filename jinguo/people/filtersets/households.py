"""The filterset of the household list, its export and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet

from ..models import Household
from .common import SubtreeFilterMixin, id_filter


class HouseholdFilterSet(SubtreeFilterMixin, BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("户名"),
        widget=forms.TextInput(attrs={"placeholder": _("户名中的字")}),
    )
    person = id_filter("members__person", _("成员档案编号"))

    class Meta:
        model = Household
        fields = ["q", "subtree", "person"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset
