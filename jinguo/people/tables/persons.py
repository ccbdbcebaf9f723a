"""The person table of the list page and of its Excel export.

On screen the name is shown in full (workers in scope must recognise whom they look after) and
ID number, phone and address masked. The export masks the name too, and shows everything
masked unless the user holds ``core.export_pii``.
"""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..models import Person


def tag_badges(tags) -> str:
    return format_html_join(
        " ",
        '<span class="badge {}">{}</span>',
        (("bg-red-lt" if t.is_overdue else "bg-azure-lt", t.tag_type.name) for t in tags),
    )


class PersonTable(tables.Table):
    # At a phone's width (core/table.html): the cell that heads each row, the cells left out.
    phone_lead = "name"
    phone_hidden = ("pk", "gender", "id_number", "address", "org", "living_situation")

    pk = tables.Column(
        verbose_name=_("编号"), attrs={"td": {"class": "text-nowrap text-secondary"}}
    )
    name = tables.Column(verbose_name=_("姓名"), linkify=True, order_by=("name_pinyin", "id"))
    gender = tables.Column(verbose_name=_("性别"))
    age = tables.Column(
        verbose_name=_("年龄"), accessor="birth_date", order_by=("-birth_date", "id")
    )
    id_number = tables.Column(
        verbose_name=_("证件号码"), accessor="id_number", orderable=False, empty_values=()
    )
    phone = tables.Column(
        verbose_name=_("手机号"), accessor="phone", orderable=False, empty_values=()
    )
    address = tables.Column(
        verbose_name=_("现住址"),
        accessor="address",
        orderable=False,
        empty_values=(),
    )
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))
    tags = tables.Column(
        verbose_name=_("关注标签"), accessor="pk", orderable=False, empty_values=()
    )
    living_situation = tables.Column(verbose_name=_("居住状况"))

    class Meta:
        model = Person
        fields = ("pk", "name", "gender", "age", "id_number", "phone", "org", "tags")
        sequence = (
            "pk",
            "name",
            "gender",
            "age",
            "id_number",
            "phone",
            "address",
            "org",
            "living_situation",
            "tags",
        )
        attrs = {"class": "table table-vcenter card-table"}
        empty_text = _("没有符合条件的人员档案。")

    def __init__(self, *args, export_pii: bool = False, for_export: bool = False, **kwargs):
        self.export_pii = export_pii
        self.for_export = for_export
        super().__init__(*args, **kwargs)
        if not for_export:
            self.columns.hide("address")

    def render_pk(self, value):
        return f"#{value}"

    def value_pk(self, value):
        return value

    def render_name(self, value, record):
        badge = ""
        if record.is_sensitive:
            badge = format_html(' <span class="badge bg-orange-lt">{}</span>', _("敏感"))
        if not record.is_active:
            badge += format_html(' <span class="badge bg-secondary-lt">{}</span>', _("停用"))
        return format_html("{}{}", value, badge)

    def value_name(self, value, record):
        return record.name if self.export_pii else record.masked_name

    def render_gender(self, value, record):
        return record.get_gender_display()

    def render_age(self, value, record):
        return record.age()

    def value_age(self, value, record):
        return record.age()

    def render_id_number(self, value, record):
        return format_html('<span class="font-monospace">{}</span>', record.masked_id_number or "—")

    def value_id_number(self, value, record):
        return record.id_number if self.export_pii else record.masked_id_number

    def render_phone(self, value, record):
        return format_html('<span class="font-monospace">{}</span>', record.masked_phone or "—")

    def value_phone(self, value, record):
        return record.phone if self.export_pii else record.masked_phone

    def render_address(self, value, record):
        return record.masked_address or "—"

    def value_address(self, value, record):
        return record.address if self.export_pii else record.masked_address

    def render_tags(self, value, record):
        return tag_badges(getattr(record, "active_tags", ())) or "—"

    def value_tags(self, value, record):
        return "、".join(t.tag_type.name for t in getattr(record, "active_tags", ()))

    def render_living_situation(self, value, record):
        return record.get_living_situation_display()
