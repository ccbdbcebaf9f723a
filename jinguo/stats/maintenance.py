"""Keeping the summary equal to the records.

Consistency guarantee:

* A save or delete through the ORM (every service write) updates the summary in the same
  transaction (signals.py → ``refresh``): committed together or rolled back together.
* A write that bypasses signals (``update()``, bulk or raw inserts) is noted by a trigger in
  StatsDirty in its own transaction, and counted by ``drain()`` — run by the scheduler every
  minute and, bounded, before a dashboard is read. Until then figures may lag by those rows.
* A change to a related row a dimension reads through (``agency__kind``) is not seen until
  ``stats_rebuild``; ``stats_check`` reports it.

Every change is applied against the ledger (StatsEntry): the record's old row loses one, its new
row gains one, whatever the in-memory instance believed. Concurrent refreshes of one record are
serialised by locking the record and its ledger row (PostgreSQL; SQLite serialises writers).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from jinguo.core.registry import StatsSource

from . import sources
from .models import VALUE_FIELDS, StatsDirty, StatsEntry, StatsRow
from .sources import Key, key_of

DRAIN_BATCH = 1000


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _apply(src: StatsSource, deltas: dict[Key, list[int]]) -> None:
    """Add (n, n_sensitive) to each keyed row in one upsert, in key order (no deadlock)."""
    rows = [(k, d) for k, d in sorted(deltas.items()) if d[0] or d[1]]
    if not rows:
        return
    table = _qn(StatsRow._meta.db_table)
    key_cols = ["source", "org_path", "day", *VALUE_FIELDS]
    cols = ", ".join(_qn(c) for c in [*key_cols, "n", "n_sensitive"])
    one = "(" + ", ".join(["%s"] * (len(key_cols) + 2)) + ")"
    params = []
    for key, (n, ns) in rows:
        params += [src.key, key.path, key.day, *key.values, n, ns]
    sql = (
        f"INSERT INTO {table} ({cols}) VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({', '.join(_qn(c) for c in key_cols)}) DO UPDATE SET "
        f"{_qn('n')} = {table}.{_qn('n')} + EXCLUDED.{_qn('n')}, "
        f"{_qn('n_sensitive')} = {table}.{_qn('n_sensitive')} + EXCLUDED.{_qn('n_sensitive')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _entry(src: StatsSource, object_id: int, key: Key, sensitive: bool) -> StatsEntry:
    entry = StatsEntry(
        source=src.key, object_id=object_id, org_path=key.path, day=key.day, sensitive=sensitive
    )
    for name, value in zip(VALUE_FIELDS, key.values, strict=True):
        setattr(entry, name, value)
    return entry


def refresh(src: StatsSource, ids) -> int:
    """Count the records ``ids`` of ``src`` as they are now; returns how many moved."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    with transaction.atomic():
        current = {
            row["k_id"]: (key_of(row), bool(row["k_sensitive"]))
            for row in sources.keyed(src).filter(pk__in=ids).select_for_update(of=("self",))
        }
        entries = StatsEntry.objects.select_for_update().filter(source=src.key, object_id__in=ids)
        counted = {
            e.object_id: (
                Key(e.org_path, e.day, tuple(getattr(e, v) for v in VALUE_FIELDS)),
                e.sensitive,
            )
            for e in entries
        }
        deltas: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
        gone, added = [], []
        moved = 0
        for pk in ids:
            old, new = counted.get(pk), current.get(pk)
            if old == new:
                continue
            moved += 1
            if old is not None:
                deltas[old[0]][0] -= 1
                deltas[old[0]][1] -= int(old[1])
                gone.append(pk)
            if new is not None:
                deltas[new[0]][0] += 1
                deltas[new[0]][1] += int(new[1])
                added.append(_entry(src, pk, *new))
        _apply(src, deltas)
        if gone:
            StatsEntry.objects.filter(source=src.key, object_id__in=gone).delete()
        if added:
            StatsEntry.objects.bulk_create(added)
    return moved


