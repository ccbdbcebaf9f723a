"""The case table of the work queues and of their Excel export, and the case badges.

Names are always masked here (a queue is read over a shoulder); the case page is where a
worker sees more.
"""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from .. import choices
from ..deadlines import how_late
from ..models import Case

STATUS_BADGES = {
    choices.Status.REGISTERED: "bg-blue-lt",
    choices.Status.ACCEPTED: "bg-cyan-lt",
    choices.Status.DECLINED: "bg-secondary-lt",
    choices.Status.ASSIGNED: "bg-indigo-lt",
    choices.Status.IN_PROGRESS: "bg-azure-lt",
    choices.Status.RESOLVED: "bg-green-lt",
    choices.Status.CLOSED: "bg-secondary-lt",
}
URGENCY_BADGES = {
    choices.Urgency.PRIORITY: "bg-orange-lt",
    choices.Urgency.URGENT: "bg-red text-red-fg",
}
DUE_CLASSES = {
    choices.DueState.OVERDUE: "text-red fw-bold",
    choices.DueState.SOON: "text-orange fw-bold",
}


def label(choices_class, value) -> str:
    """The choice's label: Model.get_FOO_display() hashes every label of the field (a gettext
    each) on every call, which a 25-row table pays a few hundred times."""
    try:
        return str(choices_class(value).label)
    except ValueError:
        return value


def status_badge(case) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(case.status, "bg-secondary-lt"),
        label(choices.Status, case.status),
    )


def urgency_badge(case) -> str:
    css = URGENCY_BADGES.get(case.urgency)
    if not css:
        return ""
    return format_html(
        '<span class="badge {}">{}</span>', css, label(choices.Urgency, case.urgency)
    )


def due_html(case) -> str:
    if not case.due_at:
        return "—"
    css = DUE_CLASSES.get(case.due_state, "")
    local = timezone.localtime(case.due_at)
    hint = label(choices.DueState, case.due_state) if case.due_state in DUE_CLASSES else ""
    icon = ""
    if case.due_state == choices.DueState.OVERDUE:
        icon = mark_safe('<i class="ti ti-alert-triangle me-1" aria-hidden="true"></i>')
    elif case.due_state == choices.DueState.SOON:
        icon = mark_safe('<i class="ti ti-clock me-1" aria-hidden="true"></i>')
    return format_html(
        '<span class="text-nowrap {}" title="{}">{}{}</span>'
        '<div class="small text-secondary">{}{}</div>',
        css,
        hint,
        icon,
        local.strftime("%Y-%m-%d"),
        local.strftime("%H:%M"),
        f" · {hint}" if hint else "",
    )


def late_html(case, now=None) -> str:
    """逾期 21 天 in red, 剩 2 天 in orange (later deadlines quietly): open cases only."""
    if not case.due_at or case.status not in choices.OPEN_STATUSES:
        return "—"
    words = how_late(case.due_at, now or timezone.now())
    if words["late"]:
        css = "text-red fw-bold"
    elif case.due_state == choices.DueState.SOON:
        css = "text-orange fw-bold"
    else:
        css = "text-secondary"
    return format_html('<span class="text-nowrap {}" data-late>{}</span>', css, words["text"])


def complainant_label(case) -> str:
    if case.anonymous:
        return str(_("匿名"))
    if case.complainant_id and case.complainant is not None:
        return mask_name(case.complainant.name)
    return "—"


