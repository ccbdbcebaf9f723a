import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from jinguo.core import crypto
from jinguo.core.filters import BaseFilterSet
from jinguo.orgs.models import OrgUnit

from .models import Role, User
from .selectors import scoped_units
from .selectors.review import REVIEWS, review_queryset
from .validators import normalise_phone


@extend_schema_field(OpenApiTypes.INT)
class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    """A unit id; matches records in that unit and every unit below it."""


def _units(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return OrgUnit.objects.none()
    return scoped_units(user)


class UserFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("搜索"),
        widget=forms.TextInput(attrs={"placeholder": _("用户名、姓名或完整手机号")}),
    )
    unit = UnitSubtreeFilter(queryset=_units, method="in_unit", label=_("单位（含下级）"))
    role = django_filters.ModelChoiceFilter(
        field_name="roles", queryset=Role.objects.all(), label=_("角色")
    )
    active = django_filters.ChoiceFilter(
        method="by_active",
        label=_("状态"),
        choices=[("1", _("启用")), ("0", _("停用"))],
        empty_label=_("全部"),
    )
    review = django_filters.ChoiceFilter(
        method="by_review",
        label=_("需要关注"),
        choices=[(name, label) for name, (label, _hint) in REVIEWS.items()],
        empty_label=_("全部"),
    )

    class Meta:
        model = User
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(username__icontains=value) | Q(real_name__icontains=value)
        phone = normalise_phone(value).removeprefix("+")
        if len(phone) >= 7 and phone.replace("-", "").isdigit():
            # Phones are encrypted: only an exact number can be found, through its blind index.
            match |= Q(phone_index=crypto.blind_index(value, "user.phone"))
        return queryset.filter(match)

    def in_unit(self, queryset, name, value):
        return queryset.filter(org_path__subtree=value.path)

    def by_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")

    def by_review(self, queryset, name, value):
        return queryset.filter(pk__in=review_queryset(self.request.user, value).values("pk"))


class RoleFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("搜索"),
        widget=forms.TextInput(attrs={"placeholder": _("角色名称或代码")}),
    )

    class Meta:
        model = Role
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
