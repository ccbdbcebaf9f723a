"""The filterset of the visit list, its export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet

from ..choices import VisitMethod
from ..models import Visit
from .common import AnySelect, SubtreeFilterMixin, id_filter


class VisitFilterSet(SubtreeFilterMixin, BaseFilterSet):
    method = django_filters.ChoiceFilter(
        choices=VisitMethod.choices, label=_("方式"), empty_label=_("全部方式")
    )
    visited_after = django_filters.DateFilter(
        field_name="visited_on",
        lookup_expr="gte",
        label=_("走访日期从"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    visited_before = django_filters.DateFilter(
        field_name="visited_on",
        lookup_expr="lte",
        label=_("走访日期至"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    follow_up_needed = django_filters.BooleanFilter(label=_("需要跟进"), widget=AnySelect)
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我走访的"), widget=AnySelect)
    person = id_filter("person_id", _("人员档案编号"))
    household = id_filter("household_id", _("家庭编号"))

    class Meta:
        model = Visit
        fields = [
            "method",
            "visited_after",
            "visited_before",
            "follow_up_needed",
            "mine",
            "subtree",
            "person",
            "household",
        ]

    def filter_mine(self, queryset, name, value):
        if value is None or self.user is None:
            return queryset
        mine = Q(worker_id=self.user.pk)
        return queryset.filter(mine) if value else queryset.exclude(mine)
