"""The filterset of places: it serves the list page, its Excel export and the API, and only
narrows a queryset already scoped with restrict()."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from jinguo.core.filters import BaseFilterSet
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units

from .models import Place, PlaceKind
from .selectors import unchecked_since

YES_NO = (("true", _("是")), ("false", _("否")))


def _kinds(request):
    return PlaceKind.objects.order_by("order", "pk")


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class YesNoFilter(django_filters.ChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(choices=YES_NO, method="filter_flag", empty_label=_("全部"), **kwargs)


class PlaceFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称"))
    kind = django_filters.ModelChoiceFilter(queryset=_kinds, label=_("类型"), empty_label=_("全部"))
    unit = UnitChoiceFilter(
        queryset=visible_units,
        method="filter_unit",
        label=_("所属单位（含下级）"),
        empty_label=_("全部"),
    )
    # Choice filters, not BooleanFilter with a yes/no select: a value that is neither would
    # make that field's has_changed() raise while the list page renders its filter form.
    meets_standard = YesNoFilter(label=_("达标"))
    is_public = YesNoFilter(label=_("对外公开"))
    unchecked = django_filters.BooleanFilter(
        method="filter_unchecked", label=_("一年未核查"), widget=forms.CheckboxInput
    )

    class Meta:
        model = Place
        fields = ["q", "kind", "unit", "meets_standard", "is_public", "unchecked"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org_path__subtree=value.path) if value is not None else queryset

    def filter_flag(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        return queryset.filter(**{name: value == "true"})

    def filter_unchecked(self, queryset, name, value):
        if not value:
            return queryset
        from django.db.models import Q

        limit = unchecked_since()
        return queryset.filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=limit))
