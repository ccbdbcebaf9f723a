"""Filtersets of key-focus tags and of tag types (lists, exports and the API)."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet

from ..models import FocusTagType, PersonTag
from ..selectors.tags import REVIEW_WINDOW_DAYS
from .common import AnySelect, SubtreeFilterMixin, active_filter, id_filter


class PersonTagFilterSet(SubtreeFilterMixin, BaseFilterSet):
    tag_type = django_filters.ModelChoiceFilter(
        queryset=FocusTagType.objects.all(), label=_("关注类型"), empty_label=_("全部类型")
    )
    due = django_filters.ChoiceFilter(
        method="filter_due",
        label=_("复核"),
        choices=[
            ("overdue", _("已逾期")),
            ("soon", _("%(n)d 天内到期") % {"n": REVIEW_WINDOW_DAYS}),
        ],
        empty_label=_("全部"),
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label=_("我负责的"),
        widget=AnySelect,
    )
    active = active_filter(_("有效"), _("已解除"))
    person = id_filter("person_id", _("人员档案编号"))

    class Meta:
        model = PersonTag
        fields = ["tag_type", "due", "mine", "subtree", "active", "person"]

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(ended_on__isnull=True, next_review_on__lt=today)
        if value == "soon":
            return queryset.filter(
                ended_on__isnull=True,
                next_review_on__gte=today,
                next_review_on__lte=today + timedelta(days=REVIEW_WINDOW_DAYS),
            )
        return queryset

    def filter_mine(self, queryset, name, value):
        if value is None or self.user is None:
            return queryset
        mine = Q(responsible_id=self.user.pk)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def filter_active(self, queryset, name, value):
        if value == "1":
            return queryset.filter(ended_on__isnull=True)
        if value == "0":
            return queryset.filter(ended_on__isnull=False)
        return queryset


class FocusTagTypeFilterSet(BaseFilterSet):
    is_active = django_filters.BooleanFilter(label=_("启用"), widget=AnySelect)
    sensitive = django_filters.BooleanFilter(label=_("敏感"), widget=AnySelect)

    class Meta:
        model = FocusTagType
        fields = ["is_active", "sensitive"]
