"""The table of the unit-level contact work (rows are selectors.contacts.ContactRow)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from .common import TABLE_ATTRS, household_link, person_link


class ContactTable(tables.Table):
    """The unit-level view of assignments (rows are selectors.contacts.ContactRow)."""

    # At a phone's width (core/table.html): the cell that heads each row, the cells left out.
    phone_lead = "target"
    phone_hidden = ("worker", "org")

    target = tables.Column(verbose_name=_("联系对象"), accessor="assignment", orderable=False)
    worker = tables.Column(
        verbose_name=_("联系人"), accessor="assignment__worker__real_name", orderable=False
    )
    last_visit = tables.DateColumn(verbose_name=_("上次走访"), orderable=False, default="—")
    next_due = tables.Column(verbose_name=_("应走访日期"), orderable=False)
    org = tables.Column(
        verbose_name=_("所属单位"), accessor="assignment__org__name", orderable=False
    )
    actions = tables.TemplateColumn(
        template_name="people/partials/contact_row_actions.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        attrs = TABLE_ATTRS
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}

    def render_target(self, value):
        return person_link(value.person) if value.person_id else household_link(value.household)

    def value_target(self, value):
        return mask_name((value.person or value.household).name)

    def render_next_due(self, value, record):
        if record.is_overdue:
            return format_html(
                '{} <span class="badge bg-red-lt">{}</span>',
                value.isoformat(),
                _("逾期 %(n)d 天") % {"n": record.days_overdue},
            )
        return value.isoformat()

    def value_next_due(self, value):
        return value.isoformat()
