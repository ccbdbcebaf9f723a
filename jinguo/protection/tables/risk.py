"""The assessment table of the 风险评估 and 风险人员 lists and their Excel export.

As on the person list, the name is shown in full on screen (the rows are scoped and the worker
must know whom she protects); the export masks it, and never holds answers or reasons.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from ..choices import RiskLevel
from ..models import RiskAssessment

LEVEL_BADGES = {
    RiskLevel.HIGH: "bg-red text-red-fg",
    RiskLevel.MEDIUM: "bg-orange text-orange-fg",
    RiskLevel.STANDARD: "bg-green-lt",
}


def level_badge(level: str, label) -> str:
    return format_html(
        '<span class="badge {}" data-level="{}">{}</span>',
        LEVEL_BADGES.get(level, "bg-secondary-lt"),
        level,
        label,
    )


class RiskAssessmentTable(tables.Table):
    # At a phone's width (core/table.html): the cell that heads each row, the cells left out.
    phone_lead = "person"
    phone_hidden = ("score", "case", "assessed_by", "org")

    person = tables.Column(
        verbose_name=_("当事人"), accessor="person__name", order_by=("person__name_pinyin", "pk")
    )
    level = tables.Column(verbose_name=_("风险等级"), order_by=("level_rank", "assessed_at"))
    score = tables.Column(verbose_name=_("得分"))
    assessed_at = tables.Column(verbose_name=_("评估时间"))
    next_review_on = tables.Column(verbose_name=_("下次评估"), default="—")
    case = tables.Column(
        verbose_name=_("关联个案"), accessor="case__number", order_by=("case__number",), default="—"
    )
    assessed_by = tables.Column(
        verbose_name=_("评估人"), accessor="assessed_by__real_name", orderable=False
    )
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = RiskAssessment
        fields = ()
        sequence = (
            "person",
            "level",
            "score",
            "assessed_at",
            "next_review_on",
            "case",
            "assessed_by",
            "org",
        )
        order_by = ("-assessed_at",)
        attrs = {"class": "table table-vcenter card-table"}
        row_attrs = {"data-assessment": lambda record: record.pk}
        empty_text = _("没有符合条件的风险评估。")

    def render_person(self, value, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("protection:riskassessment_history", args=[record.person_id]),
            value,
        )

    def value_person(self, value):
        return mask_name(value)

    def render_level(self, value, record):
        badge = level_badge(record.level, record.get_level_display())
        if record.judged_level:
            return format_html(
                '{} <span class="text-secondary small">{}</span>', badge, _("（专业判断）")
            )
        return badge

    def value_level(self, value, record):
        return str(record.get_level_display())

    def render_score(self, value):
        return f"{value.normalize():f}"

    def value_score(self, value):
        return f"{value.normalize():f}"

    def render_assessed_at(self, value, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("protection:riskassessment_detail", args=[record.pk]),
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M"),
        )

    def value_assessed_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_next_review_on(self, value):
        text = value.strftime("%Y-%m-%d")
        if value < timezone.localdate():
            return format_html('<span class="text-danger fw-bold">{} {}</span>', text, _("已过期"))
        return text

    def value_next_review_on(self, value):
        return value.strftime("%Y-%m-%d") if value else ""
