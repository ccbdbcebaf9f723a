"""The audit trail as a table: on screen and in the Excel export."""

from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .audit import action_label
from .models import AuditEvent, AuditKind
from .units import unit_names

SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND_BADGES = {
    AuditKind.CHANGE: "bg-blue-lt",
    AuditKind.ACCESS: "bg-green-lt",
    AuditKind.SECURITY: "bg-orange-lt",
}


# Models of libraries, whose own names are English.
LIBRARY_TYPE_LABELS = {
    "django_tasks_database.dbtaskresult": _("后台任务"),
    "auth.permission": _("权限"),
    "authtoken.token": _("接口令牌"),
    "contenttypes.contenttype": _("数据类型"),
    "sessions.session": _("登录会话"),
}


def type_label(object_type: str) -> str:
    """The model's Chinese name for ``app.model``, or the raw type if it is not installed."""
    if object_type in LIBRARY_TYPE_LABELS:
        return str(LIBRARY_TYPE_LABELS[object_type])
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def person_label(event) -> str:
    """The acting person's name with her login name, e.g. 李芳（chair_fangcao）."""
    user = event.user if event.user_id else None
    real_name = getattr(user, "real_name", "") if user is not None else ""
    if real_name and real_name != event.username:
        return f"{real_name}（{event.username}）"
    return event.username


def local_time(value) -> str:
    return timezone.localtime(value, SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if value else ""


class AuditEventTable(tables.Table):
    created_at = tables.Column(verbose_name=_("时间（北京时间）"), order_by=("id",))
    kind = tables.Column(
        verbose_name=_("类别"), orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )
    action = tables.Column(
        verbose_name=_("操作"), orderable=False, attrs={"td": {"class": "text-nowrap"}}
    )
    username = tables.Column(verbose_name=_("用户"), orderable=False, empty_values=())
    ip = tables.Column(verbose_name=_("IP 地址"), orderable=False)
    object_repr = tables.Column(verbose_name=_("对象"), orderable=False, empty_values=())
    # Shown on the detail page; exported so a spreadsheet row stands on its own.
    user_org_path = tables.Column(verbose_name=_("用户单位"), visible=False)
    object_type = tables.Column(verbose_name=_("对象类型"), visible=False)
    object_id = tables.Column(verbose_name=_("对象编号"), visible=False)
    object_org_path = tables.Column(verbose_name=_("对象单位路径"), visible=False)
    request_id = tables.Column(verbose_name=_("请求编号"), visible=False)
    event_id = tables.Column(verbose_name=_("记录号"), accessor="pk", visible=False)
    link = tables.Column(
        verbose_name="",
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end text-nowrap"}},
    )

    class Meta:
        model = AuditEvent
        fields = ()
        order_by = ("-created_at",)
        attrs = {"class": "table table-vcenter card-table table-striped"}
        row_attrs = {"data-audit-id": lambda record: record.pk}
        empty_text = _("没有符合条件的审计记录。")

    def render_created_at(self, value):
        return format_html('<span class="text-nowrap">{}</span>', local_time(value))

    def value_created_at(self, value):
        return local_time(value)

    def render_kind(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            KIND_BADGES.get(record.kind, "bg-secondary-lt"),
            record.get_kind_display(),
        )

    def value_kind(self, record):
        return str(record.get_kind_display())

    def render_action(self, value):
        return action_label(value)

    def value_action(self, value):
        return action_label(value)

    def unit_name(self, path: str) -> str:
        # One look-up per page (or export) for all its paths, not one per row.
        if not hasattr(self, "_unit_names"):
            self._unit_names = unit_names(
                {row.record.user_org_path for row in self.page.object_list}
                if getattr(self, "page", None)
                else set(self.data.data.values_list("user_org_path", flat=True).distinct())
            )
        if path not in self._unit_names:
            self._unit_names.update(unit_names([path]))
        return self._unit_names.get(path) or path

    def render_username(self, record):
        if not record.username:
            return format_html('<span class="text-secondary">{}</span>', _("系统"))
        return format_html(
            '{}<div class="small text-secondary">{}</div>',
            person_label(record),
            self.unit_name(record.user_org_path) if record.user_org_path else "",
        )

    def value_username(self, record):
        return person_label(record) if record.username else str(_("系统"))

    def value_user_org_path(self, record):
        if not record.user_org_path:
            return ""
        return f"{self.unit_name(record.user_org_path)}（{record.user_org_path}）"

    def render_object_repr(self, record):
        if not record.object_type:
            return "—"
        label = type_label(record.object_type)
        if not record.object_id:
            return format_html(
                '{}<div class="small text-secondary">{}</div>', label, record.object_type
            )
        return format_html(
            '{}<div class="small text-secondary">{} #{}</div>',
            record.object_repr or label,
            label,
            record.object_id,
        )

    def value_object_repr(self, record):
        return record.object_repr

    def render_link(self, value):
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            reverse("core:audit_detail", args=[value]),
            _("详情"),
        )
