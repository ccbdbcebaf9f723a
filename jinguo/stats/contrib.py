"""What the statistics app adds to the platform's shared places (see core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.core import registry

from . import maintenance, selectors
from .selectors import reports as report_selectors
from .services import reports as report_services


def sees_statistics(user) -> bool:
    return bool(selectors.visible_sources(user))


registry.menu_group("stats", _("统计分析"), order=50)
registry.menu_item(
    "stats", _("统计分析"), "stats:dashboard", "ti-chart-bar", visible=sees_statistics
)
registry.menu_item(
    "stats",
    _("报表上报"),
    "stats:report_list",
    "ti-report",
    permissions=("stats.view_report",),
    order=110,
)
registry.menu_item(
    "stats",
    _("报表设置"),
    "stats:reportform_list",
    "ti-table-options",
    permissions=("stats.view_reportform",),
    order=120,
)
# Count rows that fell to zero (a record moved on) are dropped once a day.
registry.job(
    "stats.purge", _("统计汇总清理"), maintenance.purge_job, every_minutes=24 * 60, describe=str
)
# Units past a report's deadline are reminded once per form and period.
registry.job(
    "stats.report_reminders",
    _("报表逾期催报"),
    report_services.remind_overdue,
    every_minutes=60,
    describe=lambda n: f"{n} units reminded",
)

# --- report forms --------------------------------------------------------------------------

FILL = [*crud("stats", "report"), "stats.submit_report"]
registry.role_grants("leader", [*FILL, "stats.review_report"])
registry.role_grants("rights_officer", FILL)
registry.role_grants("community_chair", FILL)
registry.role_grants(
    "sysadmin",
    [*crud("stats", "reportform", "indicator"), "stats.view_reportcell", "stats.change_reportcell"],
)
registry.audit_labels(
    {
        "report_start": _("开始填报报表"),
        "report_save": _("保存报表"),
        "report_recompute": _("重新计算报表"),
        "report_submit": _("上报报表"),
        "report_accept": _("报表审核通过"),
        "report_return": _("退回报表"),
        "report_correct": _("更正报表（新版本）"),
        "report_supersede": _("报表被新版本取代"),
        "reportcell_update": _("修改报表单元格"),
        "reportcell_create": _("设置报表单元格"),
        "report_prefill": _("任务数据填入报表"),
        "reportcell_delete": _("清除报表单元格"),
        "reportform_create": _("新建报表"),
        "reportform_update": _("修改报表基本信息"),
        "reportform_version": _("报表生成新版本"),
        "reportrow_save": _("保存报表行"),
        "reportrow_delete": _("删除报表行"),
        "reportcolumn_save": _("保存报表列"),
        "reportcolumn_delete": _("删除报表列"),
        "reportrule_create": _("添加报表校验规则"),
        "reportrule_delete": _("删除报表校验规则"),
    }
)


def review_panel(user):
    """The leader's panel: children's reports waiting for her, and who has not filed."""
    waiting = list(report_selectors.awaiting_review(user)[:10])
    missing = report_selectors.not_filed(user)
    if not waiting and not missing:
        return None
    return {"waiting": waiting, "missing": missing}


registry.home_panel(
    "stats.reports",
    "stats/reports/panels/review.html",
    context=review_panel,
    permissions=("stats.review_report",),
    order=25,
)
