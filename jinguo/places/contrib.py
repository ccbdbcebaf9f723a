"""What the places app adds to the platform's shared places (see core/registry.py).

Roles (documented in the README):
- rights_officer (维权干部) and community_chair (社区妇联主席): places of their subtree — view,
  add, change, check against the standard, log activities, import from Excel.
- grid_worker (网格员): reads places and logs their activities.
- leader (妇联领导): reads places and coverage; reads the kinds.
- sysadmin (系统管理员): edits the kinds and their standards (the federation's policy); reads
  no place.
- Nobody reads a confidential place's address through a role: its staff do (and those who may
  locate the protection shelter it is linked to).
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.core import registry

from .selectors import attention_counts, unit_places

registry.menu_group("places", _("服务阵地"), order=35)
registry.menu_item(
    "places",
    _("阵地列表"),
    "places:place_list",
    "ti-building-community",
    permissions=("places.view_place",),
    order=1,
)
registry.menu_item(
    "places",
    _("阵地覆盖率"),
    "places:coverage",
    "ti-map-2",
    permissions=("places.view_place",),
    order=2,
)
registry.menu_item(
    "places",
    _("导入阵地"),
    "places:place_import",
    "ti-file-import",
    permissions=("places.import_place",),
    order=3,
)
registry.menu_item(
    "admin",
    _("阵地类型与标准"),
    "places:kind_list",
    "ti-checklist",
    permissions=("places.change_placekind",),
    order=72,
)


def _url(**query) -> str:
    return reverse("places:place_list") + "?" + urlencode(query)


def attention_panel(user) -> dict | None:
    """Places of her scope failing their standard, or not checked for a year."""
    if not user.has_perm("places.change_place"):
        return None
    counts = attention_counts(user)
    if not counts["failing"] and not counts["unchecked"]:
        return None
    return {
        "places_failing": counts["failing"],
        "places_unchecked": counts["unchecked"],
        "places_failing_url": _url(meets_standard="false"),
        "places_unchecked_url": _url(unchecked="on"),
    }


registry.home_panel(
    "places.attention",
    "places/panels/attention.html",
    context=attention_panel,
    order=40,
    permissions=("places.view_place",),
)


def unit_section(user, unit) -> dict | None:
    """服务阵地 on a unit's page: its own places (standard status, last check; no address, so
    a shelter's stays where only its staff see it), and the coverage of the level below."""
    found = unit_places(user, unit)
    if found is None:
        return None
    level = found["places_coverage"]["level"] if found["places_coverage"] else ""
    return {
        **found,
        "places_list_url": _url(unit=unit.pk),
        "places_coverage_url": reverse("places:coverage")
        + "?"
        + urlencode({"unit": unit.pk, "level": level}),
    }


registry.section(
    "orgs.orgunit",
    "places.unit",
    "places/sections/unit_places.html",
    context=unit_section,
    permissions=("places.view_place",),
    order=20,
)

_WORKER = [
    *crud("places", "place"),
    "places.check_place",
    "places.import_place",
    "places.view_placeactivity",
    "places.add_placeactivity",
    "places.view_placekind",
]
registry.role_grants("rights_officer", _WORKER)
registry.role_grants("community_chair", _WORKER)
registry.role_grants(
    "grid_worker", ["places.view_place", "places.view_placeactivity", "places.add_placeactivity"]
)
registry.role_grants("leader", ["places.view_place", "places.view_placekind"])
registry.role_grants("sysadmin", crud("places", "placekind", actions=("view", "change")))

registry.audit_labels(
    {
        "place_check": _("核查阵地标准"),
        "place_activity": _("登记阵地活动"),
        "place_photo": _("上传阵地照片"),
    }
)

registry.stats_source(
    "places.place",
    _("服务阵地"),
    model="places.Place",
    date_field="created_at",
    dimensions={"kind": _("阵地类型"), "meets_standard": _("是否达标")},
    filters={"is_active": True},
)
