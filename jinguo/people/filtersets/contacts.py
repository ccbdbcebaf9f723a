"""The filterset of contact assignments: the unit-level page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet

from ..models import ContactAssignment
from .common import AnySelect, SubtreeFilterMixin, active_filter, id_filter


class ContactAssignmentFilterSet(SubtreeFilterMixin, BaseFilterSet):
    active = active_filter(_("联系中"), _("已结束"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我联系的"), widget=AnySelect)
    person = id_filter("person_id", _("人员档案编号"))
    household = id_filter("household_id", _("家庭编号"))

    class Meta:
        model = ContactAssignment
        fields = ["active", "mine", "subtree", "person", "household"]

    def filter_active(self, queryset, name, value):
        if value == "1":
            return queryset.filter(ended_on__isnull=True)
        if value == "0":
            return queryset.filter(ended_on__isnull=False)
        return queryset

    def filter_mine(self, queryset, name, value):
        if value is None or self.user is None:
            return queryset
        mine = Q(worker_id=self.user.pk)
        return queryset.filter(mine) if value else queryset.exclude(mine)
