"""Tables of the volunteers and councils lists (on screen and in the Excel exports)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Activity, CarePairing, Council, Resolution, Team, Volunteer
from .selectors import shown_name

ATTRS = {"class": "table table-vcenter card-table"}
UNIT = {"accessor": "org__name", "order_by": ("org_path",)}


class LinkMixin:
    def link(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)


class TeamTable(LinkMixin, tables.Table):
    name = tables.Column(verbose_name=_("队伍名称"))
    org = tables.Column(verbose_name=_("所属单位"), **UNIT)
    purpose = tables.Column(verbose_name=_("服务内容"), default="—")
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Team
        fields = ("name", "org", "purpose", "id")
        attrs = ATTRS
        empty_text = _("还没有志愿服务队。")

    def render_name(self, value, record):
        return self.link(record, value)


class VolunteerTable(LinkMixin, tables.Table):
    person = tables.Column(
        verbose_name=_("姓名"), accessor="person__name", order_by=("person__name_pinyin",)
    )
    team = tables.Column(verbose_name=_("服务队"), accessor="team__name")
    skills = tables.Column(verbose_name=_("特长技能"), default="—")
    status = tables.Column(verbose_name=_("状态"))
    registered_on = tables.Column(verbose_name=_("登记日期"))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Volunteer
        fields = ("person", "team", "skills", "status", "registered_on", "id")
        attrs = ATTRS
        empty_text = _("还没有登记志愿者。")

    def render_person(self, value, record):
        return self.link(record, shown_name(record, record.person))


class ActivityTable(LinkMixin, tables.Table):
    title = tables.Column(verbose_name=_("活动名称"))
    held_on = tables.Column(verbose_name=_("活动日期"))
    team = tables.Column(verbose_name=_("服务队"), accessor="team__name")
    place = tables.Column(verbose_name=_("地点"), default="—")
    capacity = tables.Column(verbose_name=_("名额"))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Activity
        fields = ("title", "held_on", "team", "place", "capacity", "id")
        attrs = ATTRS
        empty_text = _("还没有志愿服务活动。")

    def render_title(self, value, record):
        if record.is_cancelled:
            return format_html(
                '{} <span class="badge bg-secondary-lt">{}</span>', self.link(record, value),
                _("已取消"),
            )  # fmt: skip
        return self.link(record, value)


class CarePairingTable(tables.Table):
    volunteer = tables.Column(verbose_name=_("爱心妈妈"), accessor="volunteer__person__name")
    child = tables.Column(verbose_name=_("结对儿童"), accessor="child__name")
    since = tables.Column(verbose_name=_("结对日期"))
    note = tables.Column(verbose_name=_("帮扶内容"), default="—")
    org = tables.Column(verbose_name=_("单位"), **UNIT)
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = CarePairing
        fields = ("volunteer", "child", "since", "note", "org", "id")
        attrs = ATTRS
        empty_text = _("还没有爱心妈妈结对。")

    def render_volunteer(self, value, record):
        return shown_name(record, record.volunteer.person)


class CouncilTable(LinkMixin, tables.Table):
    name = tables.Column(verbose_name=_("名称"))
    org = tables.Column(verbose_name=_("村（社区）"), **UNIT)
    founded_on = tables.Column(verbose_name=_("成立日期"), default="—")
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Council
        fields = ("name", "org", "founded_on", "id")
        attrs = ATTRS
        empty_text = _("还没有妇女议事会。")

    def render_name(self, value, record):
        return self.link(record, value)


class ResolutionTable(LinkMixin, tables.Table):
    text = tables.Column(verbose_name=_("议定事项"))
    council = tables.Column(verbose_name=_("议事会"), accessor="meeting__council__name")
    responsible = tables.Column(verbose_name=_("落实责任人"))
    due_on = tables.Column(verbose_name=_("完成时限"))
    status = tables.Column(verbose_name=_("状态"))
    id = tables.Column(verbose_name=_("编号"))

    class Meta:
        model = Resolution
        fields = ("text", "council", "responsible", "due_on", "status", "id")
        attrs = ATTRS
        empty_text = _("没有议定事项。")

    def render_text(self, value, record):
        return self.link(record, value)

    def render_due_on(self, value, record):
        if record.is_overdue:
            return format_html(
                '{} <span class="badge bg-red text-red-fg">{}</span>', value, _("逾期")
            )
        return value

    def value_due_on(self, value, record):
        return value
