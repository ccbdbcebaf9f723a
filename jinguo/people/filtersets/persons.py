"""The one filterset behind the person list, its Excel export and the API."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet, BoundedIntegerFilter
from jinguo.core.pinyin import looks_like_pinyin, normalise_query
from jinguo.orgs.filtersets import UnitChoiceFilter, visible_units

from .. import choices
from ..models import FocusTagType, Person, PersonTag

# Older than anyone alive, and young enough that "born this many years ago" is a valid date.
AGE_MAX = 150


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def active_tag_types(request):
    return FocusTagType.objects.filter(is_active=True)


class PersonFilterSet(BaseFilterSet):
    STATUS_ACTIVE, STATUS_INACTIVE, STATUS_ALL = "active", "inactive", "all"

    q = django_filters.CharFilter(
        method="filter_q",
        label=_("搜索"),
        widget=forms.TextInput(
            attrs={"placeholder": _("姓名、拼音或首字母（如 zl）、备注"), "type": "search"}
        ),
    )
    unit = UnitChoiceFilter(
        queryset=visible_units,
        method="filter_unit",
        label=_("所属单位"),
        empty_label=_("全部"),
        help_text=_("该单位及其全部下级单位。"),
    )
    tag = django_filters.ModelChoiceFilter(
        queryset=active_tag_types,
        method="filter_tag",
        label=_("关注类型"),
        empty_label=_("全部"),
    )
    age_min = BoundedIntegerFilter(
        method="filter_age_min", label=_("最小年龄"), min_value=0, max_value=AGE_MAX
    )
    age_max = BoundedIntegerFilter(
        method="filter_age_max", label=_("最大年龄"), min_value=0, max_value=AGE_MAX
    )
    gender = django_filters.ChoiceFilter(
        choices=choices.Gender.choices, label=_("性别"), empty_label=_("全部")
    )
    registration = django_filters.ChoiceFilter(
        choices=choices.Registration.choices, label=_("户籍类型"), empty_label=_("全部")
    )
    living_situation = django_filters.ChoiceFilter(
        choices=choices.LivingSituation.choices, label=_("居住状况"), empty_label=_("全部")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("仅看复核逾期"),
        widget=forms.CheckboxInput,
    )
    sensitive = django_filters.BooleanFilter(
        method="filter_sensitive",
        label=_("仅看敏感档案"),
        widget=forms.CheckboxInput,
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        choices=[
            (STATUS_INACTIVE, _("已停用/已合并")),
            (STATUS_ALL, _("全部")),
        ],
        label=_("状态"),
        empty_label=_("有效"),
    )

    class Meta:
        model = Person
        fields = [
            "q",
            "unit",
            "tag",
            "age_min",
            "age_max",
            "gender",
            "registration",
            "living_situation",
            "overdue",
            "sensitive",
            "status",
        ]

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            qs = super().qs
            # Active records unless the status filter asks for others.
            if not (self.form.is_bound and self.data.get("status")):
                qs = qs.filter(is_active=True)
            self._qs = qs
        return self._qs

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if looks_like_pinyin(value):
            key = normalise_query(value)
            return queryset.filter(
                Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
            )
        if value.isdigit() and len(value) <= 10:
            # A record number (档案 #123) typed into the box.
            return queryset.filter(Q(pk=int(value)) | Q(search_text__fts=value))
        return queryset.filter(search_text__fts=value)

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(org_path__subtree=value.path)

    def filter_tag(self, queryset, name, value):
        if value is None:
            return queryset
        tagged = PersonTag.objects.filter(tag_type=value, ended_on__isnull=True).values("person_id")
        return queryset.filter(pk__in=tagged)

    def filter_age_min(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(birth_date__lte=_years_ago(timezone.localdate(), int(value)))

    def filter_age_max(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        # Younger than max+1 years: born after the day max+1 years ago.
        return queryset.filter(birth_date__gt=_years_ago(today, int(value) + 1))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        overdue = PersonTag.objects.filter(
            ended_on__isnull=True, next_review_on__lt=timezone.localdate()
        ).values("person_id")
        return queryset.filter(pk__in=overdue)

    def filter_sensitive(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(is_sensitive=True)

    def filter_status(self, queryset, name, value):
        if value == self.STATUS_INACTIVE:
            return queryset.filter(is_active=False)
        return queryset
