"""The table of the extension approvals page."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Extension


class ExtensionTable(tables.Table):
    case = tables.Column(
        verbose_name=_("个案"),
        accessor="case__number",
        orderable=False,
        attrs={"td": {"class": "text-nowrap"}},
    )
    summary = tables.Column(verbose_name=_("诉求摘要"), accessor="case__summary", orderable=False)
    unit = tables.Column(verbose_name=_("承办单位"), accessor="case__org__name", orderable=False)
    days = tables.Column(verbose_name=_("延期天数"))
    reason = tables.Column(verbose_name=_("延期理由"), orderable=False)
    requested_by = tables.Column(
        verbose_name=_("申请人"), accessor="requested_by__real_name", orderable=False
    )
    requested_at = tables.DateTimeColumn(
        verbose_name=_("申请时间"), format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}}
    )
    finish_due = tables.Column(
        verbose_name=_("现办结期限"),
        accessor="case__finish_due_at",
        orderable=False,
        attrs={"td": {"class": "text-nowrap"}},
    )
    actions = tables.TemplateColumn(
        template_name="cases/partials/extension_actions.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Extension
        fields = ()
        sequence = (
            "case",
            "summary",
            "unit",
            "days",
            "reason",
            "requested_by",
            "requested_at",
            "finish_due",
            "actions",
        )
        attrs = {"class": "table table-vcenter card-table", "data-testid": "extension-table"}
        empty_text = _("没有待审批的延期申请。")

    def render_case(self, value, record):
        url = reverse("cases:case_detail", args=[record.case_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_finish_due(self, value, record):
        return timezone.localtime(value).strftime("%Y-%m-%d") if value else "—"
