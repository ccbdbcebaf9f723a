"""Tables of households, tags under review, visits, contacts and tag types.

As on the person list, names are shown in full on screen (the rows are already scoped) and
masked in the Excel export; addresses are always masked; visit narratives are never listed.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinguo.core.masking import mask_name

from .models import FocusTagType, Household, PersonTag, Visit

TABLE_ATTRS = {"class": "table table-vcenter card-table"}


def person_link(person):
    if person is None:
        return "—"
    return format_html(
        '<a href="{}">{}</a>', reverse("people:person_detail", args=[person.pk]), person.name
    )


def household_link(household):
    if household is None:
        return "—"
    return format_html('<a href="{}">{}</a>', household.get_absolute_url(), household.name)


def yes_no_badge(value, yes, no, yes_css="bg-green-lt", no_css="bg-secondary-lt"):
    return format_html(
        '<span class="badge {}">{}</span>', yes_css if value else no_css, yes if value else no
    )


class HouseholdTable(tables.Table):
    pk = tables.Column(verbose_name=_("编号"), attrs={"td": {"class": "text-secondary"}})
    name = tables.Column(verbose_name=_("户名"), linkify=True)
    head = tables.Column(verbose_name=_("户主"), accessor="head__name", order_by=("head__name",))
    address = tables.Column(verbose_name=_("住址"), orderable=False, empty_values=())
    member_count = tables.Column(verbose_name=_("成员"), orderable=False, empty_values=())
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = Household
        fields = ("pk", "name", "head", "address", "member_count", "org")
        attrs = TABLE_ATTRS

    def render_address(self, record):
        return record.masked_address or "—"

    def value_address(self, record):
        return record.masked_address

    def value_name(self, record):
        return mask_name(record.name)

    def value_head(self, value):
        return mask_name(value)

    def render_member_count(self, record):
        return getattr(record, "member_count", "")


class ReviewTable(tables.Table):
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


class VisitTable(tables.Table):
    visited_on = tables.DateColumn(
        verbose_name=_("走访日期"), linkify=("people:visit_detail", {"pk": tables.A("pk")})
    )
    target = tables.Column(verbose_name=_("对象"), accessor="pk", orderable=False)
    method = tables.Column(verbose_name=_("方式"))
    worker = tables.Column(
        verbose_name=_("走访人"), accessor="worker__real_name", order_by=("worker__real_name",)
    )
    follow_up_on = tables.Column(verbose_name=_("跟进"), empty_values=(), orderable=False)
    org = tables.Column(verbose_name=_("所属单位"), accessor="org__name", order_by=("org_path",))

    class Meta:
        model = Visit
        fields = ("visited_on", "target", "method", "worker", "follow_up_on", "org")
        attrs = TABLE_ATTRS

    def render_target(self, record):
        if record.person_id:
            return person_link(record.person)
        return household_link(record.household)

    def value_target(self, record):
        return mask_name((record.person or record.household).name)

    def render_follow_up_on(self, record):
        if not record.follow_up_needed:
            return "—"
        return format_html(
            '<span class="badge bg-orange-lt">{}</span> {}',
            _("需跟进"),
            record.follow_up_on.isoformat() if record.follow_up_on else "",
        )

    def value_follow_up_on(self, record):
        return record.follow_up_on.isoformat() if record.follow_up_on else ""


class ContactTable(tables.Table):
    """The unit-level view of assignments (rows are selectors.contacts.ContactRow)."""

    target = tables.Column(verbose_name=_("联系对象"), accessor="assignment", orderable=False)
    worker = tables.Column(
        verbose_name=_("联系人"), accessor="assignment__worker__real_name", orderable=False
    )
    last_visit = tables.DateColumn(verbose_name=_("上次走访"), orderable=False, default="—")
    next_due = tables.Column(verbose_name=_("应走访日期"), orderable=False)
    org = tables.Column(
        verbose_name=_("所属单位"), accessor="assignment__org__name", orderable=False
    )
    actions = tables.TemplateColumn(
        template_name="people/partials/contact_row_actions.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        attrs = TABLE_ATTRS
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}

    def render_target(self, value):
        return person_link(value.person) if value.person_id else household_link(value.household)

    def value_target(self, value):
        return mask_name((value.person or value.household).name)

    def render_next_due(self, value, record):
        if record.is_overdue:
            return format_html(
                '{} <span class="badge bg-red-lt">{}</span>',
                value.isoformat(),
                _("逾期 %(n)d 天") % {"n": record.days_overdue},
            )
        return value.isoformat()

    def value_next_due(self, value):
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
