"""A small named federation tree that tests share (fictional codes starting with 99)."""

from dataclasses import dataclass

from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit


def make_unit(code: str, name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    return OrgUnit.objects.create(
        code=code,
        name=name,
        kind=kind,
        level=(parent.level + 1) if parent else 2,
        parent=parent,
        path=f"{parent.path if parent else ''}{code}/",
    )


@dataclass
class Tree:
    city: OrgUnit
    district_a: OrgUnit
    district_b: OrgUnit
    street_a: OrgUnit
    street_b: OrgUnit
    community_a: OrgUnit
    community_a2: OrgUnit
    community_b: OrgUnit
    grid_a: OrgUnit


def build_tree() -> Tree:
    city = make_unit("9901", "示范市妇联", UnitKind.CITY)
    district_a = make_unit("990101", "和平区妇联", UnitKind.COUNTY, city)
    district_b = make_unit("990102", "新华区妇联", UnitKind.COUNTY, city)
    street_a = make_unit("990101001", "春晖街道妇联", UnitKind.TOWNSHIP, district_a)
    street_b = make_unit("990102001", "明德街道妇联", UnitKind.TOWNSHIP, district_b)
    community_a = make_unit("990101001001", "芳草社区妇联", UnitKind.COMMUNITY, street_a)
    community_a2 = make_unit("990101001002", "杏林社区妇联", UnitKind.COMMUNITY, street_a)
    community_b = make_unit("990102001001", "桃李社区妇联", UnitKind.COMMUNITY, street_b)
    grid_a = make_unit("990101001001G01", "芳草社区第一网格", UnitKind.GRID, community_a)
    return Tree(
        city,
        district_a,
        district_b,
        street_a,
        street_b,
        community_a,
        community_a2,
        community_b,
        grid_a,
    )
