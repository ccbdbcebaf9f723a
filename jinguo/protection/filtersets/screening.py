"""Filtersets of the screening concern: each serves its page, its Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet, IdFilter
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units

from .. import choices
from ..forms.common import DateInput
from ..models import DisputeEntry, OpinionItem, ScreeningCampaign, ScreeningReport


def in_unit(queryset, name, value):
    return queryset.filter(org_path__subtree=value.path) if value else queryset


class ScreeningCampaignFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("主题"))
    kind = django_filters.ChoiceFilter(
        choices=choices.CampaignKind.choices, label=_("排查类型"), empty_label=_("全部")
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[("open", _("进行中")), ("closed", _("已结束"))],
        label=_("状态"),
        empty_label=_("全部"),
    )

    class Meta:
        model = ScreeningCampaign
        fields = []

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(closed_at__isnull=True)
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset


class ScreeningReportFilterSet(BaseFilterSet):
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[
            ("pending", _("未上报")),
            ("overdue", _("逾期未报")),
            ("submitted", _("已上报")),
            ("late", _("逾期上报")),
        ],
        label=_("上报状态"),
        empty_label=_("全部"),
    )
    campaign = IdFilter(field_name="campaign_id", label=_("排查编号"))
    unit = UnitChoiceFilter(
        queryset=visible_units, method=in_unit, label=_("单位"), empty_label=_("全部")
    )

    class Meta:
        model = ScreeningReport
        fields = []

    def filter_state(self, queryset, name, value):
        pending = choices.ScreeningReportStatus.PENDING
        if value == "pending":
            return queryset.filter(status=pending)
        if value == "overdue":
            return queryset.filter(status=pending, campaign__due_on__lt=timezone.localdate())
        if value == "submitted":
            return queryset.exclude(status=pending)
        if value == "late":
            return queryset.filter(is_late=True)
        return queryset


class DisputeEntryFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=choices.DisputeKind.choices, label=_("纠纷类型"), empty_label=_("全部")
    )
    risk = django_filters.ChoiceFilter(
        choices=choices.DisputeRisk.choices, label=_("激化风险"), empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        choices=choices.DisputeStatus.choices, label=_("状态"), empty_label=_("全部")
    )
    report = IdFilter(field_name="report_id", label=_("上报编号"))
    campaign = IdFilter(field_name="report__campaign_id", label=_("排查编号"))
    unit = UnitChoiceFilter(
        queryset=visible_units, method=in_unit, label=_("单位"), empty_label=_("全部")
    )
    found_from = django_filters.DateFilter(
        field_name="found_on", lookup_expr="gte", label=_("发现日期起"), widget=DateInput
    )
    found_to = django_filters.DateFilter(
        field_name="found_on", lookup_expr="lte", label=_("发现日期止"), widget=DateInput
    )

    class Meta:
        model = DisputeEntry
        fields = []


class OpinionItemFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("标题或摘要"))
    status = django_filters.ChoiceFilter(
        choices=choices.OpinionStatus.choices, label=_("状态"), empty_label=_("全部")
    )
    level = django_filters.ChoiceFilter(
        choices=choices.OpinionLevel.choices, label=_("等级"), empty_label=_("全部")
    )
    source = django_filters.ChoiceFilter(
        choices=choices.OpinionSource.choices, label=_("来源"), empty_label=_("全部")
    )
    since = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", label=_("发现日期起"), widget=DateInput
    )
    until = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", label=_("发现日期止"), widget=DateInput
    )

    class Meta:
        model = OpinionItem
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))
