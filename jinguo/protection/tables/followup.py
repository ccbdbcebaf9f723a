"""Tables of the follow-up concern's lists. No names in full: a person is shown masked."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from ..models import Alert, FollowUpPlan, ProtectiveVisit

ATTRS = {"class": "table table-vcenter card-table"}
LEVEL_CSS = {"red": "bg-red text-white", "orange": "bg-orange text-white", "yellow": "bg-yellow"}


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class AlertTable(tables.Table):
    phone_lead = "raised_at"
    phone_hidden = ("org", "assigned_to", "id")

    raised_at = tables.Column(verbose_name=_("预警时间"))
    # By severity, not by the codes' alphabet (orange < red < yellow).
    level = tables.Column(verbose_name=_("级别"), order_by=("level_rank", "-raised_at"))
    rule = tables.Column(verbose_name=_("规则"), accessor="rule__name", order_by=("rule__code",))
    summary = tables.Column(verbose_name=_("预警内容"), orderable=False)
    status = tables.Column(verbose_name=_("状态"))
    assigned_to = tables.Column(
        verbose_name=_("处置人"), accessor="assigned_to__real_name", default="—"
    )
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Alert
        fields = ("raised_at", "level", "rule", "summary", "status", "assigned_to", "org", "id")
        attrs = ATTRS
        row_attrs = {"data-alert": lambda record: record.pk}
        empty_text = _("没有符合条件的预警。")

    def render_raised_at(self, value, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("protection:alert_detail", args=[record.pk]),
            _when(value),
        )

    def value_raised_at(self, value):
        return _when(value)

    def render_level(self, value, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            LEVEL_CSS.get(value, ""),
            record.get_level_display(),
        )

    def value_level(self, value, record):
        return record.get_level_display()

    def render_status(self, value, record):
        return record.get_status_display()

    def value_status(self, value, record):
        return record.get_status_display()


class FollowUpPlanTable(tables.Table):
    phone_lead = "started_on"
    phone_hidden = ("org", "id")

    started_on = tables.Column(verbose_name=_("开始日期"))
    person = tables.Column(verbose_name=_("当事人"), accessor="person__name", orderable=False)
    case = tables.Column(verbose_name=_("个案编号"), accessor="case__number", default="—")
    status = tables.Column(verbose_name=_("状态"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = FollowUpPlan
        fields = ("started_on", "person", "case", "status", "org", "id")
        attrs = ATTRS
        row_attrs = {"data-plan": lambda record: record.pk}
        empty_text = _("没有符合条件的回访计划。")

    def render_started_on(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("protection:plan_detail", args=[record.pk]), value
        )

    def value_started_on(self, value):
        return str(value)

    def render_person(self, value):
        return mask_name(value)

    def value_person(self, value):
        return mask_name(value)

    def render_status(self, value, record):
        return record.get_status_display()

    def value_status(self, value, record):
        return record.get_status_display()


class ProtectiveVisitTable(tables.Table):
    phone_lead = "due_on"
    phone_hidden = ("mode", "org", "id")

    due_on = tables.Column(verbose_name=_("应回访日期"))
    person = tables.Column(verbose_name=_("当事人"), accessor="person__name", orderable=False)
    state = tables.Column(verbose_name=_("状态"))
    mode = tables.Column(verbose_name=_("回访方式"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = ProtectiveVisit
        fields = ("due_on", "person", "state", "mode", "org", "id")
        attrs = ATTRS
        row_attrs = {"data-visit": lambda record: record.pk}
        empty_text = _("没有符合条件的回访。")

    def render_due_on(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("protection:plan_detail", args=[record.plan_id]), value
        )

    def value_due_on(self, value):
        return str(value)

    def render_person(self, value):
        return mask_name(value)

    def value_person(self, value):
        return mask_name(value)

    def render_state(self, value, record):
        css = {"missed": "bg-red-lt", "unreachable": "bg-orange-lt", "done": "bg-green-lt"}
        return format_html(
            '<span class="badge {}">{}</span>',
            css.get(value, "bg-secondary-lt"),
            record.get_state_display(),
        )

    def value_state(self, value, record):
        return record.get_state_display()

    def render_mode(self, value, record):
        return record.get_mode_display()

    def value_mode(self, value, record):
        return record.get_mode_display()
