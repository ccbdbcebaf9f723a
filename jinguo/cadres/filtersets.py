"""Filters of the cadres lists, shared by the pages, the API and the exports."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet, BoundedIntegerFilter, IdFilter
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units
from jinguo.orgs.forms import UnitSearchInput
from jinguo.people.choices import Gender

from . import choices
from .models import (
    Attendance,
    ContactPoint,
    ContactVisit,
    Election,
    Pairing,
    Position,
    PositionType,
    Qualification,
    Training,
)
from .selectors import current

STATE_CHOICES = [("current", _("现任")), ("ended", _("已离任")), ("all", _("全部（含历史）"))]


def unit_filter():
    """The unit (and its subtree) a list is narrowed to, typed and searched (orgs:unit_search):
    a province's tree is eleven thousand units, far too many for a select."""
    return UnitChoiceFilter(
        queryset=visible_units,
        method="filter_unit",
        label=_("单位（含下级）"),
        empty_label=_("全部"),
        widget=UnitSearchInput(attrs={"placeholder": _("全部（输入名称或拼音首字母）")}),
    )


class UnitFilterMixin:
    # The hint tells the API schema the parameter is a unit id (the filter resolves it).
    def filter_unit(self, queryset, name, value: int):
        return queryset.filter(org_path__subtree=value.path) if value else queryset


class PositionFilterSet(UnitFilterMixin, BaseFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("姓名"))
    unit = unit_filter()
    position_type = django_filters.ModelChoiceFilter(
        queryset=PositionType.objects.all(), label=_("职务"), empty_label=_("全部")
    )
    kind = django_filters.ChoiceFilter(
        field_name="position_type__kind",
        choices=choices.PostKind.choices,
        label=_("职务类别"),
        empty_label=_("全部"),
    )
    executive = django_filters.BooleanFilter(
        field_name="position_type__is_executive", label=_("执委会成员")
    )
    gender = django_filters.ChoiceFilter(
        field_name="person__gender", choices=Gender.choices, label=_("性别"), empty_label=_("全部")
    )
    state = django_filters.ChoiceFilter(
        method="filter_state", choices=STATE_CHOICES, label=_("任职状态"), empty_label=None
    )

    class Meta:
        model = Position
        fields = ["q", "unit", "position_type", "kind", "executive", "gender", "state"]

    def __init__(self, data=None, *args, **kwargs):
        # The roster shows the current term unless asked for the history.
        if data is None:
            data = {"state": "current"}
        elif not data.get("state"):
            data = data.copy()
            data["state"] = "current"
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(person__name__icontains=value) if value else queryset

    def filter_state(self, queryset, name, value):
        if value == "current":
            return queryset.filter(current())
        if value == "ended":
            return queryset.filter(ended_on__lt=timezone.localdate())
        return queryset


class ElectionFilterSet(UnitFilterMixin, BaseFilterSet):
    unit = unit_filter()
    status = django_filters.ChoiceFilter(
        choices=choices.ElectionStatus.choices, label=_("状态"), empty_label=_("全部")
    )

    class Meta:
        model = Election
        fields = ["unit", "status"]


class ContactPointFilterSet(UnitFilterMixin, BaseFilterSet):
    unit = unit_filter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("走访逾期"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我负责的"))
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[("active", _("联系中")), ("ended", _("已结束"))],
        label=_("状态"),
        empty_label=_("全部"),
    )

    class Meta:
        model = ContactPoint
        fields = ["unit", "overdue", "mine", "state"]

    def filter_state(self, queryset, name, value):
        if value == "active":
            return queryset.filter(ended_on__isnull=True)
        if value == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(ended_on__isnull=True, next_due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(cadre_user_id=self.request.user.pk)
        return queryset


class ContactVisitFilterSet(BaseFilterSet):
    point = IdFilter(field_name="point_id", label=_("联系点编号"))
    since = django_filters.DateFilter(
        field_name="visited_on",
        lookup_expr="gte",
        label=_("开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ContactVisit
        fields = ["point", "since"]


class PairingFilterSet(UnitFilterMixin, BaseFilterSet):
    unit = unit_filter()
    year = BoundedIntegerFilter(label=_("年度"), min_value=2000, max_value=2100)

    class Meta:
        model = Pairing
        fields = ["unit", "year"]


class TrainingFilterSet(UnitFilterMixin, BaseFilterSet):
    unit = unit_filter()
    kind = django_filters.ChoiceFilter(
        choices=choices.TrainingKind.choices, label=_("培训类别"), empty_label=_("全部")
    )

    class Meta:
        model = Training
        fields = ["unit", "kind"]


class QualificationFilterSet(UnitFilterMixin, BaseFilterSet):
    unit = unit_filter()
    kind = django_filters.ChoiceFilter(
        choices=choices.QualificationKind.choices, label=_("资格类别"), empty_label=_("全部")
    )
    expiring = django_filters.BooleanFilter(method="filter_expiring", label=_("90天内到期或已过期"))

    class Meta:
        model = Qualification
        fields = ["unit", "kind", "expiring"]

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        soon = Q(expires_on__lte=timezone.localdate() + timedelta(days=90))
        return queryset.filter(soon) if value else queryset.exclude(soon)


class AttendanceFilterSet(BaseFilterSet):
    """A person's training record (?person=) and the rows of a training (?training=)."""

    person = IdFilter(field_name="person_id", label=_("人员档案编号"))
    training = IdFilter(field_name="training_id", label=_("培训编号"))
    kind = django_filters.ChoiceFilter(
        field_name="training__kind",
        choices=choices.TrainingKind.choices,
        label=_("培训类别"),
        empty_label=_("全部"),
    )
    completed = django_filters.BooleanFilter(label=_("完成培训"))

    class Meta:
        model = Attendance
        fields = ["person", "training", "kind", "completed"]
