"""Keeping the summary equal to the records: rebuilding and checking it.

Consistency guarantee: every insert, update of a counted column and delete of a statistics
source's records — through the ORM, ``update()``, ``bulk_create``, raw SQL or a unit move — is
counted by database triggers in the writing transaction (triggers.py): committed together or
rolled back together, visible to the next read. Concurrent writers of one record are
serialised by the database's row locks on the ledger and the count rows. What the triggers
cannot see is a change to a *related* row a dimension reads through (``agency__kind``): the
ledger keeps the value the record was counted with until the record is written again or
``stats_rebuild`` runs; ``stats_check`` reports the difference.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection, connections, transaction

from jinguo.core.paths import SEPARATOR, like_prefix
from jinguo.core.registry import StatsSource

from . import sources, triggers
from .models import VALUE_FIELDS, StatsCount, StatsEntry


class CountKey(NamedTuple):
    path: str
    dim: int
    month: object
    value: str


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def purge_empty() -> int:
    deleted, _ = StatsCount.objects.filter(n=0, n_sensitive=0, amount=0).delete()
    return deleted


def purge_job(now=None) -> str:
    return f"{purge_empty()} empty rows removed"


def _records(src: StatsSource) -> tuple[str, list]:
    """The source's records as ledger rows (a FROM item) with its params."""
    inner, params = sources.keyed(src).query.sql_with_params()
    cols = ", ".join(
        f"k.{_qn('k_' + c)} AS {_qn(c if c != 'path' else 'org_path')}"
        for c in ["path", "day", *VALUE_FIELDS, "sensitive", "amount"]
    )
    return f"(SELECT %s AS source, {cols} FROM ({inner}) k)", [src.key, *params]


def rebuild(src: StatsSource, using: str = "default") -> int:
    """Recount ``src`` from its records: the ledger in one INSERT … SELECT, the counts from it.

    PostgreSQL: the ledger's triggers are switched off for the transaction (the ledger table
    is locked meanwhile) and the counts inserted by one grouped INSERT … SELECT per unit
    below the root (_partitions). SQLite: the
    old ledger is removed (its triggers take its counts away), then the new one inserted
    (its triggers add them up), which is slower but only ever small there."""
    connection = connections[using]
    qn = connection.ops.quote_name
    entry_table = qn(StatsEntry._meta.db_table)
    columns = ", ".join(qn(c) for c in ["source", "object_id", *triggers.LEDGER_COLUMNS])
    keyed = sources.keyed(src).using(using)
    inner, inner_params = keyed.query.get_compiler(using=using).as_sql()
    picked = ", ".join(
        f"k.{qn('k_' + c)}" for c in ["id", "path", "day", *VALUE_FIELDS, "sensitive", "amount"]
    )
    pg = connection.vendor == "postgresql"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if pg:
            cursor.execute(f"ALTER TABLE {entry_table} DISABLE TRIGGER USER")
        StatsEntry.objects.using(using).filter(source=src.key).delete()
        StatsCount.objects.using(using).filter(source=src.key).delete()
        cursor.execute(
            f"INSERT INTO {entry_table} ({columns}) SELECT %s, {picked} FROM ({inner}) k",
            [src.key, *inner_params],
        )
        if pg:
            for where, params in _partitions(src, using):
                ledger = f"(SELECT * FROM {entry_table} WHERE source = %s AND {where})"
                cursor.execute(
                    triggers.counts_upsert(triggers.expanded(ledger, 1, "postgresql"), connection),
                    [src.key, *params],
                )
            cursor.execute(f"ALTER TABLE {entry_table} ENABLE TRIGGER USER")
        return StatsEntry.objects.using(using).filter(source=src.key).count()


def _partitions(src: StatsSource, using: str) -> list[tuple[str, list]]:
    """The source's ledger cut by the units one level below the root (the provinces of a
    national tree), as (condition, params): the rebuild groups one part at a time, so that
    it never holds the whole country's expanded rows at once; only the rows of the root
    itself are shared between parts (an upsert adds them up)."""
    at_root = (f"split_part(org_path, '{SEPARATOR}', 2) = ''", [])
    return [at_root, *(("org_path LIKE %s", [like_prefix(p)]) for p in _prefixes(src, using))]


def check(src: StatsSource) -> list[tuple[CountKey, tuple[int, int], tuple[int, int]]]:
    """Count rows where the summary and the records disagree: (key, summary, records).

    The records are expanded to every ancestor and dimension by the same SQL the triggers
    use and compared with the summary in the database, so only differences come back. Below
    the summary's depth (counts.py) the figures the readers sum from the ledger are compared
    with the records the same way. PostgreSQL compares one subtree below the root at a time
    (and the root's own rows apart), as the rebuild counts them, so that a national check
    never groups the whole country's expanded rows in one statement."""
    if connection.vendor != "postgresql":
        return _compare(src)
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to group in memory: the roots' rows are few, but the planner cannot know it.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        found = _compare(src, roots=True)
        for prefix in _prefixes(src):
            found += _compare(src, prefix)
    return sorted(found, key=lambda row: tuple(str(part) for part in row[0]))


