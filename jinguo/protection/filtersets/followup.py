"""Filters of the follow-up concern's lists, shared by the pages, the API and the exports."""

from datetime import timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet

from ..choices import AlertLevel, AlertStatus, PlanStatus, VisitMode, VisitState
from ..models import Alert, AlertRule, FollowUpPlan, ProtectiveVisit

WHEN = [("overdue", _("已过应回访日期")), ("week", _("7天内到期"))]


class AlertFilterSet(BaseFilterSet):
    level = django_filters.ChoiceFilter(
        choices=AlertLevel.choices, label=_("预警级别"), empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        choices=AlertStatus.choices, label=_("状态"), empty_label=_("全部")
    )
    rule = django_filters.ModelChoiceFilter(
        queryset=AlertRule.objects.all(),
        field_name="rule",
        to_field_name="code",
        label=_("预警规则"),
        empty_label=_("全部"),
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("指派给我的"))

    class Meta:
        model = Alert
        fields = ["level", "status", "rule", "mine"]

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(assigned_to_id=self.request.user.pk)
        return queryset


class FollowUpPlanFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(
        choices=PlanStatus.choices, label=_("状态"), empty_label=_("全部")
    )

    class Meta:
        model = FollowUpPlan
        fields = ["status"]


class ProtectiveVisitFilterSet(BaseFilterSet):
    state = django_filters.ChoiceFilter(
        choices=VisitState.choices, label=_("状态"), empty_label=_("全部")
    )
    mode = django_filters.ChoiceFilter(
        choices=VisitMode.choices, label=_("回访方式"), empty_label=_("全部")
    )
    when = django_filters.ChoiceFilter(
        choices=WHEN, method="filter_when", label=_("应回访日期"), empty_label=_("全部")
    )

    class Meta:
        model = ProtectiveVisit
        fields = ["state", "mode", "when"]

    def filter_when(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(state=VisitState.DUE, due_on__lt=today)
        if value == "week":
            return queryset.filter(
                state=VisitState.DUE, due_on__gte=today, due_on__lte=today + timedelta(days=7)
            )
        return queryset
