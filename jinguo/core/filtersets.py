"""Filters of the audit trail, shared by the list and its Excel export."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import action_labels
from .filters import BaseFilterSet
from .models import AuditEvent, AuditKind
from .paths import SEPARATOR
from .units import get_unit_model


def action_choices():
    return [("", _("全部")), *action_labels().items()]


def object_type_choices():
    models = [m for m in apps.get_models() if m.__module__.startswith("jinguo.")]
    return [
        ("", _("全部")),
        *(
            (m._meta.label_lower, f"{m._meta.verbose_name}（{m._meta.label_lower}）")
            for m in sorted(models, key=lambda m: m._meta.label_lower)
        ),
    ]


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def in_unit(path: str) -> Q:
    return Q(user_org_path__startswith=path) | Q(object_org_path__startswith=path)


class AuditEventFilterSet(BaseFilterSet):
    # Text fields with a list of known values: a value from an older release still filters.
    user = django_filters.CharFilter(
        field_name="username", lookup_expr="icontains", label=_("用户名")
    )
    unit = django_filters.CharFilter(
        method="filter_unit",
        label=_("单位（代码或路径）"),
        widget=forms.TextInput(attrs={"placeholder": "990101 或 9901/990101/"}),
    )
    object_type = django_filters.CharFilter(
        label=_("对象类型"), widget=forms.Select(choices=object_type_choices)
    )
    object_id = django_filters.CharFilter(label=_("对象编号"))
    kind = django_filters.ChoiceFilter(
        choices=AuditKind.choices, label=_("类别"), empty_label=_("全部")
    )
    action = django_filters.CharFilter(label=_("操作"), widget=forms.Select(choices=action_choices))
    since = django_filters.DateFilter(
        method="filter_since", label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        method="filter_until", label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    request_id = django_filters.CharFilter(label=_("请求编号"))

    class Meta:
        model = AuditEvent
        fields = []

    def filter_unit(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if SEPARATOR in value:
            return queryset.filter(in_unit(value.rstrip(SEPARATOR) + SEPARATOR))
        path = get_unit_model().objects.filter(code=value).values_list("path", flat=True).first()
        if path is not None:
            return queryset.filter(in_unit(path))
        # A unit no longer in the tree: its code is still one segment of the stored paths.
        segment = value + SEPARATOR
        return queryset.filter(
            in_unit(segment)
            | Q(user_org_path__contains=SEPARATOR + segment)
            | Q(object_org_path__contains=SEPARATOR + segment)
        )

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created_at__lt=_start_of(value + timedelta(days=1)))
