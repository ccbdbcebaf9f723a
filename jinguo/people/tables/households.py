"""The table of the household list."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from ..models import Household
from .common import TABLE_ATTRS


class HouseholdTable(tables.Table):
    # At a phone's width (core/table.html): the cell that heads each row, the cells left out.
    phone_lead = "name"
    phone_hidden = ("pk", "member_count", "org")

    pk = tables.Column(verbose_name=_("编号"), attrs={"td": {"class": "text-secondary"}})
    name = tables.Column(verbose_name=_("户名"), linkify=True)
    head = tables.Column(verbose_name=_("户主"), accessor="head__name", order_by=("head__name",))
    address = tables.Column(verbose_name=_("住址"), orderable=False, empty_values=())
    member_count = tables.Column(verbose_name=_("成员"), orderable=False, empty_values=())
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = Household
        fields = ("pk", "name", "head", "address", "member_count", "org")
        attrs = TABLE_ATTRS

    def render_address(self, record):
        return record.masked_address or "—"

    def value_address(self, record):
        return record.masked_address

    def value_name(self, record):
        return mask_name(record.name)

    def value_head(self, value):
        return mask_name(value)

    def render_member_count(self, record):
        return getattr(record, "member_count", "")
