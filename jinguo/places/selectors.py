"""Reads of service places: scoped lists, who may see a confidential place's address, the
public selector for the portal, the home panel's counts and the coverage statistic.

CONTRACT:
- visible_places(user, action="view") -> QuerySet[Place] (restrict(), with kind and org)
- locatable_place_ids(user) -> set[int]: confidential places whose address ``user`` may see:
  restrict(user, "locate") (the place's staff) or the protection shelter it is linked to
  being locatable by her (protection.selectors.shelter.locatable_shelter_ids)
- may_locate(user, place) -> bool: True for every place of a non-confidential kind
- place_open(user, pk, *, channel=None) -> (Place, located)   404 outside scope; an address
  of a confidential place shown is logged
- public_places(*, unit=None, kind=None) -> list[PublicPlace]: active public places of
  non-confidential kinds in ``unit``'s subtree, public fields only (for the portal)
- attention_counts(user, today=None) -> dict(failing=…, unchecked=…)
- coverage(user, unit, level) -> Coverage   (path-range queries only, see below)
- coverage_gaps(user, unit, kind, level) -> QuerySet[OrgUnit]
- unit_places(user, unit) -> dict | None: the unit page's section — the unit's own places in
  her scope, how many her scope has in its subtree, and the coverage summary of the level
  below it (only when the unit itself is in her scope); None when there is nothing to show
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jinguo.core import audit, scoping
from jinguo.core.paths import SEPARATOR
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.protection.selectors.shelter import locatable_shelter_ids

from .choices import CoverageLevel
from .models import Place, PlaceKind

UNCHECKED_AFTER_DAYS = 365


def visible_places(user, action: str = "view") -> QuerySet:
    return Place.objects.restrict(user, action).select_related("kind", "org")


def active_kinds() -> QuerySet:
    return PlaceKind.objects.filter(is_active=True).order_by("order", "pk")


# --- the address of a confidential place -------------------------------------------------------


def locatable_place_ids(user) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    memo = getattr(user, "_jinguo_places_locatable", None)
    if memo is not None and memo[0] == scoping._generation:
        return memo[1]
    found = set(Place.objects.restrict(user, "locate").values_list("pk", flat=True))
    shelters = locatable_shelter_ids(user)
    if shelters:
        found |= set(Place.objects.filter(shelter_id__in=shelters).values_list("pk", flat=True))
    user._jinguo_places_locatable = (scoping._generation, found)
    return found


def forget_locatable(user) -> None:
    if user is not None and hasattr(user, "_jinguo_places_locatable"):
        del user._jinguo_places_locatable


def may_locate(user, place) -> bool:
    if place is None:
        return False
    if not place.kind.confidential:
        return True
    return place.pk in locatable_place_ids(user)


def place_open(user, pk, *, channel: str | None = None):
    place = get_object_or_404(visible_places(user), pk=pk)
    located = may_locate(user, place)
    if located and place.kind.confidential:
        audit.record_open(user, place, channel=channel, address_shown=True)
    return place, located


# --- the portal --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicPlace:
    """What the public may know of a place: never its staff, checks or owning records."""

    id: int
    kind: str
    kind_code: str
    name: str
    unit: str
    address: str
    opening_hours: str
    phone: str
    latitude: float | None
    longitude: float | None


def public_place_queryset(*, unit=None, kind=None):
    """Active public places of non-confidential kinds, in ``unit``'s subtree when given, of
    ``kind`` (a PlaceKind or its code) when given, in tree order. Unscoped: it is what the
    public sees; turn rows into ``PublicPlace`` with ``as_public`` before showing them."""
    qs = Place.objects.filter(
        is_public=True, is_active=True, kind__confidential=False, kind__is_active=True
    )
    if unit is not None:
        qs = qs.filter(org_path__subtree=unit.path)
    if kind is not None:
        qs = qs.filter(kind__code=kind) if isinstance(kind, str) else qs.filter(kind=kind)
    return qs.select_related("kind", "org").order_by("org_path", "kind__order", "name", "pk")


def public_kinds():
    return PlaceKind.objects.filter(confidential=False, is_active=True).order_by("order", "pk")


def as_public(p) -> PublicPlace:
    return PublicPlace(
        id=p.pk,
        kind=p.kind.name,
        kind_code=p.kind.code,
        name=p.name,
        unit=p.org.name,
        address=p.address,
        opening_hours=p.opening_hours,
        phone=p.phone,
        latitude=float(p.latitude) if p.latitude is not None else None,
        longitude=float(p.longitude) if p.longitude is not None else None,
    )


def public_places(*, unit=None, kind=None) -> list[PublicPlace]:
    """``public_place_queryset`` as the public sees it (only public fields)."""
    return [as_public(p) for p in public_place_queryset(unit=unit, kind=kind)]


# --- the home panel ----------------------------------------------------------------------------


def unchecked_since(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=UNCHECKED_AFTER_DAYS)


def attention_counts(user, today: date | None = None) -> dict:
    qs = Place.objects.restrict(user, "view").filter(is_active=True)
    limit = unchecked_since(today)
    found = qs.aggregate(
        failing=Count("pk", filter=Q(meets_standard=False)),
        unchecked=Count(
            "pk", filter=Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=limit)
        ),
    )
    return {k: v or 0 for k, v in found.items()}


# --- coverage ----------------------------------------------------------------------------------

LEVEL_KINDS = {
    CoverageLevel.TOWNSHIP: UnitKind.TOWNSHIP,
    CoverageLevel.COMMUNITY: UnitKind.COMMUNITY,
}


@dataclass
class CoverageCell:
    covered: int = 0
    total: int = 0

    @property
    def gaps(self) -> int:
        return self.total - self.covered

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.total) if self.total else None


@dataclass
class CoverageRow:
    unit: OrgUnit
    cells: dict[int, CoverageCell] = field(default_factory=dict)  # kind id -> cell

    def cell_list(self, kinds):
        return [(k, self.cells.get(k.pk, CoverageCell())) for k in kinds]


@dataclass
class Coverage:
    unit: OrgUnit
    level: str
    kinds: list
    rows: list[CoverageRow]
    total: CoverageRow


def _child_prefix(unit: OrgUnit, column: str):
    """The path of the child of ``unit`` a descendant's ``column`` lies under: the prefix up to
    the first separator after ``unit``'s own path, computed by the database."""
    start = len(unit.path) + 1
    rest = Substr(column, start)
    return Substr(column, 1, Value(len(unit.path)) + StrIndex(rest, Value(SEPARATOR)))