class CaseTable(tables.Table):
    number = tables.Column(verbose_name=_("编号"), linkify=True, order_by=("number",))
    received_at = tables.Column(verbose_name=_("收到时间"))
    channel = tables.Column(verbose_name=_("渠道"))
    category = tables.Column(
        verbose_name=_("类别"),
        accessor="category__name",
        order_by=("category__sort", "id"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    complainant = tables.Column(
        verbose_name=_("诉求人"),
        accessor="complainant_id",
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "text-nowrap"}},
    )
    summary = tables.Column(
        verbose_name=_("诉求摘要"), orderable=False, attrs={"td": {"style": "min-width: 10rem"}}
    )
    org = tables.Column(
        verbose_name=_("承办单位"),
        accessor="org__name",
        order_by=("org_path",),
        attrs={"td": {"class": "text-nowrap"}},
    )
    assigned_to = tables.Column(
        verbose_name=_("承办人"),
        accessor="assigned_to__real_name",
        order_by=("assigned_to",),
        attrs={"td": {"class": "text-nowrap"}},
    )
    status = tables.Column(verbose_name=_("状态"))
    due_at = tables.Column(verbose_name=_("当前期限"), empty_values=())
    late = tables.Column(
        verbose_name=_("超期/剩余"),
        accessor="due_at",
        order_by=("due_at",),
        empty_values=(),
        attrs={"td": {"class": "text-nowrap"}},
    )

    # At a phone's width (core/table.html): the number and urgency head each row; then how
    # late, the status and the deadline.
    phone_lead = "number"
    phone_hidden = ("received_at", "complainant", "summary", "org")

    class Meta:
        model = Case
        fields = ()
        sequence = (
            "number",
            "late",
            "received_at",
            "channel",
            "category",
            "complainant",
            "summary",
            "org",
            "assigned_to",
            "status",
            "due_at",
        )
        attrs = {"class": "table table-vcenter card-table", "data-testid": "case-table"}
        row_attrs = {"data-case": lambda record: record.pk}
        empty_text = _("没有符合条件的个案。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown under the received time and the unit on screen; separate columns in the export.
        self.columns.hide("channel")
        self.columns.hide("assigned_to")

    def render_number(self, value, record):
        # Urgency first: the badge leads the row, before the rest of what the row says.
        badges = []
        if record.urgency in URGENCY_BADGES:
            badges.append((URGENCY_BADGES[record.urgency], label(choices.Urgency, record.urgency)))
        if record.is_sensitive:
            badges.append(("bg-orange-lt", _("敏感")))
        if record.is_repeat:
            badges.append(("bg-purple-lt", _("重复")))
        return format_html(
            '<span class="text-nowrap">{}</span><div>{}</div>',
            value,
            format_html_join(" ", '<span class="badge {}">{}</span>', badges),
        )

    def value_number(self, value):
        return value

    def render_received_at(self, value, record):
        return format_html(
            '<span class="text-nowrap">{}</span><div class="small text-secondary text-nowrap">{}</div>',
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M"),
            label(choices.Channel, record.channel),
        )

    def value_received_at(self, value, record):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_org(self, value, record):
        worker = record.assigned_to.real_name if record.assigned_to_id else _("未分派")
        return format_html('{}<div class="small text-secondary">{}</div>', value, worker)

    def value_org(self, value, record):
        return value

    def render_channel(self, value, record):
        return label(choices.Channel, record.channel)

    def render_category(self, value, record):
        sub = record.subcategory.name if record.subcategory_id and record.subcategory else ""
        if sub:
            return format_html('{}<div class="small text-secondary">{}</div>', value, sub)
        return value

    def value_category(self, value, record):
        sub = record.subcategory.name if record.subcategory_id and record.subcategory else ""
        return f"{value} / {sub}" if sub else value

    def render_complainant(self, value, record):
        return complainant_label(record)

    def value_complainant(self, value, record):
        return complainant_label(record)

    def render_summary(self, value, record):
        return value

    def value_summary(self, value, record):
        return value

    def render_status(self, value, record):
        return status_badge(record)

    def value_status(self, value, record):
        return label(choices.Status, record.status)

    def render_due_at(self, value, record):
        return due_html(record)

    def render_late(self, value, record):
        return late_html(record)

    def value_late(self, value, record):
        if not record.due_at or record.status not in choices.OPEN_STATUSES:
            return ""
        return how_late(record.due_at, timezone.now())["text"]

    def value_due_at(self, value, record):
        if not record.due_at:
            return ""
        return timezone.localtime(record.due_at).strftime("%Y-%m-%d %H:%M")
