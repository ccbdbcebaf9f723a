"""The one filterset behind the unit list page, its Excel export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from jinguo.core.filters import BaseFilterSet, BoundedIntegerFilter
from jinguo.core.ids import MAX_ID

from .choices import UnitKind
from .forms import UnitChoiceField
from .models import OrgUnit


def visible_units(request):
    user = getattr(request, "user", None)
    if user is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.restrict(user, "view")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField

    @property
    def field(self):
        field = super().field
        request = getattr(self.parent, "request", None)
        field.user = getattr(request, "user", None)
        return field


class ActiveSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", _("全部")), ("true", _("启用")), ("false", _("停用")))


class OrgUnitFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("名称或代码"),
        widget=forms.TextInput(attrs={"placeholder": _("输入名称、简称或代码开头")}),
    )
    kind = django_filters.ChoiceFilter(
        choices=UnitKind.choices, label=_("类型"), empty_label=_("全部类型")
    )
    # Any level the column can hold (PositiveSmallIntegerField); past it the query would fail.
    level = BoundedIntegerFilter(label=_("层级"), min_value=1, max_value=32767)
    is_active = django_filters.BooleanFilter(label=_("状态"), widget=ActiveSelect)
    parent = UnitChoiceFilter(queryset=visible_units, label=_("上级单位"), empty_label=_("全部"))
    subtree = UnitChoiceFilter(
        queryset=visible_units,
        method="filter_subtree",
        label=_("所属范围"),
        empty_label=_("全部"),
        help_text=_("该单位及其全部下级单位。"),
    )

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "level", "is_active", "parent", "subtree"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__startswith=value)
        )

    def filter_subtree(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(path__subtree=value.path)
