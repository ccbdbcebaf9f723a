"""Tables of the report forms."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .choices import ReportState
from .models import Report

ATTRS = {"class": "table table-vcenter card-table"}
STATE_BADGE = {
    ReportState.DRAFT: "bg-secondary-lt",
    ReportState.SUBMITTED: "bg-blue-lt",
    ReportState.RETURNED: "bg-orange-lt",
    ReportState.ACCEPTED: "bg-green-lt",
    ReportState.SUPERSEDED: "bg-secondary-lt",
}


def state_badge(report) -> str:
    late = report.state in (ReportState.DRAFT, ReportState.RETURNED) and (
        timezone.localdate() > report.due_on
    )
    css = "bg-red text-white" if late else STATE_BADGE.get(report.state, "")
    text = report.get_state_display() + (" · " + str(_("已逾期")) if late else "")
    return format_html('<span class="badge {}" data-state="{}">{}</span>', css, report.state, text)


class ReportTable(tables.Table):
    phone_lead = "form"
    phone_hidden = ("version", "due_on", "submitted_at")

    form = tables.Column(verbose_name=_("报表"), accessor="form__name", order_by=("form__sort",))
    period = tables.Column(verbose_name=_("报告期"), accessor="period_start")
    org = tables.Column(verbose_name=_("填报单位"), accessor="org__name", order_by=("org_path",))
    version = tables.Column(verbose_name=_("版本"))
    state = tables.Column(verbose_name=_("状态"))
    due_on = tables.Column(verbose_name=_("截止日期"))
    submitted_at = tables.Column(verbose_name=_("上报时间"))

    class Meta:
        model = Report
        fields = ("form", "period", "org", "version", "state", "due_on", "submitted_at")
        attrs = ATTRS
        row_attrs = {"data-report": lambda record: record.pk}
        empty_text = _("还没有报表。")

    def render_form(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("stats:report_detail", args=[record.pk]), value
        )

    def value_form(self, value):
        return value

    def render_period(self, record):
        return record.period_label

    def value_period(self, record):
        return record.period_label

    def render_state(self, record):
        return state_badge(record)

    def value_state(self, record):
        return record.get_state_display()
