"""What the federation-tree app adds to the platform's shared places (core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from jinguo.core import registry

from .selectors import unit_kind_counts

registry.menu_group("orgs", _("组织体系"), order=40)
registry.menu_item(
    "orgs", _("组织树"), "orgs:orgunit_tree", "ti-sitemap", permissions=("orgs.view_orgunit",)
)
registry.menu_item(
    "orgs",
    _("单位列表"),
    "orgs:orgunit_list",
    "ti-building-community",
    permissions=("orgs.view_orgunit",),
)
registry.menu_item(
    "orgs",
    _("导入区划代码"),
    "orgs:orgunit_import",
    "ti-file-import",
    permissions=("orgs.import_orgunit",),
)


def units_total_panel(user) -> dict | None:
    kinds = unit_kind_counts(user)
    if kinds is None:
        return None
    return {"units_total": sum(row["count"] for row in kinds)}


def unit_kinds_panel(user) -> dict | None:
    kinds = unit_kind_counts(user)
    return {"unit_kinds": kinds} if kinds else None


# The figures about the tree come after the work (panels of lower order).
registry.home_panel(
    "orgs.units_total",
    "orgs/panels/home_units_total.html",
    context=units_total_panel,
    order=800,
    permissions=("orgs.view_orgunit",),
)
registry.home_panel(
    "orgs.unit_kinds",
    "orgs/panels/home_unit_kinds.html",
    context=unit_kinds_panel,
    order=900,
    permissions=("orgs.view_orgunit",),
)

registry.audit_labels({"move": _("调整隶属")})

registry.stats_source(
    "orgs.orgunit",
    _("组织单位"),
    model="orgs.OrgUnit",
    date_field="created_at",
    dimensions={"kind": _("类型"), "level": _("层级")},
    filters={"is_active": True},
)
