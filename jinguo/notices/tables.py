"""Tables of the notices app: the inbox (a unit's receipts) and the notices a unit sent."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .choices import NoticeKind, ReceiptState
from .models import Assessment, Indicator, Notice, Receipt

ATTRS = {"class": "table table-vcenter card-table"}
STATE_BADGE = {
    ReceiptState.PENDING: "bg-orange-lt",
    ReceiptState.ACKNOWLEDGED: "bg-blue-lt",
    ReceiptState.COMPLETED: "bg-green-lt",
}


def badge(css, text):
    return format_html('<span class="badge {}">{}</span>', css, text)


def receipt_state(receipt, today=None) -> tuple[str, str]:
    """(badge class, label) of a receipt as its unit and the issuer see it."""
    if receipt.notice.withdrawn_at is not None:
        return "bg-secondary-lt", str(_("已撤回"))
    if receipt.overdue(today):
        return "bg-red text-white", str(_("已逾期"))
    if receipt.state == ReceiptState.COMPLETED and receipt.is_late:
        return "bg-yellow-lt", str(_("逾期完成"))
    return STATE_BADGE[receipt.state], str(receipt.get_state_display())


def _local(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else "—"


class ReceiptTable(tables.Table):
    phone_lead = "title"
    phone_hidden = ("kind", "issuer", "created_at")

    title = tables.Column(verbose_name=_("标题"), accessor="notice__title", orderable=False)
    kind = tables.Column(verbose_name=_("类型"), orderable=False)
    issuer = tables.Column(
        verbose_name=_("下发单位"), accessor="notice__org__name", orderable=False
    )
    created_at = tables.Column(verbose_name=_("收到时间"), orderable=False)
    due_on = tables.Column(verbose_name=_("完成期限"), orderable=False)
    state = tables.Column(verbose_name=_("状态"), orderable=False)

    class Meta:
        model = Receipt
        fields = ("title", "kind", "issuer", "created_at", "due_on", "state")
        attrs = ATTRS
        row_attrs = {"data-receipt": lambda record: record.pk}
        empty_text = _("还没有收到上级的通知或任务。")

    def render_title(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("notices:receipt_detail", args=[record.pk]), value
        )

    def value_title(self, value):
        return value

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return str(record.get_kind_display())

    def render_created_at(self, value):
        return _local(value, "%Y-%m-%d")

    def value_created_at(self, value):
        return _local(value)

    def render_due_on(self, value):
        return value.isoformat() if value else "—"

    def render_state(self, record):
        return badge(*receipt_state(record))

    def value_state(self, record):
        return receipt_state(record)[1]


class NoticeTable(tables.Table):
    phone_lead = "title"
    phone_hidden = ("kind", "org", "issued_at")

    title = tables.Column(verbose_name=_("标题"))
    kind = tables.Column(verbose_name=_("类型"))
    org = tables.Column(verbose_name=_("下发单位"), accessor="org__name", order_by=("org_path",))
    issued_at = tables.Column(verbose_name=_("下发时间"))
    due_on = tables.Column(verbose_name=_("完成期限"))
    progress = tables.Column(verbose_name=_("签收 / 完成"), accessor="pk", orderable=False)
    state = tables.Column(verbose_name=_("状态"), accessor="withdrawn_at", orderable=False)

    class Meta:
        model = Notice
        fields = ("title", "kind", "org", "issued_at", "due_on", "progress", "state")
        attrs = ATTRS
        row_attrs = {"data-notice": lambda record: record.pk}
        empty_text = _("还没有下发过通知或任务。")

    def render_title(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("notices:notice_detail", args=[record.pk]), value
        )

    def value_title(self, value):
        return value

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return str(record.get_kind_display())

    def render_issued_at(self, value):
        return _local(value, "%Y-%m-%d")

    def value_issued_at(self, value):
        return _local(value)

    def render_due_on(self, value):
        return value.isoformat() if value else "—"

    def render_progress(self, record):
        total = getattr(record, "n_receipts", 0)
        signed = getattr(record, "n_acknowledged", 0)
        if record.kind == NoticeKind.TASK:
            return f"{signed} / {getattr(record, 'n_completed', 0)} / {total}"
        return f"{signed} / — / {total}"

    def value_progress(self, record):
        return self.render_progress(record)

    def render_state(self, record):
        if record.withdrawn_at:
            return badge("bg-secondary-lt", _("已撤回"))
        return badge("bg-green-lt", _("有效"))

    def value_state(self, record):
        return str(_("已撤回") if record.withdrawn_at else _("有效"))


class IndicatorTable(tables.Table):
    phone_lead = "name"
    phone_hidden = ("method", "direction", "org")

    year = tables.Column(verbose_name=_("年度"))
    name = tables.Column(verbose_name=_("指标名称"))
    org = tables.Column(verbose_name=_("考核单位"), accessor="org__name", order_by=("org_path",))
    weight = tables.Column(verbose_name=_("分值"))
    target = tables.Column(verbose_name=_("目标值"))
    method = tables.Column(verbose_name=_("取值方式"))
    direction = tables.Column(verbose_name=_("评分规则"))

    class Meta:
        model = Indicator
        fields = ("year", "name", "org", "weight", "target", "method", "direction")
        attrs = ATTRS
        row_attrs = {"data-indicator": lambda record: record.pk}
        empty_text = _("还没有设置考核指标。")

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value

    def render_method(self, record):
        return record.get_method_display()

    def value_method(self, record):
        return str(record.get_method_display())

    def render_direction(self, record):
        return record.get_direction_display()

    def value_direction(self, record):
        return str(record.get_direction_display())


class AssessmentTable(tables.Table):
    phone_lead = "indicator"
    phone_hidden = ("year", "actual")

    year = tables.Column(verbose_name=_("年度"), accessor="indicator__year")
    indicator = tables.Column(verbose_name=_("指标"), accessor="indicator__name")
    org = tables.Column(verbose_name=_("被考核单位"), accessor="org__name", order_by=("org_path",))
    actual = tables.Column(verbose_name=_("实际值"), orderable=False)
    score = tables.Column(verbose_name=_("得分"), accessor="pk", orderable=False)

    class Meta:
        model = Assessment
        fields = ("year", "indicator", "org", "actual", "score")
        attrs = ATTRS
        row_attrs = {"data-assessment": lambda record: record.pk}
        empty_text = _("还没有考核得分。")

    def render_indicator(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_indicator(self, value):
        return value

    def render_actual(self, record):
        return shown_actual(record, getattr(self, "request", None))

    def value_actual(self, record):
        return shown_actual(record, getattr(self, "request", None))

    def render_score(self, record):
        return str(record.final_score)

    def value_score(self, record):
        return str(record.final_score)


def shown_actual(record, request=None) -> str:
    """The actual value, or "<5" when it rests on a small sensitive count the user may not
    see (the statistics' suppression rule)."""
    if record.actual is None:
        return "—"
    user = getattr(request, "user", None)
    if record.actual_risky and not (user and user.has_perm("core.view_sensitive")):
        return "<5"
    actual = record.actual
    return str(int(actual)) if actual == actual.to_integral_value() else str(actual)
