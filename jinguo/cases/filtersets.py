"""The filtersets of this app, one per list: each serves the page, its Excel export and the
API alike (the case queues, referrals and an agency's inbox, agencies, mediations).

A filterset only narrows a queryset the caller has already scoped with restrict(); it holds no
view logic, so the API can reuse it as it is.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.core.filters import BaseFilterSet
from jinguo.orgs.filtersets import ActiveSelect, UnitChoiceFilter, visible_units
from jinguo.orgs.forms import UnitSearchInput

from . import choices
from .models import Agency, Case, Category, Extension, Mediation, Referral

# --- the case queues ---------------------------------------------------------------------


def active_categories(request):
    return Category.objects.filter(is_active=True).select_related("parent")


def visible_workers(request):
    """Users of the request user's subtree (a worker filter never lists other branches)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.home_path:
        return User.objects.none()
    return User.objects.filter(is_active=True, org_path__subtree=user.home_path).select_related(
        "home_unit"
    )


def worker_label(user) -> str:
    return f"{user.real_name or user.get_username()}（{user.home_unit.name if user.home_unit_id else '—'}）"


class WorkerSearchInput(UnitSearchInput):
    """The unit picker's search box and script, asking for workers (cases:worker_search)."""

    search_url = reverse_lazy("cases:worker_search")

    def selected_label(self, value) -> str:
        if value in (None, "") or not str(value).isdigit():
            return ""
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return ""
        user = queryset.filter(pk=int(value)).first()
        return worker_label(user) if user is not None else ""


class WorkerChoiceFilter(django_filters.ModelChoiceFilter):
    @property
    def field(self):
        field = super().field
        field.label_from_instance = worker_label
        return field


class CategoryChoiceFilter(django_filters.ModelChoiceFilter):
    @property
    def field(self):
        field = super().field
        field.label_from_instance = lambda c: f"\u3000{c.name}" if c.parent_id else c.name
        return field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )


class CaseFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("搜索"),
        widget=forms.TextInput(
            attrs={"placeholder": _("编号、摘要中的词语、类别"), "type": "search"}
        ),
    )
    status = django_filters.ChoiceFilter(
        choices=choices.Status.choices, label=_("状态"), empty_label=_("全部")
    )
    channel = django_filters.ChoiceFilter(
        choices=choices.Channel.choices, label=_("来源渠道"), empty_label=_("全部")
    )
    category = CategoryChoiceFilter(
        queryset=active_categories,
        method="filter_category",
        label=_("诉求类别"),
        empty_label=_("全部"),
    )
    urgency = django_filters.ChoiceFilter(
        choices=choices.Urgency.choices, label=_("紧急程度"), empty_label=_("全部")
    )
    due_state = django_filters.ChoiceFilter(
        choices=choices.DueState.choices, label=_("期限状态"), empty_label=_("全部")
    )
    received_after = django_filters.DateFilter(
        method="filter_received_after", label=_("收到日期从"), widget=DateInput
    )
    received_before = django_filters.DateFilter(
        method="filter_received_before", label=_("收到日期至"), widget=DateInput
    )
    # Typed and searched (orgs:unit_search): a district's tree is hundreds of units, and
    # listing them cost every queue page a query and ~17 KB of options.
    unit = UnitChoiceFilter(
        queryset=visible_units,
        method="filter_unit",
        label=_("承办单位"),
        empty_label=_("全部"),
        help_text=_("该单位及其全部下级单位。"),
        widget=UnitSearchInput(attrs={"placeholder": _("全部（输入名称或拼音首字母）")}),
    )
    # Typed and searched too: a district has hundreds of staff.
    assigned_to = WorkerChoiceFilter(
        queryset=visible_workers,
        label=_("承办人"),
        empty_label=_("全部"),
        widget=WorkerSearchInput(attrs={"placeholder": _("全部（输入姓名）")}),
    )
    is_repeat = django_filters.BooleanFilter(
        label=_("仅看重复诉求"), widget=forms.CheckboxInput, method="filter_repeat"
    )
    extension = django_filters.ChoiceFilter(
        choices=[("mine", _("我申请的、待审批"))],
        method="filter_extension",
        label=_("延期申请"),
        empty_label=_("全部"),
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "channel",
            "category",
            "urgency",
            "due_state",
            "received_after",
            "received_before",
            "unit",
            "assigned_to",
            "is_repeat",
            "extension",
        ]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if "-" in value and value.replace("-", "").isalnum():
            # A case number, whole or its tail (990101-2026-000012, 2026-000012).
            return queryset.filter(Q(number__endswith=value) | Q(search_text__fts=value))
        return queryset.filter(search_text__fts=value)

    def filter_category(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(category=value) | Q(subcategory=value))

    def filter_received_after(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(received_at__gte=_day_start(value))

    def filter_received_before(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(received_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(org_path__subtree=value.path)

    def filter_repeat(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(is_repeat=True)

    def filter_extension(self, queryset, name, value):
        if value != "mine" or self.user is None:
            return queryset
        pending = Extension.objects.filter(
            status=choices.ExtensionStatus.PENDING, requested_by_id=self.user.pk
        )
        return queryset.filter(pk__in=pending.values("case_id"))


# --- referrals, agencies and mediations ----------------------------------------------------


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