def drain(*, limit: int | None = None) -> int:
    """Count the records the triggers noted; returns how many notes were handled."""
    tables = sources.sources_by_table()
    done = 0
    while limit is None or done < limit:
        size = DRAIN_BATCH if limit is None else min(DRAIN_BATCH, limit - done)
        with transaction.atomic():
            batch = list(
                StatsDirty.objects.order_by("id").values_list("id", "table_name", "object_id")[
                    :size
                ]
            )
            if not batch:
                break
            by_table: dict[str, set[int]] = defaultdict(set)
            for _id, table, object_id in batch:
                by_table[table].add(object_id)
            for table, ids in by_table.items():
                for src in tables.get(table, []):
                    refresh(src, ids)
            StatsDirty.objects.filter(id__in=[row[0] for row in batch]).delete()
        done += len(batch)
    return done


def pending() -> int:
    return StatsDirty.objects.count()


def forget_dirty(table: str, object_id: int) -> None:
    """The record was just counted in this transaction: its trigger note needs no drain."""
    StatsDirty.objects.filter(table_name=table, object_id=object_id).delete()


def purge_empty() -> int:
    deleted, _ = StatsRow.objects.filter(n=0, n_sensitive=0).delete()
    return deleted


def drain_job(now=None) -> str:
    handled = drain()
    purged = purge_empty()
    return f"{handled} changes counted, {purged} empty rows removed"


# --- rebuilding and checking ------------------------------------------------------------------


def rebuild(src: StatsSource) -> int:
    """Recount ``src`` from its records (ledger, then rows, each one INSERT … SELECT)."""
    entry_table = _qn(StatsEntry._meta.db_table)
    row_table = _qn(StatsRow._meta.db_table)
    values = ", ".join(_qn(v) for v in VALUE_FIELDS)
    inner, params = sources.keyed(src).query.sql_with_params()
    picked = ", ".join(f"k.{_qn('k_' + v)}" for v in VALUE_FIELDS)
    with transaction.atomic(), connection.cursor() as cursor:
        StatsEntry.objects.filter(source=src.key).delete()
        StatsRow.objects.filter(source=src.key).delete()
        cursor.execute(
            f"INSERT INTO {entry_table} (source, object_id, org_path, day, {values}, sensitive) "
            f"SELECT %s, k.{_qn('k_id')}, k.{_qn('k_path')}, k.{_qn('k_day')}, {picked}, "
            f"k.{_qn('k_sensitive')} FROM ({inner}) k",
            [src.key, *params],
        )
        cursor.execute(
            f"INSERT INTO {row_table} (source, org_path, day, {values}, n, n_sensitive) "
            f"SELECT source, org_path, day, {values}, COUNT(*), "
            f"SUM(CASE WHEN sensitive THEN 1 ELSE 0 END) FROM {entry_table} "
            f"WHERE source = %s GROUP BY source, org_path, day, {values}",
            [src.key],
        )
        return StatsEntry.objects.filter(source=src.key).count()


def truth(src: StatsSource) -> dict[Key, tuple[int, int]]:
    """The counts as the records say, by key."""
    counts = (
        sources.keyed(src)
        .values("k_path", "k_day", *(f"k_{v}" for v in VALUE_FIELDS))
        .annotate(n=Count("pk"), ns=Count("pk", filter=Q(k_sensitive=True)))
    )
    return {key_of(row): (row["n"], row["ns"]) for row in counts}


def summary(src: StatsSource) -> dict[Key, tuple[int, int]]:
    rows = (
        StatsRow.objects.filter(source=src.key)
        .exclude(n=0, n_sensitive=0)
        .values("org_path", "day", *VALUE_FIELDS)
        .annotate(tn=Sum("n"), tns=Sum("n_sensitive"))
    )
    return {
        Key(r["org_path"], r["day"], tuple(r[v] for v in VALUE_FIELDS)): (r["tn"], r["tns"])
        for r in rows
    }


def check(src: StatsSource) -> list[tuple[Key, tuple[int, int], tuple[int, int]]]:
    """Keys where the summary and the records disagree: (key, summary, records)."""
    want, have = truth(src), summary(src)
    return [
        (key, have.get(key, (0, 0)), want.get(key, (0, 0)))
        for key in sorted(set(want) | set(have))
        if want.get(key, (0, 0)) != have.get(key, (0, 0))
    ]
