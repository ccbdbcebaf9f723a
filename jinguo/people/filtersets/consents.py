"""The filterset of consents in the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jinguo.core.filters import BaseFilterSet

from ..choices import ConsentPurpose
from ..models import Consent
from .common import SubtreeFilterMixin, active_filter, id_filter


class ConsentFilterSet(SubtreeFilterMixin, BaseFilterSet):
    purpose = django_filters.ChoiceFilter(
        choices=ConsentPurpose.choices, label=_("同意事项"), empty_label=_("全部")
    )
    active = active_filter(_("有效"), _("已撤回"))
    person = id_filter("person_id", _("人员档案编号"))

    class Meta:
        model = Consent
        fields = ["purpose", "active", "subtree", "person"]

    def filter_active(self, queryset, name, value):
        if value == "1":
            return queryset.filter(withdrawn_on__isnull=True)
        if value == "0":
            return queryset.filter(withdrawn_on__isnull=False)
        return queryset
