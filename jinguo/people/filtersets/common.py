"""What the filtersets of the records around a person share: the subtree filter and small
filter builders.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import IdFilter
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units


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


def id_filter(field_name, label):
    return IdFilter(field_name=field_name, label=label)


def active_filter(label_true, label_false):
    return django_filters.ChoiceFilter(
        method="filter_active",
        label=_("状态"),
        choices=[("1", label_true), ("0", label_false)],
        empty_label=_("全部"),
    )
