"""The table of the partner agency list."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Agency

ATTRS = {"class": "table table-vcenter card-table"}


class AgencyTable(tables.Table):
    name = tables.Column(verbose_name=_("机构名称"), linkify=True)
    kind = tables.Column(verbose_name=_("机构类型"))
    org = tables.Column(verbose_name=_("管理单位"), accessor="org__name", order_by=("org_path",))
    contact_name = tables.Column(verbose_name=_("联系人"))
    contact_phone = tables.Column(verbose_name=_("联系电话"))
    is_active = tables.BooleanColumn(verbose_name=_("状态"))

    class Meta:
        model = Agency
        fields = ("name", "kind", "org", "contact_name", "contact_phone", "is_active")
        attrs = ATTRS
        empty_text = _("没有符合条件的合作机构。")

    def render_kind(self, value, record):
        return format_html('<span class="badge bg-azure-lt">{}</span>', record.get_kind_display())

    def value_kind(self, value, record):
        return record.get_kind_display()

    def render_is_active(self, value):
        if value:
            return format_html('<span class="badge bg-green-lt">{}</span>', _("启用"))
        return format_html('<span class="badge bg-secondary-lt">{}</span>', _("停用"))

    def value_is_active(self, value):
        return _("启用") if value else _("停用")
