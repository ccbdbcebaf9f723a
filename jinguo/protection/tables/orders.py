"""Tables of the orders concern. Names are masked (张**): a list is no place for identity."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from .. import choices
from ..models import (
    EvidenceBundle,
    InjuryRecord,
    OrderBreach,
    PoliceWarning,
    ProtectionOrder,
    WarningVisit,
)

ATTRS = {"class": "table table-vcenter card-table"}


def _link(name, pk, label):
    return format_html('<a href="{}">{}</a>', reverse(f"protection:{name}", args=[pk]), label)


def _dt(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


STATE_CSS = {
    choices.VisitState.DUE: "bg-blue-lt",
    choices.VisitState.DONE: "bg-green-lt",
    choices.VisitState.UNREACHABLE: "bg-orange-lt",
    choices.VisitState.MISSED: "bg-red text-red-fg",
    choices.VisitState.CANCELLED: "bg-secondary-lt",
}
ORDER_CSS = {
    choices.OrderStatus.ACCEPTED: "bg-blue-lt",
    choices.OrderStatus.GRANTED: "bg-green-lt",
    choices.OrderStatus.PARTLY: "bg-teal-lt",
    choices.OrderStatus.REFUSED: "bg-secondary-lt",
    choices.OrderStatus.REVOKED: "bg-secondary-lt",
    choices.OrderStatus.EXPIRED: "bg-secondary-lt",
}


class _PersonColumn(tables.Column):
    def __init__(self, **kwargs):
        super().__init__(verbose_name=_("当事人"), accessor="person__name", **kwargs)

    def render(self, value):
        return mask_name(value)

    def value(self, value):
        return mask_name(value)


class PoliceWarningTable(tables.Table):
    phone_lead = "issued_on"
    phone_hidden = ("document_number", "org")

    issued_on = tables.Column(verbose_name=_("出具日期"))
    document_number = tables.Column(verbose_name=_("文号"))
    person = _PersonColumn(order_by=("person__name_pinyin",))
    police_station = tables.Column(verbose_name=_("出具单位"), accessor="police_station__name")
    org = tables.Column(
        verbose_name=_("居（村）委会"), accessor="org__name", order_by=("org_path",)
    )

    class Meta:
        model = PoliceWarning
        fields = ("issued_on", "document_number", "person", "police_station", "org")
        attrs = ATTRS
        empty_text = _("没有符合条件的告诫书。")

    def render_issued_on(self, value, record):
        return _link("policewarning_detail", record.pk, value.isoformat())

    def value_issued_on(self, value):
        return value.isoformat()


class WarningVisitTable(tables.Table):
    phone_lead = "due_on"
    phone_hidden = ("with_police", "org")

    due_on = tables.Column(verbose_name=_("应回访日期"))
    person = _PersonColumn(order_by=("person__name_pinyin",))
    state = tables.Column(verbose_name=_("状态"))
    done_at = tables.Column(verbose_name=_("回访时间"))
    with_police = tables.BooleanColumn(verbose_name=_("与派出所共同回访"))
    org = tables.Column(
        verbose_name=_("居（村）委会"), accessor="org__name", order_by=("org_path",)
    )

    class Meta:
        model = WarningVisit
        fields = ("due_on", "person", "state", "done_at", "with_police", "org")
        attrs = ATTRS
        empty_text = _("没有符合条件的回访。")

    def render_due_on(self, value, record):
        return _link("warningvisit_detail", record.pk, value.isoformat())

    def value_due_on(self, value):
        return value.isoformat()

    def render_state(self, value, record):
        css = STATE_CSS.get(record.state, "bg-secondary-lt")
        return format_html('<span class="badge {}">{}</span>', css, record.get_state_display())

    def value_state(self, value, record):
        return record.get_state_display()

    def render_done_at(self, value):
        return _dt(value)

    def value_done_at(self, value):
        return _dt(value)


class ProtectionOrderTable(tables.Table):
    phone_lead = "pk"
    phone_hidden = ("court", "org", "applicant_kind")

    pk = tables.Column(verbose_name=_("编号"), accessor="pk")
    person = _PersonColumn(order_by=("person__name_pinyin",))
    applicant_kind = tables.Column(verbose_name=_("申请人"))
    court = tables.Column(verbose_name=_("法院"), accessor="court__name", default="")
    status = tables.Column(verbose_name=_("状态"))
    deadline = tables.Column(
        verbose_name=_("裁定期限/有效期至"), accessor="pk", orderable=False, empty_values=()
    )
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = ProtectionOrder
        fields = ("pk", "person", "applicant_kind", "court", "status", "deadline", "org")
        attrs = ATTRS
        empty_text = _("没有符合条件的保护令。")

    def render_pk(self, value, record):
        label = record.court_case_number or f"#{record.pk}"
        return _link("protectionorder_detail", record.pk, label)

    def value_pk(self, value, record):
        return record.court_case_number or f"#{record.pk}"

    def render_applicant_kind(self, value, record):
        return record.get_applicant_kind_display()

    def value_applicant_kind(self, value, record):
        return record.get_applicant_kind_display()

    def render_status(self, value, record):
        css = ORDER_CSS.get(record.status, "bg-secondary-lt")
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())

    def value_status(self, value, record):
        return record.get_status_display()

    def _deadline(self, record):
        if record.status == choices.OrderStatus.ACCEPTED and record.decision_due_at:
            late = record.decision_due_at < timezone.now()
            return _dt(record.decision_due_at), late
        if record.effective_until:
            return record.effective_until.isoformat(), False
        return "", False

    def render_deadline(self, record):
        text, late = self._deadline(record)
        if late:
            return format_html(
                '<span class="badge bg-red text-red-fg">{} {}</span>', _("超期"), text
            )
        return text

    def value_deadline(self, record):
        return self._deadline(record)[0]


class OrderBreachTable(tables.Table):
    phone_lead = "occurred_at"
    phone_hidden = ("org",)

    occurred_at = tables.Column(verbose_name=_("发生时间"))
    person = _PersonColumn(order_by=("person__name_pinyin",))
    order = tables.Column(verbose_name=_("保护令"), accessor="order_id")
    sanction = tables.Column(verbose_name=_("处罚"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = OrderBreach
        fields = ("occurred_at", "person", "order", "sanction", "org")
        attrs = ATTRS
        empty_text = _("没有违反保护令的记录。")

    def render_occurred_at(self, value, record):
        return _link("orderbreach_detail", record.pk, _dt(value))

    def value_occurred_at(self, value):
        return _dt(value)

    def render_order(self, value, record):
        return f"#{value}"

    def value_order(self, value):
        return value

    def render_sanction(self, value, record):
        return record.get_sanction_display()

    def value_sanction(self, value, record):
        return record.get_sanction_display()


class InjuryRecordTable(tables.Table):
    phone_lead = "examined_at"
    phone_hidden = ("examined_by", "org")

    examined_at = tables.Column(verbose_name=_("检查时间"))
    person = _PersonColumn(order_by=("person__name_pinyin",))
    examined_by = tables.Column(verbose_name=_("鉴定/诊疗机构"))
    severity = tables.Column(verbose_name=_("鉴定结论"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = InjuryRecord
        fields = ("examined_at", "person", "examined_by", "severity", "org")
        attrs = ATTRS
        empty_text = _("没有伤情记录。")

    def render_examined_at(self, value, record):
        return _link("injuryrecord_detail", record.pk, _dt(value))

    def value_examined_at(self, value):
        return _dt(value)

    def render_severity(self, value, record):
        return record.get_severity_display()

    def value_severity(self, value, record):
        return record.get_severity_display()


class EvidenceBundleTable(tables.Table):
    phone_lead = "created_at"
    phone_hidden = ("purpose", "org")

    created_at = tables.Column(verbose_name=_("打印时间"))
    person = _PersonColumn(order_by=("person__name_pinyin",))
    purpose = tables.Column(verbose_name=_("用途"))
    created_by = tables.Column(verbose_name=_("打印人"), accessor="created_by__real_name")
    sha256 = tables.Column(verbose_name=_("校验码"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = EvidenceBundle
        fields = ("created_at", "person", "purpose", "created_by", "sha256", "org")
        attrs = ATTRS
        empty_text = _("还没有打印过证据材料。")

    def render_created_at(self, value, record):
        return _link("evidencebundle_detail", record.pk, _dt(value))

    def value_created_at(self, value):
        return _dt(value)

    def value_sha256(self, value):
        return value

    def render_sha256(self, value):
        return format_html('<span class="font-monospace small">{}…</span>', value[:16])