def _prefixes(src: StatsSource, using: str = "default") -> list[str]:
    """The paths one level below the root of every record, ledger row and count row of
    ``src`` (PostgreSQL)."""
    records, params = _records(src)

    def second(column: str, rows: str, where: str = "") -> str:
        part = [f"split_part({column}, '{SEPARATOR}', {i})" for i in (1, 2)]
        return (
            f"SELECT {part[0]} || '{SEPARATOR}' || {part[1]} || '{SEPARATOR}' "
            f"FROM {rows} WHERE {where}{part[1]} <> ''"
        )

    ledger, counts = _qn(StatsEntry._meta.db_table), _qn(StatsCount._meta.db_table)
    sql = (
        f"{second('org_path', f'{records} r')} UNION "
        f"{second('org_path', ledger, 'source = %s AND ')} UNION "
        f"{second('unit_path', counts, 'source = %s AND ')}"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*params, src.key, src.key])
        return sorted(prefix for (prefix,) in cursor.fetchall())


def _level(column: str) -> str:
    return f"(length({column}) - length(replace({column}, '{SEPARATOR}', '')))"


def _compare(src: StatsSource, prefix: str | None = None, roots: bool = False) -> list:
    """check() over the subtree ``prefix`` (its levels from the prefix's down), over the roots'
    own rows, or over everything."""
    records, params = _records(src)
    vendor = connection.vendor
    counts = _qn(StatsCount._meta.db_table)
    in_counts, in_ledger, count_params, ledger_params = "", "", [], []
    band = {}
    if prefix is not None:
        records = f"(SELECT * FROM {records} r WHERE org_path LIKE %s)"
        params = [*params, like_prefix(prefix)]
        in_counts, count_params = " AND unit_path LIKE %s", [like_prefix(prefix)]
        in_ledger, ledger_params = " AND org_path LIKE %s", [like_prefix(prefix)]
        band = {"from_depth": prefix.count(SEPARATOR)}
    truth = triggers.expanded(records, 1, vendor, levels="all", **band)
    if roots:
        in_counts = f" AND {_level('unit_path')} = 1"
        band = {"to_depth": 1}
        # The roots' rows only: one row per record and dimension at the record's root, not
        # one per ancestor, so the whole country is read but never expanded down its tree.
        find = "strpos" if vendor == "postgresql" else "instr"
        truth = (
            f"SELECT r.source AS source, substr(r.org_path, 1, {find}(r.org_path, "
            f"'{SEPARATOR}')) AS unit_path, d.k AS dim, {triggers.month_of('r.day', vendor)} "
            f"AS month, {triggers.value_case('d.k', 'r')} AS value, 1 AS dn, "
            "CASE WHEN r.sensitive THEN 1 ELSE 0 END AS ds, r.amount AS da "
            f"FROM {records} r JOIN {triggers.POSITIONS} d ON d.k <= {triggers.dims_case('r', vendor)}"
        )
    truth = triggers.grouped(truth)
    ledger = f"(SELECT * FROM {_qn(StatsEntry._meta.db_table)} WHERE source = %s{in_ledger})"
    deep = triggers.grouped(triggers.expanded(ledger, 1, vendor, levels="deep", **band))
    key = "unit_path, dim, month, value"
    sql = (
        f"SELECT {key}, SUM(hn), SUM(hns), SUM(ha), SUM(wn), SUM(wns), SUM(wa) FROM ("
        f"SELECT {key}, n AS hn, n_sensitive AS hns, amount AS ha, 0 AS wn, 0 AS wns, "
        f"0 AS wa FROM {counts} WHERE source = %s{in_counts} UNION ALL "
        f"SELECT {key}, n, ns, amount, 0, 0, 0 FROM ({deep}) l UNION ALL "
        f"SELECT {key}, 0, 0, 0, n, ns, amount FROM ({truth}) t) x "
        f"GROUP BY {key} HAVING SUM(hn) <> SUM(wn) OR SUM(hns) <> SUM(wns) "
        f"OR ROUND(SUM(ha), 2) <> ROUND(SUM(wa), 2) ORDER BY {key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [src.key, *count_params, src.key, *ledger_params, *params])
        # A source that only counts has every amount 0: its rows compare as (n, n_sensitive).
        return [
            (
                CountKey(path, dim, month, value),
                (hn, hns) if not src.measure else (hn, hns, ha),
                (wn, wns) if not src.measure else (wn, wns, wa),
            )
            for path, dim, month, value, hn, hns, ha, wn, wns, wa in cursor.fetchall()
        ]


def summary(src: StatsSource) -> dict[CountKey, tuple[int, int]]:
    rows = StatsCount.objects.filter(source=src.key).exclude(n=0, n_sensitive=0, amount=0)
    return {
        CountKey(r.unit_path, r.dim, str(r.month), r.value): (r.n, r.n_sensitive, r.amount)
        for r in rows
    }
