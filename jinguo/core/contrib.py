"""Core's own entries in the registry: the work menu, the system pages, its audit verbs."""

from django.utils.translation import gettext_lazy as _

from . import panels, registry
from .audit import CORE_ACTION_LABELS
from .chaincheck import scheduled_chain_check

registry.menu_group("work", _("工作"), order=10)
registry.menu_item("work", _("工作台"), "core:home", "ti-layout-dashboard", order=10)
registry.menu_item("work", _("消息通知"), "core:notification_list", "ti-bell", order=20)

registry.menu_group("admin", _("系统管理"), order=90)
registry.menu_item(
    "admin",
    _("审计日志"),
    "core:audit_list",
    "ti-file-search",
    permissions=("core.view_audit",),
    order=30,
)
registry.menu_item(
    "admin",
    _("节假日安排"),
    "core:calendar_list",
    "ti-calendar",
    permissions=("core.view_calendarday",),
    order=40,
)
registry.menu_item(
    "admin", _("接口文档"), "api-docs", "ti-api", permissions=("core.manage_users",), order=90
)

registry.audit_labels(CORE_ACTION_LABELS)

registry.home_panel(
    "core.audit",
    "core/panels/home_audit.html",
    context=panels.auditor_panel,
    order=10,
    permissions=("core.view_audit",),
)

# 等保 asks that the trail's integrity be checked regularly, not only when someone remembers.
registry.job("core.audit_chain", _("审计链校验"), scheduled_chain_check, every_minutes=24 * 60)
