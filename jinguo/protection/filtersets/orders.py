"""Filtersets of the orders concern: each serves its list page, its Excel export and the API.
They only narrow a queryset already scoped by restrict()."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet, IdFilter
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units

from .. import choices
from ..models import (
    EvidenceBundle,
    InjuryRecord,
    OrderBreach,
    PoliceWarning,
    ProtectionOrder,
    WarningVisit,
)
from ..services.orders.protection_orders import EXPIRY_WARNING_DAYS, latest_risk_level

PHASES = [
    ("overdue", _("裁定超期")),
    ("expiring", _("即将到期（14 天内）")),
    ("in_force", _("有效期内")),
    ("pending", _("待裁定")),
]


def _unit(queryset, name, value):
    return queryset.filter(org_path__subtree=value.path) if value is not None else queryset


class _Base(BaseFilterSet):
    person = IdFilter(field_name="person_id", label=_("当事人档案号"))
    unit = UnitChoiceFilter(
        queryset=visible_units, method="filter_unit", label=_("所属单位"), empty_label=_("全部")
    )

    def filter_unit(self, queryset, name, value):
        return _unit(queryset, name, value)


class PoliceWarningFilterSet(_Base):
    issued_from = django_filters.DateFilter(
        field_name="issued_on",
        lookup_expr="gte",
        label=_("出具日期自"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    issued_to = django_filters.DateFilter(
        field_name="issued_on",
        lookup_expr="lte",
        label=_("出具日期至"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    missed = django_filters.BooleanFilter(method="filter_missed", label=_("有逾期未回访"))

    class Meta:
        model = PoliceWarning
        fields = ["issued_from", "issued_to", "missed", "unit", "person"]

    def filter_missed(self, queryset, name, value):
        if value is None:
            return queryset
        missed = WarningVisit.objects.filter(state=choices.VisitState.MISSED).values("warning_id")
        return queryset.filter(pk__in=missed) if value else queryset.exclude(pk__in=missed)


class WarningVisitFilterSet(_Base):
    state = django_filters.ChoiceFilter(
        choices=choices.VisitState.choices, label=_("状态"), empty_label=_("全部")
    )
    warning = IdFilter(field_name="warning_id", label=_("告诫书"))

    class Meta:
        model = WarningVisit
        fields = ["state", "unit", "person", "warning"]


class ProtectionOrderFilterSet(_Base):
    phase = django_filters.ChoiceFilter(
        choices=PHASES, method="filter_phase", label=_("办理情况"), empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        choices=choices.OrderStatus.choices, label=_("状态"), empty_label=_("全部")
    )
    urgent = django_filters.BooleanFilter(label=_("情况紧急"))

    class Meta:
        model = ProtectionOrder
        fields = ["phase", "status", "urgent", "unit", "person"]

    def filter_phase(self, queryset, name, value):
        now = timezone.now()
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(
                status=choices.OrderStatus.ACCEPTED, decision_due_at__lt=now
            ).order_by("decision_due_at", "pk")
        if value == "expiring":
            return (
                queryset.filter(
                    status__in=choices.ORDER_IN_FORCE,
                    effective_until__gte=today,
                    effective_until__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
                )
                .annotate(current_risk=latest_risk_level())
                .order_by("effective_until", "pk")
            )
        if value == "in_force":
            return queryset.filter(status__in=choices.ORDER_IN_FORCE, effective_until__gte=today)
        if value == "pending":
            return queryset.filter(
                status__in=(
                    choices.OrderStatus.PREPARING,
                    choices.OrderStatus.APPLIED,
                    choices.OrderStatus.ACCEPTED,
                )
            )
        return queryset


class OrderBreachFilterSet(_Base):
    sanction = django_filters.ChoiceFilter(
        choices=choices.Sanction.choices, label=_("处罚"), empty_label=_("全部")
    )
    order = IdFilter(field_name="order_id", label=_("保护令"))

    class Meta:
        model = OrderBreach
        fields = ["sanction", "unit", "person", "order"]


class InjuryRecordFilterSet(_Base):
    severity = django_filters.ChoiceFilter(
        choices=choices.InjurySeverity.choices, label=_("鉴定结论"), empty_label=_("全部")
    )

    class Meta:
        model = InjuryRecord
        fields = ["severity", "unit", "person"]


class EvidenceBundleFilterSet(_Base):
    sha256 = django_filters.CharFilter(
        method="filter_sha256",
        label=_("校验码"),
        widget=forms.TextInput(attrs={"placeholder": _("输入打印件上的校验码"), "type": "search"}),
    )

    class Meta:
        model = EvidenceBundle
        fields = ["sha256", "unit", "person"]

    def filter_sha256(self, queryset, name, value):
        value = "".join(value.split()).lower()
        return queryset.filter(sha256=value) if value else queryset
