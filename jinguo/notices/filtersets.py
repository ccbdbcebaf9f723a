"""Filtersets of the notices app: each serves its page, its Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet, BoundedIntegerFilter

from .choices import NoticeKind, ReceiptState
from .models import Assessment, Indicator, Notice, Receipt


class NoticeFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", max_length=100, label=_("标题")
    )
    kind = django_filters.ChoiceFilter(
        choices=NoticeKind.choices, label=_("类型"), empty_label=_("全部")
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[("active", _("有效")), ("withdrawn", _("已撤回"))],
        label=_("状态"),
        empty_label=_("全部"),
    )

    class Meta:
        model = Notice
        fields = []

    def filter_state(self, queryset, name, value):
        if value == "active":
            return queryset.filter(withdrawn_at__isnull=True)
        if value == "withdrawn":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class ReceiptFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        field_name="notice__title", lookup_expr="icontains", max_length=100, label=_("标题")
    )
    kind = django_filters.ChoiceFilter(
        choices=NoticeKind.choices, label=_("类型"), empty_label=_("全部")
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[
            ("waiting", _("待办")),
            *ReceiptState.choices,
            ("overdue", _("已逾期")),
        ],
        label=_("状态"),
        empty_label=_("全部"),
    )

    class Meta:
        model = Receipt
        fields = []

    def filter_state(self, queryset, name, value):
        if value == "waiting":
            return queryset.filter(notice__withdrawn_at__isnull=True).filter(
                Q(state=ReceiptState.PENDING)
                | Q(kind=NoticeKind.TASK, state=ReceiptState.ACKNOWLEDGED)
            )
        if value == "overdue":
            return queryset.filter(
                kind=NoticeKind.TASK,
                due_on__lt=timezone.localdate(),
                notice__withdrawn_at__isnull=True,
            ).exclude(state=ReceiptState.COMPLETED)
        if value in ReceiptState.values:
            return queryset.filter(state=value)
        return queryset


class IndicatorFilterSet(BaseFilterSet):
    year = BoundedIntegerFilter(label=_("年度"), min_value=2000, max_value=2100)
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", max_length=100, label=_("指标名称")
    )

    class Meta:
        model = Indicator
        fields = []


class AssessmentFilterSet(BaseFilterSet):
    year = BoundedIntegerFilter(
        field_name="indicator__year", label=_("年度"), min_value=2000, max_value=2100
    )
    q = django_filters.CharFilter(
        field_name="indicator__name", lookup_expr="icontains", max_length=100, label=_("指标名称")
    )

    class Meta:
        model = Assessment
        fields = []
