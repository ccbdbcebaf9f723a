"""Tables of the configuration pages: deadline policies and the category tree."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Category, DeadlinePolicy

ATTRS = {"class": "table table-vcenter card-table"}


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
            '<a href="{}">{}</a>{}', reverse("cases:policy_update", args=[record.pk]), value, badge
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
