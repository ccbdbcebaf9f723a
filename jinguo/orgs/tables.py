import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit


def kind_badge(record) -> str:
    return format_html(
        '<span class="badge bg-{}-lt">{}</span>', record.kind_badge, record.get_kind_display()
    )


def active_badge(value) -> str:
    if value:
        return format_html('<span class="badge bg-green-lt">{}</span>', _("启用"))
    return format_html('<span class="badge bg-secondary-lt">{}</span>', _("停用"))


class OrgUnitTable(tables.Table):
    code = tables.Column(
        verbose_name=_("代码"), attrs={"td": {"class": "text-nowrap font-monospace"}}
    )
    name = tables.Column(verbose_name=_("名称"), linkify=True, order_by=("name",))
    kind = tables.Column(verbose_name=_("类型"))
    level = tables.Column(verbose_name=_("层级"), attrs={"td": {"class": "text-center"}})
    parent = tables.Column(
        verbose_name=_("上级单位"), accessor="parent__name", order_by=("parent__path",)
    )
    is_active = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = OrgUnit
        fields = ("code", "name", "kind", "level", "parent", "is_active")
        attrs = {"class": "table table-vcenter card-table"}

    def render_kind(self, value, record):
        return kind_badge(record)

    def value_kind(self, value, record):
        return record.get_kind_display()

    def render_is_active(self, value):
        return active_badge(value)

    def value_is_active(self, value):
        return _("启用") if value else _("停用")


class OrgUnitChildTable(OrgUnitTable):
    """The children of one unit on its detail page (the parent column would repeat itself)."""

    child_count = tables.Column(
        verbose_name=_("下级单位"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )

    class Meta(OrgUnitTable.Meta):
        fields = ("code", "name", "kind", "child_count", "is_active")
        exclude = ("parent", "level")
        sequence = ("code", "name", "kind", "child_count", "is_active")
