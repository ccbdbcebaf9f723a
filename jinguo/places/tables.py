"""The table of places (list page and Excel export). A confidential place's address and phone
are written only for those who may locate it; everyone else reads the same masked sentence in
the page and in the export."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms import ADDRESS_HIDDEN
from .models import Place
from .selectors import locatable_place_ids

ATTRS = {"class": "table table-vcenter card-table"}


class PlaceTable(tables.Table):
    phone_lead = "name"
    phone_hidden = ("org", "address", "opening_hours", "last_checked_on")

    name = tables.Column(verbose_name=_("名称"))
    kind = tables.Column(verbose_name=_("类型"), accessor="kind__name", order_by=("kind__order",))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))
    meets_standard = tables.Column(verbose_name=_("达标"))
    last_checked_on = tables.DateColumn(verbose_name=_("最近核查"), format="Y-m-d")
    is_public = tables.Column(verbose_name=_("对外公开"))
    address = tables.Column(verbose_name=_("地址"), orderable=False, empty_values=())
    phone = tables.Column(verbose_name=_("联系电话"), orderable=False, empty_values=())
    opening_hours = tables.Column(verbose_name=_("开放时间"), orderable=False)

    class Meta:
        model = Place
        fields = (
            "name",
            "kind",
            "org",
            "meets_standard",
            "last_checked_on",
            "is_public",
            "address",
            "phone",
            "opening_hours",
        )
        attrs = ATTRS
        empty_text = _("没有符合条件的服务阵地。")

    def __init__(self, *args, request=None, **kwargs):
        self.viewer = getattr(request, "user", None)
        super().__init__(*args, request=request, **kwargs)

    def _located(self, record) -> bool:
        return not record.kind.confidential or record.pk in locatable_place_ids(self.viewer)

    def render_name(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("places:place_detail", args=[record.pk]), value
        )

    def value_name(self, value):
        return value

    def render_meets_standard(self, value):
        if value:
            return format_html('<span class="badge bg-green-lt">{}</span>', _("达标"))
        return format_html('<span class="badge bg-red-lt">{}</span>', _("未达标"))

    def value_meets_standard(self, value):
        return str(_("达标") if value else _("未达标"))

    def render_is_public(self, value):
        return str(_("是") if value else _("否"))

    def value_is_public(self, value):
        return self.render_is_public(value)

    def render_address(self, value, record):
        return (value or "—") if self._located(record) else str(ADDRESS_HIDDEN)

    def value_address(self, value, record):
        return (value or "") if self._located(record) else str(ADDRESS_HIDDEN)

    def render_phone(self, value, record):
        return (value or "—") if self._located(record) else str(ADDRESS_HIDDEN)

    def value_phone(self, value, record):
        return (value or "") if self._located(record) else str(ADDRESS_HIDDEN)
