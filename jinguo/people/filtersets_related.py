"""Filtersets shared by the UI lists, their exports and the API (households, tags, visits…)."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units

from .choices import ConsentPurpose, VisitMethod
from .models import Consent, ContactAssignment, FocusTagType, Household, PersonTag, Visit
from .selectors.tags import REVIEW_WINDOW_DAYS


class SubtreeFilterMixin(django_filters.FilterSet):
    subtree = UnitChoiceFilter(
        queryset=visible_units,
        method="filter_subtree",
        label=_("所属范围"),
        empty_label=_("全部"),
    )

    def filter_subtree(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(org_path__subtree=value.path)


class AnySelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", _("全部")), ("true", _("是")), ("false", _("否")))


def _id_filter(field_name, label):
    return django_filters.NumberFilter(
        field_name=field_name, label=label, widget=forms.NumberInput(attrs={"min": 1})
    )


def _active_filter(label_true, label_false):
    return django_filters.ChoiceFilter(
        method="filter_active",
        label=_("状态"),
        choices=[("1", label_true), ("0", label_false)],
        empty_label=_("全部"),
    )


class HouseholdFilterSet(SubtreeFilterMixin, BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("户名"),
        widget=forms.TextInput(attrs={"placeholder": _("户名中的字")}),
    )
    person = _id_filter("members__person", _("成员档案编号"))

    class Meta:
        model = Household
        fields = ["q", "subtree", "person"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset


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
    active = _active_filter(_("有效"), _("已解除"))
    person = _id_filter("person_id", _("人员档案编号"))

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
    person = _id_filter("person_id", _("人员档案编号"))
    household = _id_filter("household_id", _("家庭编号"))

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


class ConsentFilterSet(SubtreeFilterMixin, BaseFilterSet):
    purpose = django_filters.ChoiceFilter(
        choices=ConsentPurpose.choices, label=_("同意事项"), empty_label=_("全部")
    )
    active = _active_filter(_("有效"), _("已撤回"))
    person = _id_filter("person_id", _("人员档案编号"))

    class Meta:
        model = Consent
        fields = ["purpose", "active", "subtree", "person"]

    def filter_active(self, queryset, name, value):
        if value == "1":
            return queryset.filter(withdrawn_on__isnull=True)
        if value == "0":
            return queryset.filter(withdrawn_on__isnull=False)
        return queryset


class ContactAssignmentFilterSet(SubtreeFilterMixin, BaseFilterSet):
    active = _active_filter(_("联系中"), _("已结束"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我联系的"), widget=AnySelect)
    person = _id_filter("person_id", _("人员档案编号"))
    household = _id_filter("household_id", _("家庭编号"))

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


class FocusTagTypeFilterSet(BaseFilterSet):
    is_active = django_filters.BooleanFilter(label=_("启用"), widget=AnySelect)
    sensitive = django_filters.BooleanFilter(label=_("敏感"), widget=AnySelect)

    class Meta:
        model = FocusTagType
        fields = ["is_active", "sensitive"]
