"""Tables of the cadres lists (on screen and in the Excel exports)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ContactPoint, Election, Pairing, Position, Qualification, Training

ATTRS = {"class": "table table-vcenter card-table"}


class PositionTable(tables.Table):
    phone_lead = "person"
    phone_hidden = ("org", "employment", "ended_on", "education")

    person = tables.Column(
        verbose_name=_("姓名"), accessor="person__name", order_by=("person__name_pinyin",)
    )
    position_type = tables.Column(
        verbose_name=_("职务"), accessor="position_type__name", order_by=("position_type__sort",)
    )
    employment = tables.Column(verbose_name=_("专兼职"), default="")
    org = tables.Column(verbose_name=_("单位"), accessor="org__name", order_by=("org_path",))
    gender = tables.Column(
        verbose_name=_("性别"), accessor="person__get_gender_display", orderable=False
    )
    birth_year = tables.Column(
        verbose_name=_("出生年份"), accessor="person__birth_date", order_by=("person__birth_date",)
    )
    education = tables.Column(
        verbose_name=_("文化程度"), accessor="person__get_education_display", orderable=False
    )
    started_on = tables.Column(verbose_name=_("任职日期"))
    ended_on = tables.Column(verbose_name=_("离任日期"), default="")
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Position
        fields = ("person", "position_type", "employment", "org", "gender", "birth_year",
                  "education", "started_on", "ended_on", "id")  # fmt: skip
        attrs = ATTRS
        row_attrs = {"data-position": lambda record: record.pk}
        empty_text = _("没有符合条件的任职记录。")

    def render_person(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_employment(self, value, record):
        return record.get_employment_display()

    def value_employment(self, value, record):
        return record.get_employment_display()

    def render_birth_year(self, value):
        return value.year if value else "—"

    def value_birth_year(self, value):
        return value.year if value else ""


class ElectionTable(tables.Table):
    held_on = tables.Column(verbose_name=_("选举日期"))
    org = tables.Column(verbose_name=_("单位"), accessor="org__name", order_by=("org_path",))
    method = tables.Column(verbose_name=_("选举方式"))
    term_starts_on = tables.Column(verbose_name=_("任期开始"))
    status = tables.Column(verbose_name=_("状态"))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Election
        fields = ("held_on", "org", "method", "term_starts_on", "status", "id")
        attrs = ATTRS
        empty_text = _("还没有换届选举记录。")

    def render_held_on(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)


class ContactPointTable(tables.Table):
    phone_lead = "place"
    phone_hidden = ("org", "visit_every_days", "id")

    place = tables.Column(
        verbose_name=_("联系点"), accessor="place__name", order_by=("place__path",)
    )
    cadre = tables.Column(verbose_name=_("负责干部"), accessor="cadre_name", orderable=False)
    visit_every_days = tables.Column(verbose_name=_("频次（天）"))
    last_visited_on = tables.Column(verbose_name=_("最近走访"), default="—")
    next_due_on = tables.Column(verbose_name=_("下次应走访"))
    org = tables.Column(verbose_name=_("负责单位"), accessor="org__name", order_by=("org_path",))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = ContactPoint
        fields = (
            "place",
            "cadre",
            "visit_every_days",
            "last_visited_on",
            "next_due_on",
            "org",
            "id",
        )
        attrs = ATTRS
        row_attrs = {"data-point": lambda record: record.pk}
        empty_text = _("没有符合条件的联系点。")

    def render_place(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_next_due_on(self, value, record):
        if record.ended_on:
            return format_html(
                '<span class="badge bg-secondary-lt">{}</span>',
                _("已于 %(d)s 结束") % {"d": record.ended_on.isoformat()},
            )
        if record.is_overdue:
            return format_html(
                '<span class="badge bg-red text-red-fg">{} · {}</span>',
                value,
                _("逾期 %(n)d 天") % {"n": record.days_overdue},
            )
        return value

    def value_next_due_on(self, value):
        return value


class PairingTable(tables.Table):
    cadre = tables.Column(verbose_name=_("干部"), accessor="cadre__name")
    woman = tables.Column(verbose_name=_("联系的妇女"), accessor="woman__name", default="—")
    household = tables.Column(verbose_name=_("联系的家庭"), accessor="household__name", default="—")
    year = tables.Column(verbose_name=_("年度"))
    contacts = tables.Column(verbose_name=_("本年联系次数"))
    last_contact_on = tables.Column(verbose_name=_("最近联系"), default="—")
    org = tables.Column(verbose_name=_("单位"), accessor="org__name", order_by=("org_path",))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Pairing
        fields = ("cadre", "woman", "household", "year", "contacts", "last_contact_on", "org", "id")
        attrs = ATTRS
        empty_text = _("还没有结对记录。")

    def render_cadre(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("cadres:pairing_contact", args=[record.pk]), value
        )


class TrainingTable(tables.Table):
    topic = tables.Column(verbose_name=_("培训主题"))
    kind = tables.Column(verbose_name=_("类别"))
    starts_on = tables.Column(verbose_name=_("开始日期"))
    ends_on = tables.Column(verbose_name=_("结束日期"))
    hours = tables.Column(verbose_name=_("学时"))
    org = tables.Column(verbose_name=_("组织单位"), accessor="org__name", order_by=("org_path",))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Training
        fields = ("topic", "kind", "starts_on", "ends_on", "hours", "org", "id")
        attrs = ATTRS
        empty_text = _("还没有培训记录。")

    def render_topic(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)


class QualificationTable(tables.Table):
    person = tables.Column(verbose_name=_("持证人"), accessor="person__name")
    kind = tables.Column(verbose_name=_("资格类别"))
    number = tables.Column(verbose_name=_("证书编号"), default="—")
    issued_on = tables.Column(verbose_name=_("发证日期"), default="—")
    expires_on = tables.Column(verbose_name=_("有效期至"), default="—")
    org = tables.Column(verbose_name=_("单位"), accessor="org__name", order_by=("org_path",))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Qualification
        fields = ("person", "kind", "number", "issued_on", "expires_on", "org", "id")
        attrs = ATTRS
        empty_text = _("没有符合条件的资格证书。")
