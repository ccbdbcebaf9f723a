"""Reads of the federation tree: children with counts, ancestors, members, choice lists."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count

from jinguo.core.ids import valid_id
from jinguo.core.paths import SEPARATOR
from jinguo.core.pinyin import looks_like_pinyin, normalise_query

from .choices import UnitKind
from .models import OrgUnit

TREE_PAGE_SIZE = 200
MEMBERS_SHOWN = 50


def can(user, action: str, unit: OrgUnit) -> bool:
    """Whether restrict(user, action) lets the user act on this unit."""
    if not user.has_perm(f"orgs.{action}_orgunit"):
        return False
    return OrgUnit.objects.restrict(user, action).filter(pk=unit.pk).exists()


def may_view_users(user) -> bool:
    return user.has_perm("accounts.view_user")


def user_counts_by_child(user, unit: OrgUnit) -> dict[str, int] | None:
    """Active users (as restrict() lets the viewer see them) per child code of ``unit``.

    One aggregate query over the subtree grouped by path; the key "" holds the unit's own
    members. None when the viewer may not see users at all.
    """
    if not may_view_users(user):
        return None
    User = get_user_model()  # accounts sits above orgs

    rows = (
        User.objects.restrict(user, "view")
        .filter(org_path__subtree=unit.path, is_active=True)
        .values_list("org_path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    start = len(unit.path)
    counts: dict[str, int] = defaultdict(int)
    for path, n in rows:
        counts[path[start:].split(SEPARATOR, 1)[0]] += n
    return counts


@dataclass
class TreeLevel:
    unit: OrgUnit
    children: list[OrgUnit]
    has_more: bool
    next_offset: int
    user_total: int | None
    own_users: int | None


def tree_children(*, user, unit: OrgUnit, offset: int = 0, limit: int = TREE_PAGE_SIZE):
    """One page of a unit's children, each with its count of sub-units and of users."""
    qs = (
        OrgUnit.objects.restrict(user, "view")
        .filter(parent=unit)
        .annotate(child_count=Count("children"))
        .order_by("path")
    )
    rows = list(qs[offset : offset + limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    counts = user_counts_by_child(user, unit)
    for child in rows:
        child.user_count = counts.get(child.code, 0) if counts is not None else None
    return TreeLevel(
        unit=unit,
        children=rows,
        has_more=has_more,
        next_offset=offset + limit,
        user_total=sum(counts.values()) if counts is not None else None,
        own_users=counts.get("", 0) if counts is not None else None,
    )


def ancestors_for(user, unit: OrgUnit) -> list[tuple[OrgUnit, bool]]:
    """The unit's ancestors from the top, each with whether the viewer may open it."""
    home = user.home_path or ""
    return [(a, bool(home) and a.path.startswith(home)) for a in unit.ancestors()]


def subtree_summary(user, unit: OrgUnit) -> dict:
    units = OrgUnit.objects.restrict(user, "view").filter(path__subtree=unit.path).count() - 1
    users = None
    if may_view_users(user):
        User = get_user_model()  # accounts sits above orgs

        users = (
            User.objects.restrict(user, "view")
            .filter(org_path__subtree=unit.path, is_active=True)
            .count()
        )
    return {"descendants": max(units, 0), "users": users}


def members_of(user, unit: OrgUnit):
    """Users whose home unit is ``unit``, as far as the viewer may see users (else None)."""
    if not may_view_users(user):
        return None
    User = get_user_model()  # accounts sits above orgs

    return (
        User.objects.restrict(user, "view")
        .filter(home_unit=unit)
        .order_by("-is_active", "username")
    )


def choice_units(queryset, *, user, depth: int = 2, limit: int = 400, include=()):
    """The units a drop-down lists: the top ``depth`` levels below the user's home unit.

    A province has tens of thousands of units; a select of all of them is unusable, so deeper
    units are reached from their parent's detail page (?parent=…). Validation still accepts
    every unit of ``queryset``; ``include`` adds the currently selected ones.
    """
    shown = queryset
    home = getattr(user, "home_unit", None) if user is not None else None
    if home is not None:
        shown = shown.filter(path__subtree=home.path, level__lte=home.level + depth)
    units = list(shown.order_by("path")[:limit])
    # A selected value typed into the URL may be past bigint: no such unit, and no query.
    extra = [pk for pk in include if valid_id(pk) and pk not in {u.pk for u in units}]
    if extra:
        units.extend(queryset.filter(pk__in=extra))
        units.sort(key=lambda u: u.path)
    return units


def unit_kind_counts(user) -> list[dict] | None:
    """The units of each kind in the user's subtree (the 工作台's 辖区单位 figures), or None."""
    if not user.has_perm("orgs.view_orgunit") or user.home_unit_id is None:
        return None
    units = OrgUnit.objects.restrict(user, "view").filter(path__subtree=user.home_path)
    by_kind = dict(units.values_list("kind").annotate(n=Count("id")).order_by())
    return [
        {"label": label, "count": by_kind.get(value, 0)}
        for value, label in UnitKind.choices
        if by_kind.get(value)
    ]


SEARCH_LIMIT = 20


def unit_search(queryset, query: str, *, limit: int = SEARCH_LIMIT) -> list[OrgUnit]:
    """Units of ``queryset`` (already scoped) matching a typed name or pinyin initials.

    Latin letters match the start of the stored initials through an index ("fc" → 芳草社区妇联);
    anything else matches a part of the name, within the scoped subtree and kinds. Units whose
    name starts with the query come first; at most ``limit`` rows, parents loaded for labels.
    """
    query = (query or "").strip()
    if not query:
        return []
    if looks_like_pinyin(query):
        matched = queryset.filter(name_initials__prefix=normalise_query(query))
        # Ordered by the initials so the planner walks their index (by path it would walk the
        # whole subtree); the page is then shown in tree order, a community before its grids.
        rows = list(matched.select_related("parent").order_by("name_initials", "path")[:limit])
        return sorted(rows, key=lambda u: u.path)
    rows = list(
        queryset.filter(name__contains=query).select_related("parent").order_by("path")[:limit]
    )
    rows.sort(key=lambda u: (not u.name.startswith(query), u.path))
    return rows
