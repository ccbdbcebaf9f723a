"""What the statistics app adds to the platform's shared places (see core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from jinguo.core import registry

from . import maintenance, selectors


def sees_statistics(user) -> bool:
    return bool(selectors.visible_sources(user))


registry.menu_group("stats", _("统计分析"), order=50)
registry.menu_item(
    "stats", _("统计分析"), "stats:dashboard", "ti-chart-bar", visible=sees_statistics
)
# Count rows that fell to zero (a record moved on) are dropped once a day.
registry.job(
    "stats.purge", _("统计汇总清理"), maintenance.purge_job, every_minutes=24 * 60, describe=str
)