def _qualifying_places(kinds) -> QuerySet:
    return Place.objects.filter(is_active=True, meets_standard=True, kind__in=kinds)


def coverage(user, unit: OrgUnit, level: str) -> Coverage:
    """For each child of ``unit``: how many of its units of ``level`` (townships or villages
    and communities) own an active place of each kind that meets its standard.

    Two grouped queries over path ranges (units, then places, each grouped by the child path
    prefix the database computes), however deep or wide the subtree. A unit counts as having a
    place when the place belongs to that unit itself."""
    unit_kind = LEVEL_KINDS[CoverageLevel(level)]
    kinds = list(active_kinds())
    children = list(
        OrgUnit.objects.restrict(user, "view").filter(parent=unit, is_active=True).order_by("path")
    )
    by_path = {c.path: CoverageRow(unit=c) for c in children}
    totals = (
        OrgUnit.objects.filter(path__subtree=unit.path, kind=unit_kind, is_active=True)
        .exclude(pk=unit.pk)
        .annotate(child=_child_prefix(unit, "path"))
        .values("child")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overall = CoverageRow(unit=unit)
    totals_by_child = {row["child"]: row["n"] for row in totals}
    covered = (
        _qualifying_places(kinds)
        .filter(org_path__subtree=unit.path, org__kind=unit_kind, org__is_active=True)
        .exclude(org=unit)
        .annotate(child=_child_prefix(unit, "org_path"))
        .values("child", "kind_id")
        .annotate(n=Count("org_id", distinct=True))
        .order_by()
    )
    covered_by = {(row["child"], row["kind_id"]): row["n"] for row in covered}
    for path, row in by_path.items():
        n = totals_by_child.get(path, 0)
        for k in kinds:
            row.cells[k.pk] = CoverageCell(covered=covered_by.get((path, k.pk), 0), total=n)
            cell = overall.cells.setdefault(k.pk, CoverageCell())
            cell.covered += row.cells[k.pk].covered
            cell.total += n
    return Coverage(unit=unit, level=level, kinds=kinds, rows=list(by_path.values()), total=overall)


def coverage_gaps(unit: OrgUnit, kind: PlaceKind, level: str) -> QuerySet:
    """The units of ``level`` under ``unit`` that own no active place of ``kind`` meeting its
    standard (the caller has checked that ``unit`` is in the user's scope)."""
    unit_kind = LEVEL_KINDS[CoverageLevel(level)]
    has = _qualifying_places([kind]).filter(org=OuterRef("pk"))
    return (
        OrgUnit.objects.filter(path__subtree=unit.path, kind=unit_kind, is_active=True)
        .exclude(pk=unit.pk)
        .filter(~Exists(has))
        .order_by("path")
    )


# --- the unit page -----------------------------------------------------------------------------

UNIT_SECTION_ROWS = 20


def unit_coverage_level(unit: OrgUnit) -> str | None:
    """The coverage level a unit's page sums up: villages and communities under a township,
    townships under anything above; nothing for a community or a non-territorial unit."""
    if unit.kind == UnitKind.TOWNSHIP:
        return CoverageLevel.COMMUNITY
    if unit.kind in (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY):
        return CoverageLevel.TOWNSHIP
    return None


def unit_places(user, unit: OrgUnit) -> dict | None:
    places = visible_places(user).filter(is_active=True)
    own = places.filter(org=unit).order_by("kind__order", "name")
    rows = list(own[: UNIT_SECTION_ROWS + 1])
    in_subtree = places.filter(org_path__subtree=unit.path).count()
    level = unit_coverage_level(unit)
    summary = None
    if level is not None and scoping.may(user, "view", unit):
        result = coverage(user, unit, level)
        if any(cell.total for cell in result.total.cells.values()):
            summary = {
                "level": level,
                "level_label": CoverageLevel(level).label,
                "cells": result.total.cell_list(result.kinds),
            }
    if not rows and not in_subtree and summary is None:
        return None
    return {
        "places_rows": rows[:UNIT_SECTION_ROWS],
        "places_more": len(rows) > UNIT_SECTION_ROWS,
        "places_in_subtree": in_subtree,
        "places_coverage": summary,
    }
