"""Tables of the screening concern: campaigns, returns, dispute entries, the opinion log.
The entries' export holds no personal text: kinds, risks, dates and units only."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..models import DisputeEntry, OpinionItem, ScreeningCampaign, ScreeningReport

ATTRS = {"class": "table table-vcenter card-table"}
RISK_BADGE = {
    choices.DisputeRisk.HIGH: "bg-red text-white",
    choices.DisputeRisk.MEDIUM: "bg-orange-lt",
    choices.DisputeRisk.LOW: "bg-secondary-lt",
}
LEVEL_BADGE = {
    choices.OpinionLevel.MAJOR: "bg-red text-white",
    choices.OpinionLevel.LARGE: "bg-orange-lt",
    choices.OpinionLevel.GENERAL: "bg-secondary-lt",
}


def link(url_name, pk, text):
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)


def badge(css, text):
    return format_html('<span class="badge {}">{}</span>', css, text)


class ScreeningCampaignTable(tables.Table):
    phone_lead = "title"
    phone_hidden = ("kind", "org", "issued_at")

    title = tables.Column(verbose_name=_("排查主题"))
    kind = tables.Column(verbose_name=_("排查类型"))
    org = tables.Column(verbose_name=_("下发单位"), accessor="org__name", order_by=("org_path",))
    issued_at = tables.Column(verbose_name=_("下发时间"))
    due_on = tables.Column(verbose_name=_("截止日期"))
    progress = tables.Column(verbose_name=_("已上报"), accessor="pk", orderable=False)
    state = tables.Column(verbose_name=_("状态"), accessor="closed_at", orderable=False)

    class Meta:
        model = ScreeningCampaign
        fields = ("title", "kind", "org", "issued_at", "due_on", "progress", "state")
        attrs = ATTRS
        row_attrs = {"data-campaign": lambda record: record.pk}
        empty_text = _("还没有下发过矛盾纠纷排查。")

    def render_title(self, value, record):
        return link("protection:screeningcampaign_detail", record.pk, value)

    def value_title(self, value):
        return value

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return str(record.get_kind_display())

    def render_issued_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")

    def value_issued_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_progress(self, record):
        return f"{getattr(record, 'n_submitted', 0)} / {getattr(record, 'n_reports', 0)}"

    def value_progress(self, record):
        return self.render_progress(record)

    def render_state(self, record):
        if record.closed_at:
            return badge("bg-secondary-lt", _("已结束"))
        if record.due_on < timezone.localdate():
            return badge("bg-orange-lt", _("已过截止日期"))
        return badge("bg-green-lt", _("进行中"))

    def value_state(self, record):
        if record.closed_at:
            return str(_("已结束"))
        return str(_("已过截止日期") if record.due_on < timezone.localdate() else _("进行中"))


def report_state(record) -> tuple[str, str]:
    if record.status == choices.ScreeningReportStatus.SUBMITTED:
        if record.is_late:
            return "bg-orange-lt", str(_("逾期上报"))
        return "bg-green-lt", str(_("已上报"))
    if record.campaign.due_on < timezone.localdate():
        return "bg-red text-white", str(_("逾期未报"))
    return "bg-secondary-lt", str(_("未上报"))


class ScreeningReportTable(tables.Table):
    phone_lead = "campaign"
    phone_hidden = ("org", "submitted_at")

    campaign = tables.Column(
        verbose_name=_("排查主题"), accessor="campaign__title", order_by=("campaign__title",)
    )
    org = tables.Column(verbose_name=_("上报单位"), accessor="org__name", order_by=("org_path",))
    due_on = tables.Column(
        verbose_name=_("截止日期"), accessor="campaign__due_on", order_by=("campaign__due_on",)
    )
    status = tables.Column(verbose_name=_("上报状态"))
    submitted_at = tables.Column(verbose_name=_("上报时间"))

    class Meta:
        model = ScreeningReport
        fields = ("campaign", "org", "due_on", "status", "submitted_at")
        attrs = ATTRS
        row_attrs = {"data-report": lambda record: record.pk}
        empty_text = _("没有需要上报的排查。")

    def render_campaign(self, value, record):
        return link("protection:screeningreport_detail", record.pk, value)

    def value_campaign(self, value):
        return value

    def render_status(self, record):
        return badge(*report_state(record))

    def value_status(self, record):
        return report_state(record)[1]

    def render_submitted_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def value_submitted_at(self, value):
        return self.render_submitted_at(value)


class DisputeEntryTable(tables.Table):
    """No parties, no narrative: the list and its export name the dispute by kind and unit."""

    phone_lead = "kind"
    phone_hidden = ("org", "campaign")

    number = tables.Column(verbose_name=_("编号"), accessor="pk")
    kind = tables.Column(verbose_name=_("纠纷类型"))
    risk = tables.Column(verbose_name=_("激化风险"))
    status = tables.Column(verbose_name=_("状态"))
    found_on = tables.Column(verbose_name=_("发现日期"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))
    campaign = tables.Column(
        verbose_name=_("排查主题"),
        accessor="report__campaign__title",
        order_by=("report__campaign__title",),
    )

    class Meta:
        model = DisputeEntry
        fields = ("number", "kind", "risk", "status", "found_on", "org", "campaign")
        attrs = ATTRS
        row_attrs = {"data-entry": lambda record: record.pk}
        empty_text = _("没有符合条件的矛盾纠纷。")

    def render_number(self, value):
        return link("protection:disputeentry_detail", value, f"#{value}")

    def value_number(self, value):
        return value

    def render_kind(self, record):
        text = record.get_kind_display()
        if record.is_sensitive:
            return format_html('{} <span class="badge bg-orange-lt">{}</span>', text, _("敏感"))
        return text

    def value_kind(self, record):
        return str(record.get_kind_display())

    def render_risk(self, record):
        return badge(RISK_BADGE.get(record.risk, "bg-secondary-lt"), record.get_risk_display())

    def value_risk(self, record):
        return str(record.get_risk_display())

    def render_status(self, record):
        return record.get_status_display()

    def value_status(self, record):
        return str(record.get_status_display())


class OpinionItemTable(tables.Table):
    phone_lead = "title"
    phone_hidden = ("source", "org")

    title = tables.Column(verbose_name=_("标题"))
    occurred_on = tables.Column(verbose_name=_("发现日期"))
    source = tables.Column(verbose_name=_("来源"))
    level = tables.Column(verbose_name=_("等级"))
    status = tables.Column(verbose_name=_("状态"))
    org = tables.Column(verbose_name=_("登记单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = OpinionItem
        fields = ("title", "occurred_on", "source", "level", "status", "org")
        attrs = ATTRS
        row_attrs = {"data-opinion": lambda record: record.pk}
        empty_text = _("没有符合条件的舆情记录。")

    def render_title(self, value, record):
        return link("protection:opinionitem_detail", record.pk, value)

    def value_title(self, value):
        return value

    def render_source(self, record):
        return record.get_source_display()

    def value_source(self, record):
        return str(record.get_source_display())

    def render_level(self, record):
        return badge(LEVEL_BADGE.get(record.level, "bg-secondary-lt"), record.get_level_display())

    def value_level(self, record):
        return str(record.get_level_display())

    def render_status(self, record):
        css = "bg-green-lt" if record.status == choices.OpinionStatus.CLOSED else "bg-blue-lt"
        return badge(css, record.get_status_display())

    def value_status(self, record):
        return str(record.get_status_display())
