from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("省级妇联")
    CITY = "city", _("市级妇联")
    COUNTY = "county", _("县（区）级妇联")
    TOWNSHIP = "township", _("乡镇（街道）妇联")
    COMMUNITY = "community", _("村（社区）妇联")
    INDUSTRY = "industry", _("行业妇联")
    AREA = "area", _("区域妇联")
    ENTERPRISE = "enterprise", _("企业妇联")
    NEW_SECTOR = "new_sector", _("新领域妇联")
    GRID = "grid", _("网格")


TERRITORIAL_KINDS = [
    UnitKind.PROVINCE,
    UnitKind.CITY,
    UnitKind.COUNTY,
    UnitKind.TOWNSHIP,
    UnitKind.COMMUNITY,
]
# Statistical division code length of each territorial level.
CODE_LENGTH = {
    UnitKind.PROVINCE: 2,
    UnitKind.CITY: 4,
    UnitKind.COUNTY: 6,
    UnitKind.TOWNSHIP: 9,
    UnitKind.COMMUNITY: 12,
}
KIND_BY_CODE_LENGTH = {length: kind for kind, length in CODE_LENGTH.items()}
# Level of each territorial kind in the national hierarchy; a root of another kind is level 1.
LEVEL_BY_KIND = {
    UnitKind.PROVINCE: 1,
    UnitKind.CITY: 2,
    UnitKind.COUNTY: 3,
    UnitKind.TOWNSHIP: 4,
    UnitKind.COMMUNITY: 5,
}
# The kind a territorial unit's parent must have (a province has none).
TERRITORIAL_PARENT = {
    UnitKind.CITY: UnitKind.PROVINCE,
    UnitKind.COUNTY: UnitKind.CITY,
    UnitKind.TOWNSHIP: UnitKind.COUNTY,
    UnitKind.COMMUNITY: UnitKind.TOWNSHIP,
}
# Grids are drawn inside a community (or directly inside a township).
GRID_PARENTS = [UnitKind.COMMUNITY, UnitKind.TOWNSHIP]
# Badge colour (Tabler) per kind, for lists and the tree.
KIND_BADGE = {
    UnitKind.PROVINCE: "red",
    UnitKind.CITY: "pink",
    UnitKind.COUNTY: "purple",
    UnitKind.TOWNSHIP: "blue",
    UnitKind.COMMUNITY: "green",
    UnitKind.INDUSTRY: "orange",
    UnitKind.AREA: "yellow",
    UnitKind.ENTERPRISE: "cyan",
    UnitKind.NEW_SECTOR: "teal",
    UnitKind.GRID: "secondary",
}
