"""Tables of the shelter concern (lists and their Excel exports). The shelter's address is
written only for those who may locate it; everyone else reads the same masked sentence in
the page and in the export."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..forms.shelter import ADDRESS_HIDDEN
from ..models import MandatoryReport, Shelter, ShelterStay
from ..selectors.shelter import locatable_shelter_ids

ATTRS = {"class": "table table-vcenter card-table"}


def _link(url_name, pk, text):
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)


def occupancy_percent(record) -> int:
    if not record.beds:
        return 100 if record.occupied else 0
    return min(100, round(100 * record.occupied / record.beds))


class ShelterTable(tables.Table):
    phone_lead = "name"
    phone_hidden = ("org", "rooms", "address")

    name = tables.Column(verbose_name=_("名称"))
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))
    rooms = tables.Column(verbose_name=_("房间数"))
    beds = tables.Column(verbose_name=_("床位数"))
    occupied = tables.Column(verbose_name=_("在住人数"), order_by=("occupied",))
    free_beds = tables.Column(verbose_name=_("空床位"), order_by=("free_beds",))
    address = tables.Column(verbose_name=_("地址"), orderable=False, empty_values=())
    is_active = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Shelter
        fields = ("name", "org", "rooms", "beds", "occupied", "free_beds", "address", "is_active")
        attrs = ATTRS
        empty_text = _("没有符合条件的庇护场所。")

    def __init__(self, *args, request=None, **kwargs):
        self.viewer = getattr(request, "user", None)
        super().__init__(*args, request=request, **kwargs)

    def _address(self, record) -> str:
        if record.pk in locatable_shelter_ids(self.viewer):
            return record.address
        return str(ADDRESS_HIDDEN)

    def render_name(self, value, record):
        return _link("protection:shelter_detail", record.pk, value)

    def value_name(self, value):
        return value

    def render_occupied(self, value, record):
        percent = occupancy_percent(record)
        tone = "bg-red" if percent >= 100 else "bg-orange" if percent >= 85 else "bg-green"
        return format_html(
            '<div class="d-flex align-items-center gap-2" data-testid="occupancy">'
            '<span class="text-nowrap">{} / {}</span>'
            '<div class="progress progress-sm flex-fill" style="min-width:4rem" role="progressbar" '
            'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
            '<div class="progress-bar {}" style="width: {}%"></div></div></div>',
            value,
            record.beds,
            percent,
            tone,
            percent,
        )

    def value_occupied(self, value):
        return value

    def render_free_beds(self, value, record):
        if value < 0:
            return format_html(
                '<span class="badge bg-red text-white">{} {}</span>', _("超员"), -value
            )
        return value

    def value_free_beds(self, value):
        return value

    def render_address(self, record):
        if record.pk in locatable_shelter_ids(self.viewer):
            return record.address
        return format_html('<span class="text-secondary small">{}</span>', ADDRESS_HIDDEN)

    def value_address(self, record):
        return self._address(record)

    def render_is_active(self, value):
        return _("启用") if value else _("停用")

    def value_is_active(self, value):
        return str(_("启用") if value else _("停用"))


class StayTable(tables.Table):
    phone_lead = "admitted_at"
    phone_hidden = ("org", "reason")

    admitted_at = tables.Column(verbose_name=_("入住时间"))
    person = tables.Column(verbose_name=_("当事人"), accessor="person__name", orderable=False)
    shelter = tables.Column(verbose_name=_("庇护场所"), accessor="shelter__name")
    children = tables.Column(verbose_name=_("随住子女"), empty_values=(), orderable=False)
    planned_leave_on = tables.Column(verbose_name=_("计划离开"))
    left_at = tables.Column(verbose_name=_("状态"), empty_values=())
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = ShelterStay
        fields = (
            "admitted_at",
            "person",
            "shelter",
            "children",
            "planned_leave_on",
            "left_at",
            "org",
        )
        attrs = ATTRS
        empty_text = _("没有符合条件的入住记录。")
        row_attrs = {
            "class": lambda record: (
                "table-danger"
                if record.left_at is None and record.planned_leave_on < timezone.localdate()
                else ""
            )
        }

    def render_admitted_at(self, value, record):
        return _link(
            "protection:shelterstay_detail",
            record.pk,
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M"),
        )

    def value_admitted_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_person(self, record):
        return record.person.masked_name

    def value_person(self, record):
        return record.person.masked_name

    def render_children(self, record):
        return len(record.children.all())

    def value_children(self, record):
        return len(record.children.all())

    def render_left_at(self, value, record):
        if value is not None:
            return format_html(
                '<span class="badge bg-secondary-lt">{} {}</span>',
                _("已离开"),
                timezone.localtime(value).strftime("%Y-%m-%d"),
            )
        if record.planned_leave_on < timezone.localdate():
            days = (timezone.localdate() - record.planned_leave_on).days
            return format_html(
                '<span class="badge bg-red text-white">{}</span>',
                _("超期入住 %(d)s 天") % {"d": days},
            )
        return format_html('<span class="badge bg-green-lt">{}</span>', _("在住"))

    def value_left_at(self, value, record):
        if value is not None:
            return str(_("已离开"))
        if record.planned_leave_on < timezone.localdate():
            return str(_("超期入住"))
        return str(_("在住"))


class ReportTable(tables.Table):
    """Never a column of the reporter's identity: not on the page, not in the export."""

    phone_lead = "reported_at"
    phone_hidden = ("org", "handled_by")

    reported_at = tables.Column(verbose_name=_("报告时间"))
    reporter_kind = tables.Column(verbose_name=_("报告单位类型"))
    victim_is_minor = tables.Column(verbose_name=_("对象"), empty_values=())
    status = tables.Column(verbose_name=_("处理状态"))
    case = tables.Column(verbose_name=_("对应个案"), accessor="case__number")
    org = tables.Column(verbose_name=_("受理单位"), accessor="org__name", order_by=("org_path",))
    handled_by = tables.Column(verbose_name=_("处理人"), accessor="handled_by__real_name")

    class Meta:
        model = MandatoryReport
        fields = (
            "reported_at",
            "reporter_kind",
            "victim_is_minor",
            "status",
            "case",
            "org",
            "handled_by",
        )
        attrs = ATTRS
        empty_text = _("没有符合条件的强制报告。")

    def render_reported_at(self, value, record):
        return _link(
            "protection:mandatoryreport_detail",
            record.pk,
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M"),
        )

    def value_reported_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_reporter_kind(self, record):
        return record.get_reporter_kind_display()

    def value_reporter_kind(self, record):
        return str(record.get_reporter_kind_display())

    def _who(self, record):
        parts = []
        if record.victim_is_minor:
            parts.append(str(_("未成年人")))
        if record.lacks_capacity:
            parts.append(str(_("无/限制民事行为能力人")))
        return "、".join(parts)

    def render_victim_is_minor(self, record):
        return self._who(record)

    def value_victim_is_minor(self, record):
        return self._who(record)

    def render_status(self, record):
        css = {
            choices.ReportStatus.NEW: "bg-orange text-white",
            choices.ReportStatus.CASE: "bg-green-lt",
        }.get(record.status, "bg-secondary-lt")
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())

    def value_status(self, record):
        return str(record.get_status_display())
