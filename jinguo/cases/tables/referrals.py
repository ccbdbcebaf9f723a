"""Tables of the referral list and of an agency's inbox."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..models import Referral

STATUS_BADGE = {
    choices.ReferralStatus.SENT: "bg-yellow-lt",
    choices.ReferralStatus.ACCEPTED: "bg-blue-lt",
    choices.ReferralStatus.REPORTED: "bg-teal-lt",
    choices.ReferralStatus.CLOSED: "bg-green-lt",
    choices.ReferralStatus.DECLINED: "bg-orange-lt",
    choices.ReferralStatus.WITHDRAWN: "bg-secondary-lt",
}
ATTRS = {"class": "table table-vcenter card-table"}


def referral_status_badge(referral) -> str:
    badge = format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGE.get(referral.status, "bg-secondary-lt"),
        referral.get_status_display(),
    )
    if referral.is_overdue:
        badge += format_html(' <span class="badge bg-red text-red-fg">{}</span>', _("已超期"))
    return badge


def due_cell(referral) -> str:
    if referral.due_at is None:
        return "—"
    text = timezone.localtime(referral.due_at).strftime("%Y-%m-%d %H:%M")
    if referral.is_overdue:
        return format_html('<span class="text-danger fw-bold">{}</span>', text)
    return text


class ReferralTable(tables.Table):
    """The federation's view: which case went where, and whether the agency answered."""

    # At a phone's width (core/table.html): the cell that heads each row, the cells left out.
    phone_lead = "case"
    phone_hidden = ("kind", "sent_at", "urge_count")

    case = tables.Column(
        verbose_name=_("个案编号"), accessor="case__number", order_by=("case__number",)
    )
    agency = tables.Column(verbose_name=_("转介机构"), accessor="agency__name")
    kind = tables.Column(
        verbose_name=_("机构类型"), accessor="agency__kind", order_by=("agency__kind",)
    )
    sent_at = tables.DateTimeColumn(verbose_name=_("转介时间"), format="Y-m-d H:i")
    due_at = tables.Column(verbose_name=_("答复期限"))
    status = tables.Column(verbose_name=_("状态"))
    urge_count = tables.Column(verbose_name=_("督促次数"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Referral
        fields = ("case", "agency", "kind", "sent_at", "due_at", "status", "urge_count")
        attrs = ATTRS
        empty_text = _("没有符合条件的转介事项。")

    def render_case(self, value, record):
        return format_html(
            '<a href="{}" class="font-monospace">{}</a>',
            reverse("cases:referral_detail", args=[record.pk]),
            value,
        )

    def value_case(self, value):
        return value

    def render_kind(self, value, record):
        return record.agency.get_kind_display()

    def value_kind(self, value, record):
        return record.agency.get_kind_display()

    def render_due_at(self, value, record):
        return due_cell(record)

    def value_due_at(self, value, record):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def render_status(self, value, record):
        return referral_status_badge(record)

    def value_status(self, value, record):
        return record.get_status_display()

    def render_urge_count(self, value):
        if not value:
            return "0"
        return format_html('<span class="badge bg-red-lt">{}</span>', value)


class AgencyInboxTable(ReferralTable):
    """An agency member's inbox: no agency column; the category and urgency she must triage."""

    phone_hidden = ("referring_unit", "sent_at")

    category = tables.Column(
        verbose_name=_("诉求类别"), accessor="case__category__name", orderable=False
    )
    urgency = tables.Column(
        verbose_name=_("紧急程度"), accessor="case__urgency", order_by=("case__urgency",)
    )
    referring_unit = tables.Column(
        verbose_name=_("转介单位"), accessor="org__name", order_by=("org_path",)
    )

    class Meta(ReferralTable.Meta):
        fields = ("case", "category", "urgency", "referring_unit", "sent_at", "due_at", "status")
        sequence = (
            "case",
            "category",
            "urgency",
            "referring_unit",
            "sent_at",
            "due_at",
            "status",
        )
        exclude = ("agency", "kind", "urge_count")
        empty_text = _("目前没有转介给本机构的事项。")

    def render_category(self, value, record):
        sub = record.case.subcategory
        return f"{value} / {sub.name}" if sub else value

    def value_category(self, value, record):
        return self.render_category(value, record)

    def render_urgency(self, value, record):
        label = record.case.get_urgency_display()
        if value == choices.Urgency.URGENT:
            return format_html('<span class="badge bg-red text-red-fg">{}</span>', label)
        if value == choices.Urgency.PRIORITY:
            return format_html('<span class="badge bg-orange-lt">{}</span>', label)
        return label

    def value_urgency(self, value, record):
        return record.case.get_urgency_display()
