"""Tables of the referral, agency, mediation and configuration lists."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import choices
from .models import Agency, Category, DeadlinePolicy, Mediation, Referral

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


class MediationTable(tables.Table):
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


class PolicyTable(tables.Table):
    name = tables.Column(verbose_name=_("名称"))
    category = tables.Column(verbose_name=_("适用类别"), empty_values=())
    urgency = tables.Column(verbose_name=_("紧急程度"), empty_values=())
    decide = tables.Column(verbose_name=_("受理期限"), accessor="decide_amount")
    finish = tables.Column(verbose_name=_("办结期限"), accessor="finish_amount")
    max_extension_days = tables.Column(verbose_name=_("最多延期"))
    referral = tables.Column(verbose_name=_("转介答复"), accessor="referral_amount")
    warn_hours = tables.Column(verbose_name=_("提前提醒"))
    is_active = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = DeadlinePolicy
        fields = (
            "name",
            "category",
            "urgency",
            "decide",
            "finish",
            "max_extension_days",
            "referral",
            "warn_hours",
            "is_active",
        )
        attrs = ATTRS
        orderable = False
        empty_text = _("还没有办理期限规则。")

    def render_name(self, value, record):
        badge = ""
        if record.is_builtin:
            badge = format_html(' <span class="badge bg-secondary-lt">{}</span>', _("内置"))
        return format_html(
            '<a href="{}">{}</a>{}', reverse("cases:policy_edit", args=[record.pk]), value, badge
        )

    def render_category(self, value, record):
        return str(record.category) if record.category_id else _("所有类别")

    def render_urgency(self, value, record):
        return record.get_urgency_display() if record.urgency else _("所有")

    def _amount(self, record, stage):
        unit = getattr(record, f"get_{stage}_unit_display")()
        return f"{getattr(record, f'{stage}_amount')} {unit}"

    def render_decide(self, value, record):
        return self._amount(record, "decide")

    def render_finish(self, value, record):
        return self._amount(record, "finish")

    def render_referral(self, value, record):
        return self._amount(record, "referral")

    def render_max_extension_days(self, value):
        return _("%(n)s 天") % {"n": value}

    def render_warn_hours(self, value):
        return _("%(n)s 小时") % {"n": value}

    def render_is_active(self, value):
        if value:
            return format_html('<span class="badge bg-green-lt">{}</span>', _("启用"))
        return format_html('<span class="badge bg-secondary-lt">{}</span>', _("停用"))


def category_rows(categories) -> list[Category]:
    """Top-level categories each followed by its children, for the tree list."""
    by_parent: dict = {}
    for cat in categories:
        by_parent.setdefault(cat.parent_id, []).append(cat)
    rows = []
    for top in by_parent.get(None, []):
        top.depth = 0
        rows.append(top)
        for child in by_parent.get(top.pk, []):
            child.depth = 1
            rows.append(child)
    return rows
