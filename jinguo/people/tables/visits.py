"""The table of the visit list."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from ..models import Visit
from .common import TABLE_ATTRS, household_link, person_link


class VisitTable(tables.Table):
    # At a phone's width (core/table.html): the cell that heads each row, the cells left out.
    phone_lead = "visited_on"
    phone_hidden = ("worker", "org")

    visited_on = tables.DateColumn(
        verbose_name=_("走访日期"), linkify=("people:visit_detail", {"pk": tables.A("pk")})
    )
    target = tables.Column(verbose_name=_("对象"), accessor="pk", orderable=False)
    method = tables.Column(verbose_name=_("方式"))
    worker = tables.Column(
        verbose_name=_("走访人"), accessor="worker__real_name", order_by=("worker__real_name",)
    )
    follow_up_on = tables.Column(verbose_name=_("跟进"), empty_values=(), orderable=False)
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = Visit
        fields = ("visited_on", "target", "method", "worker", "follow_up_on", "org")
        attrs = TABLE_ATTRS

    def render_target(self, record):
        if record.person_id:
            return person_link(record.person)
        return household_link(record.household)

    def value_target(self, record):
        return mask_name((record.person or record.household).name)

    def render_follow_up_on(self, record):
        if not record.follow_up_needed:
            return "—"
        return format_html(
            '<span class="badge bg-orange-lt">{}</span> {}',
            _("需跟进"),
            record.follow_up_on.isoformat() if record.follow_up_on else "",
        )

    def value_follow_up_on(self, record):
        return record.follow_up_on.isoformat() if record.follow_up_on else ""
