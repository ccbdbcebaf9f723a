"""The table of the mediation list."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..models import Mediation

ATTRS = {"class": "table table-vcenter card-table"}


class MediationTable(tables.Table):
    # At a phone's width (core/table.html): the cell that heads each row, the cells left out.
    phone_lead = "held_at"
    phone_hidden = ("mode", "mediators", "org")

    held_at = tables.Column(verbose_name=_("调解时间"))
    case = tables.Column(
        verbose_name=_("个案编号"), accessor="case__number", order_by=("case__number",)
    )
    mode = tables.Column(verbose_name=_("调解方式"))
    mediators = tables.Column(verbose_name=_("调解员"))
    outcome = tables.Column(verbose_name=_("调解结果"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = Mediation
        fields = ("held_at", "case", "mode", "mediators", "outcome", "org")
        attrs = ATTRS
        empty_text = _("没有符合条件的调解记录。")

    def render_held_at(self, value, record):
        text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return format_html(
            '<a href="{}">{}</a>', reverse("cases:mediation_detail", args=[record.pk]), text
        )

    def value_held_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_case(self, value):
        return format_html('<span class="font-monospace">{}</span>', value)

    def value_case(self, value):
        return value

    def render_mode(self, value, record):
        return record.get_mode_display()

    def render_outcome(self, value, record):
        css = {
            choices.MediationOutcome.AGREED: "bg-green-lt",
            choices.MediationOutcome.PARTIAL: "bg-teal-lt",
            choices.MediationOutcome.CONTINUE: "bg-yellow-lt",
            choices.MediationOutcome.FAILED: "bg-secondary-lt",
        }.get(record.outcome, "bg-secondary-lt")
        return format_html('<span class="badge {}">{}</span>', css, record.get_outcome_display())

    def value_outcome(self, value, record):
        return record.get_outcome_display()
