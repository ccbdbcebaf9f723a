"""Filtersets of the referral, agency and mediation lists (shared with their exports)."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet
from jinguo.orgs.filtersets import ActiveSelect, UnitChoiceFilter, visible_units

from . import choices
from .models import Agency, Mediation, Referral


def visible_agencies(request):
    user = getattr(request, "user", None)
    if user is None:
        return Agency.objects.none()
    return Agency.objects.restrict(user, "view").only("pk", "name")


class ReferralFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("个案编号"),
        widget=forms.TextInput(attrs={"placeholder": _("输入编号或其中一段"), "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        choices=choices.ReferralStatus.choices, label=_("状态"), empty_label=_("全部")
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=visible_agencies, label=_("转介机构"), empty_label=_("全部")
    )
    agency_kind = django_filters.ChoiceFilter(
        field_name="agency__kind",
        choices=choices.AgencyKind.choices,
        label=_("机构类型"),
        empty_label=_("全部"),
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("仅看超期未接收"), widget=forms.CheckboxInput
    )

    class Meta:
        model = Referral
        fields = ["q", "status", "agency", "agency_kind", "overdue"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(case__number__icontains=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=choices.ReferralStatus.SENT, due_at__lt=timezone.now())


class AgencyInboxFilterSet(ReferralFilterSet):
    """What an agency member filters her inbox by (her agency is fixed)."""

    class Meta:
        model = Referral
        fields = ["q", "status", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("agency", None)
        self.filters.pop("agency_kind", None)
        self.filters["overdue"].label = _("仅看超期未接收")


class AgencyFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("机构名称"))
    kind = django_filters.ChoiceFilter(
        choices=choices.AgencyKind.choices, label=_("机构类型"), empty_label=_("全部")
    )
    unit = UnitChoiceFilter(
        queryset=visible_units,
        method="filter_unit",
        label=_("管理单位"),
        empty_label=_("全部"),
    )
    is_active = django_filters.BooleanFilter(label=_("状态"), widget=ActiveSelect)

    class Meta:
        model = Agency
        fields = ["q", "kind", "unit", "is_active"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org_path__subtree=value.path) if value is not None else queryset


class MediationFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("个案编号"),
        widget=forms.TextInput(attrs={"placeholder": _("输入编号或其中一段"), "type": "search"}),
    )
    mode = django_filters.ChoiceFilter(
        choices=choices.MediationMode.choices, label=_("调解方式"), empty_label=_("全部")
    )
    outcome = django_filters.ChoiceFilter(
        choices=choices.MediationOutcome.choices, label=_("调解结果"), empty_label=_("全部")
    )
    unit = UnitChoiceFilter(
        queryset=visible_units,
        method="filter_unit",
        label=_("所属单位"),
        empty_label=_("全部"),
    )

    class Meta:
        model = Mediation
        fields = ["q", "mode", "outcome", "unit"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(case__number__icontains=value) if value else queryset

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org_path__subtree=value.path) if value is not None else queryset
