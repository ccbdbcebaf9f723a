"""Where a unit's count rows come from: the summary table down to a depth, the ledger below.

The summary (StatsCount) keeps a row per unit, month, dimension and value at every level of
the tree by default. At national scale the two deepest levels — 40,000 streets and 600,000
communities — hold most of those rows while each of them counts a handful of records a month:
a record of a community is almost always alone in its community's month, so it costs one row
per dimension there and another at its street. ``JINGUO_STATS_SUMMARY_DEPTH`` (a number of
levels from the root: 4 keeps nation, province, city and district) stops the summary at that
depth; the figures of a deeper unit are then summed from the ledger (StatsEntry) of its
subtree, which is small, by the same expansion the triggers use. Every reader takes its rows
from ``relation()`` / ``subtree_relation()`` and cannot tell the difference.

After changing the setting run ``manage.py stats_rebuild``: it reinstalls the triggers with the
new depth and recounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection

from jinguo.core.paths import SEPARATOR, subtree_sql

from .models import StatsCount, StatsEntry

COLUMNS = "source, unit_path, dim, month, value, n, n_sensitive, amount"


def summary_depth() -> int | None:
    """How many levels the summary keeps (None: every level)."""
    depth = getattr(settings, "JINGUO_STATS_SUMMARY_DEPTH", None)
    return int(depth) if depth else None


def depth_of(path: str) -> int:
    return path.count(SEPARATOR)


def summarised(path: str) -> bool:
    depth = summary_depth()
    return depth is None or depth_of(path) <= depth


def prefix_depth(path_expr: str, length_expr: str) -> str:
    """SQL: how many levels the first ``length_expr`` characters of ``path_expr`` hold."""
    prefix = f"substr({path_expr}, 1, {length_expr})"
    return f"(length({prefix}) - length(replace({prefix}, '{SEPARATOR}', '')))"


def _subtree(column: str, path: str) -> tuple[str, list]:
    return subtree_sql(column, path, connection.vendor)


def _ledger_rows(where: str, unit_path: str, keys: list[str] | None, ancestors: str = "") -> str:
    """The ledger rows of the sources ``keys`` (None: every source) matching ``where`` as count
    rows of ``unit_path`` (an SQL expression, which may read the join ``ancestors``), one per
    dimension, unsummed."""
    from . import triggers

    vendor = connection.vendor
    entries = connection.ops.quote_name(StatsEntry._meta.db_table)
    if keys is not None:
        where += " AND e.source IN ({})".format(
            ", ".join(triggers._literal(k, vendor) for k in keys) or "NULL"
        )
    return (
        f"SELECT e.source AS source, {unit_path} AS unit_path, d.k AS dim, "  # noqa: S608 - names and placeholders
        f"{triggers.month_of('e.day', vendor)} AS month, {triggers.value_case('d.k')} AS value, "
        "1 AS n, CASE WHEN e.sensitive THEN 1 ELSE 0 END AS n_sensitive, e.amount AS amount "
        f"FROM {entries} e {ancestors} JOIN {triggers.POSITIONS} d "
        f"ON d.k <= {triggers.dims_case('e', vendor, keys)} WHERE {where}"
    )


def _parent(path: str) -> str:
    return path[: path.rstrip(SEPARATOR).rfind(SEPARATOR) + 1]


def relation(paths: Iterable[str], keys: list[str] | None = None) -> tuple[str, list]:
    """A FROM item of the count rows (COLUMNS) of exactly these units, of the sources ``keys``
    (None: every source), with its params."""
    paths = list(dict.fromkeys(paths))
    kept = [p for p in paths if summarised(p)]
    siblings: dict[str, list[str]] = {}
    for path in paths:
        if not summarised(path):
            siblings.setdefault(_parent(path), []).append(path)
    table = connection.ops.quote_name(StatsCount._meta.db_table)
    parts, params = [], []
    if kept or not siblings:
        marks = ", ".join(["%s"] * len(kept)) or "NULL"
        parts.append(f"SELECT {COLUMNS} FROM {table} WHERE unit_path IN ({marks})")  # noqa: S608
        params += kept
    for parent, group in siblings.items():
        if len(group) == 1 or not parent:
            for path in group:
                where, where_params = _subtree("e.org_path", path)
                parts.append(_ledger_rows(where, "%s", keys))
                params += [path, *where_params]
            continue
        # Children of one unit: its subtree read once, each row given to the child above it.
        where, where_params = _subtree("e.org_path", parent)
        find = "strpos" if connection.vendor == "postgresql" else "instr"
        after = len(parent)
        child = (
            f"substr(e.org_path, 1, {after} + "
            f"{find}(substr(e.org_path, {after + 1}), '{SEPARATOR}'))"
        )
        marks = ", ".join(["%s"] * len(group))
        parts.append(_ledger_rows(f"{where} AND {child} IN ({marks})", child, keys))
        params += [*where_params, *group]
    return "(" + " UNION ALL ".join(parts) + ")", params


def subtree_relation(root: str, keys: list[str] | None = None) -> tuple[str, list]:
    """A FROM item of the count rows of every unit of the subtree ``root`` (itself included),
    of the sources ``keys`` (None: every source)."""
    from . import triggers

    table = connection.ops.quote_name(StatsCount._meta.db_table)
    where, params = _subtree("unit_path", root)
    sql = f"SELECT {COLUMNS} FROM {table} WHERE {where}"  # noqa: S608 - names and placeholders
    depth = summary_depth()
    if depth is not None:
        # Units below the summary's depth: each ledger row counted at its ancestors there.
        in_root, root_params = _subtree("e.org_path", root)
        level = prefix_depth("e.org_path", "p.k")
        ancestors = (
            f"JOIN {triggers.POSITIONS} p ON p.k <= length(e.org_path) AND p.k >= %s "
            f"AND substr(e.org_path, p.k, 1) = '{SEPARATOR}' AND {level} > %s"
        )
        deep = _ledger_rows(in_root, "substr(e.org_path, 1, p.k)", keys, ancestors)
        sql += f" UNION ALL {deep}"
        params = [*params, len(root), depth, *root_params]
    return f"({sql})", params
