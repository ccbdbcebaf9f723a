"""Tables of the tags under review and of the tag types."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from ..models import FocusTagType, PersonTag
from .common import TABLE_ATTRS, person_link, yes_no_badge


class ReviewTable(tables.Table):
    # At a phone's width (core/table.html): the cell that heads each row, the cells left out.
    phone_lead = "person"
    phone_hidden = ("responsible", "last_reviewed_on", "org")

    person = tables.Column(verbose_name=_("人员"), accessor="person", order_by=("person__name",))
    tag_type = tables.Column(verbose_name=_("关注类型"), accessor="tag_type__name")
    responsible = tables.Column(
        verbose_name=_("责任人"), accessor="responsible__real_name", default="—"
    )
    last_reviewed_on = tables.DateColumn(verbose_name=_("上次复核"), default="—")
    next_review_on = tables.DateColumn(verbose_name=_("下次复核"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))
    actions = tables.TemplateColumn(
        template_name="people/partials/tag_row_actions.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = PersonTag
        fields = ("person", "tag_type", "responsible", "last_reviewed_on", "next_review_on", "org")
        attrs = TABLE_ATTRS
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}

    def render_person(self, value):
        return person_link(value)

    def value_person(self, value):
        return mask_name(value.name)

    def render_next_review_on(self, value, record):
        today = timezone.localdate()
        if value < today:
            return format_html(
                '{} <span class="badge bg-red-lt">{}</span>',
                value.isoformat(),
                _("逾期 %(n)d 天") % {"n": (today - value).days},
            )
        return format_html(
            '{} <span class="badge bg-yellow-lt">{}</span>',
            value.isoformat(),
            _("%(n)d 天后") % {"n": (value - today).days} if value > today else _("今天"),
        )

    def value_next_review_on(self, value):
        return value.isoformat()


class FocusTagTypeTable(tables.Table):
    name = tables.Column(verbose_name=_("名称"))
    code = tables.Column(verbose_name=_("代码"), attrs={"td": {"class": "font-monospace"}})
    review_days = tables.Column(verbose_name=_("复核周期（天）"))
    sensitive = tables.Column(verbose_name=_("敏感"))
    is_builtin = tables.Column(verbose_name=_("来源"))
    is_active = tables.Column(verbose_name=_("状态"))
    actions = tables.TemplateColumn(
        template_name="people/partials/tagtype_row_actions.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = FocusTagType
        fields = ("name", "code", "review_days", "sensitive", "is_builtin", "is_active")
        attrs = TABLE_ATTRS

    def render_sensitive(self, value):
        return yes_no_badge(value, _("敏感"), _("否"), yes_css="bg-red-lt")

    def render_is_builtin(self, value):
        return yes_no_badge(value, _("系统内置"), _("本级新增"), yes_css="bg-azure-lt")

    def render_is_active(self, value):
        return yes_no_badge(value, _("启用"), _("停用"))
