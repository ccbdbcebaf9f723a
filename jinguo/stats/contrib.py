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
registry.job("stats.drain", _("统计汇总更新"), maintenance.drain_job, every_minutes=1, describe=str)
