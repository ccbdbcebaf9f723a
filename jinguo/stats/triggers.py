"""Database triggers that keep the statistics equal to the records, in the writing transaction.

Two layers, both installed after every migrate and by stats_rebuild (idempotent):

* On each statistics source's table, a row trigger re-derives the record's ledger entry
  (StatsEntry) after an insert, an update of a watched column or a delete. It runs the
  source's own key query (sources.keyed(), compiled by Django for the backend, restricted to
  the written row), so a save, ``update()``, ``bulk_create``, a raw import or a unit move are
  all counted alike and exactly as ``stats_rebuild`` counts them.
* On the ledger, triggers turn every change into +1/−1 on the StatsCount rows of each
  dimension at each ancestor level of the record's unit — one grouped upsert, only for rows
  whose count actually changes (a status transition touches the two status rows per level).
  PostgreSQL runs it once per statement over the statement's transition tables, so bulk
  writes (imports, the deadline sweep, moving a unit) are summed before they are applied;
  SQLite runs it per row.

The ancestors of a path are its prefixes ending in the separator, found with the small table
``stats_position`` (0…PATH_MAX) created by the migration; SQLite allows no CTE in a trigger.
SQLite triggers call Django's date functions (``django_datetime_cast_date``): writes to a
source table must come through a Django connection.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connections

from jinguo.core.paths import SEPARATOR

from . import sources
from .models import VALUE_FIELDS, StatsCount, StatsEntry

POSITIONS = "stats_position"
PATH_MAX = 255
# A key that no record has: compiled into the key query, then replaced by the written row's id.
SENTINEL = -918273645546372819
LEDGER_COLUMNS = ["org_path", "day", *VALUE_FIELDS, "sensitive", "amount"]


def _literal(value, vendor: str) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if vendor == "postgresql" else str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        value = value.isoformat()
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"cannot inline {value!r} into a trigger")


def key_query(src, connection, row: str) -> str:
    """The source's key query (sources.keyed) for the record ``row``.id, params inlined;
    ``row`` may also be ``IN (…)``: the records whose ids a subquery gives."""
    qs = sources.keyed(src).filter(pk=SENTINEL)
    sql, params = qs.query.get_compiler(connection=connection).as_sql()
    sql = sql % tuple(_literal(p, connection.vendor) for p in params)
    if sql.count(f"= {SENTINEL}") != 1:
        raise RuntimeError(f"cannot place the row id in the key query of {src.key}")
    return sql.replace(f"= {SENTINEL}", _which(row))


def _which(row: str) -> str:
    """``= NEW.id`` for a row, or the set condition given (``= ANY(ids)``, ``IN (…)``)."""
    return row if row.startswith(("IN ", "= ANY(")) else f"= {row}.id"


def _name(kind: str, src) -> str:
    return f"stats_{kind}_{src.key.replace('.', '_')}"[:63]


def _ledger_upsert(src, connection, row: str) -> str:
    qn = connection.ops.quote_name
    ledger = qn(StatsEntry._meta.db_table)
    cols = ", ".join(qn(c) for c in ["source", "object_id", *LEDGER_COLUMNS])
    picked = ", ".join(
        f"k.{qn('k_' + c)}" for c in ["id", "path", "day", *VALUE_FIELDS, "sensitive", "amount"]
    )
    sets = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in LEDGER_COLUMNS)
    if connection.vendor == "postgresql":
        changed = (
            "("
            + ", ".join(f"{ledger}.{qn(c)}" for c in LEDGER_COLUMNS)
            + ") IS DISTINCT FROM ("
            + ", ".join(f"excluded.{qn(c)}" for c in LEDGER_COLUMNS)
            + ")"
        )
    else:
        changed = " OR ".join(f"{ledger}.{qn(c)} IS NOT excluded.{qn(c)}" for c in LEDGER_COLUMNS)
    return (
        f"INSERT INTO {ledger} ({cols}) SELECT {_literal(src.key, 'any')}, {picked} "
        f"FROM ({key_query(src, connection, row)}) k WHERE true "
        f"ON CONFLICT (source, object_id) DO UPDATE SET {sets} WHERE {changed}"
    )


def _ledger_delete(src, connection, row: str, unless_counted: bool) -> str:
    ledger = connection.ops.quote_name(StatsEntry._meta.db_table)
    sql = (
        f"DELETE FROM {ledger} WHERE source = {_literal(src.key, 'any')} "
        f"AND object_id {_which(row)}"
    )
    if unless_counted:
        # The record no longer qualifies (filters, no date): it leaves the statistics.
        sql += f" AND object_id NOT IN (SELECT k.k_id FROM ({key_query(src, connection, row)}) k)"
    return sql


def _changed(qn, columns: list[str], vendor: str) -> str:
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{qn(c)} {op} NEW.{qn(c)}" for c in columns)


def source_statements(src, connection) -> list[str]:
    qn = connection.ops.quote_name
    vendor = connection.vendor
    table = qn(src.model_class()._meta.db_table)
    columns = sources.watched_columns(src)
    cols = ", ".join(qn(c) for c in columns)
    changed = _changed(qn, columns, vendor)
    ins, upd, dele = (_name(op, src) for op in ("ins", "upd", "del"))
    if vendor == "postgresql":
        # Once per statement over its transition tables: a bulk insert, update or delete
        # (import, deadline sweep, unit move) is one ledger statement, not one per row.
        fn = _name("src", src)
        olds = ", ".join(f"o.{qn(c)}" for c in columns)
        news = ", ".join(f"n.{qn(c)}" for c in columns)
        moved = (
            "SELECT array_agg(n.id) INTO ids FROM new_rows n JOIN old_rows o ON o.id = n.id "
            f"WHERE ({olds}) IS DISTINCT FROM ({news})"
        )
        return [
            f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    counted bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        {_ledger_delete(src, connection, "IN (SELECT id FROM old_rows)", False)};
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(id) INTO ids FROM new_rows;
    ELSE
        -- Only the rows whose counted columns changed (an update of others costs this join).
        {moved};
    END IF;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    {_ledger_upsert(src, connection, "= ANY(ids)")};
    GET DIAGNOSTICS counted = ROW_COUNT;
    IF TG_OP = 'UPDATE' AND counted < cardinality(ids) THEN
        -- Some left the source (its filters, no date) or kept their key: drop the former.
        {_ledger_delete(src, connection, "= ANY(ids)", True)};
    END IF;
    RETURN NULL;
END $$""",
            *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name in (ins, upd, dele)),
            f"CREATE TRIGGER {ins} AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
            f"CREATE TRIGGER {upd} AFTER UPDATE ON {table} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
            f"CREATE TRIGGER {dele} AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in (ins, upd, dele)] + [
        f"CREATE TRIGGER {ins} AFTER INSERT ON {table} FOR EACH ROW "
        f"BEGIN {_ledger_upsert(src, connection, 'NEW')}; END",
        f"CREATE TRIGGER {upd} AFTER UPDATE OF {cols} ON {table} FOR EACH ROW "
        f"WHEN ({changed}) BEGIN {_ledger_delete(src, connection, 'NEW', True)}; "
        f"{_ledger_upsert(src, connection, 'NEW')}; END",
        f"CREATE TRIGGER {dele} AFTER DELETE ON {table} FOR EACH ROW "
        f"BEGIN {_ledger_delete(src, connection, 'OLD', False)}; END",
    ]


# --- ledger → counts --------------------------------------------------------------------------


def month_of(expr: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"CAST(date_trunc('month', {expr}) AS date)"
    return f"strftime('%Y-%m-01', {expr})"


def dims_case(alias: str, vendor: str, keys: list[str] | None = None) -> str:
    """SQL: how many dimensions the source of ledger row ``alias`` declares (of the sources
    ``keys``, or of every source)."""
    dims = " ".join(
        f"WHEN {_literal(s.key, vendor)} THEN {len(sources.dimensions(s))}"
        for s in sources.sources()
        if keys is None or s.key in keys
    )
    return f"(CASE {alias}.source {dims} ELSE 0 END)"


def value_case(dim: str, alias: str = "e") -> str:
    """SQL: the value of dimension ``dim`` of ledger row ``alias`` ('' for dim 0)."""
    whens = " ".join(f"WHEN {i} THEN {alias}.{v}" for i, v in enumerate(VALUE_FIELDS, 1))
    return f"CASE {dim} {whens} ELSE '' END"


def expanded(
    entries: str,
    sign: int,
    vendor: str,
    levels: str = "kept",
    from_depth: int | None = None,
    to_depth: int | None = None,
) -> str:
    """One row per (ancestor path, dimension) of each ledger row of ``entries`` (a FROM item
    with the ledger's columns), carrying ``sign`` and the sign of its sensitivity. ``levels``:
    the ancestors the summary keeps ("kept": down to counts.summary_depth(), the deeper ones
    being left to the ledger), those below it ("deep") or all of them ("all"); and of those
    only the levels ``from_depth`` to ``to_depth``, if given."""
    from . import counts

    depth = counts.summary_depth()
    level = counts.prefix_depth("e.org_path", "p.k")
    shallow = ""
    if depth is not None and levels != "all":
        op = {"kept": "<=", "deep": ">"}[levels]
        shallow = f" AND {level} {op} {depth}"
    elif depth is None and levels == "deep":
        shallow = " AND 1 = 0"
    if from_depth is not None:
        shallow += f" AND {level} >= {int(from_depth)}"
    if to_depth is not None:
        shallow += f" AND {level} <= {int(to_depth)}"
    return (
        f"SELECT e.source AS source, substr(e.org_path, 1, p.k) AS unit_path, d.k AS dim, "
        f"{month_of('e.day', vendor)} AS month, {value_case('d.k')} AS value, {sign} AS dn, "
        f"{sign} * (CASE WHEN e.sensitive THEN 1 ELSE 0 END) AS ds, {sign} * e.amount AS da "
        f"FROM {entries} e "
        f"JOIN {POSITIONS} p ON p.k <= length(e.org_path) "
        f"AND substr(e.org_path, p.k, 1) = '{SEPARATOR}'{shallow} "
        f"JOIN {POSITIONS} d ON d.k <= {dims_case('e', vendor)}"
    )


def grouped(expansions: str) -> str:
    """The expanded rows summed per count row, leaving out those that cancel out."""
    key = "source, unit_path, dim, month, value"
    return (
        f"SELECT {key}, SUM(dn) AS n, SUM(ds) AS ns, SUM(da) AS amount FROM ({expansions}) x "
        f"GROUP BY {key} HAVING SUM(dn) <> 0 OR SUM(ds) <> 0 OR SUM(da) <> 0"
    )


def counts_upsert(expansions: str, connection) -> str:
    qn = connection.ops.quote_name
    counts = qn(StatsCount._meta.db_table)
    key = "source, unit_path, dim, month, value"
    # Rows in key order, so that concurrent writers lock shared ancestors in the same order.
    order = f" ORDER BY {key}" if connection.vendor == "postgresql" else ""
    return (
        f"INSERT INTO {counts} ({key}, n, n_sensitive, amount) "
        f"SELECT * FROM ({grouped(expansions)}) g WHERE true{order} "
        f"ON CONFLICT ({key}) DO UPDATE SET n = {counts}.n + excluded.n, "
        f"n_sensitive = {counts}.n_sensitive + excluded.n_sensitive, "
        f"amount = {counts}.amount + excluded.amount"
    )


def _row_of(row: str, connection) -> str:
    qn = connection.ops.quote_name
    cols = ", ".join(f"{row}.{qn(c)} AS {qn(c)}" for c in ["source", *LEDGER_COLUMNS])
    return f"(SELECT {cols})"


def ledger_statements(connection) -> list[str]:
    vendor = connection.vendor
    ledger = connection.ops.quote_name(StatsEntry._meta.db_table)
    if vendor == "postgresql":
        plus = expanded("new_rows", 1, vendor)
        minus = expanded("old_rows", -1, vendor)
        return [
            f"""CREATE OR REPLACE FUNCTION stats_count_entries() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A ledger statement that changed nothing (the source trigger's guarded delete, the
    -- insert half of an upsert that only updated) still fires: skip it cheaply.
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows) THEN
            {counts_upsert(plus, connection)};
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM old_rows) THEN
            {counts_upsert(minus, connection)};
        END IF;
    ELSIF EXISTS (SELECT 1 FROM new_rows) THEN
        {counts_upsert(f"{minus} UNION ALL {plus}", connection)};
    END IF;
    RETURN NULL;
END $$""",
            f"CREATE OR REPLACE TRIGGER stats_entry_ins AFTER INSERT ON {ledger} "
            "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION stats_count_entries()",
            f"CREATE OR REPLACE TRIGGER stats_entry_upd AFTER UPDATE ON {ledger} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION stats_count_entries()",
            f"CREATE OR REPLACE TRIGGER stats_entry_del AFTER DELETE ON {ledger} "
            "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION stats_count_entries()",
        ]
    plus = expanded(_row_of("NEW", connection), 1, vendor)
    minus = expanded(_row_of("OLD", connection), -1, vendor)
    return [f"DROP TRIGGER IF EXISTS stats_entry_{op}" for op in ("ins", "upd", "del")] + [
        f"CREATE TRIGGER stats_entry_ins AFTER INSERT ON {ledger} FOR EACH ROW "
        f"BEGIN {counts_upsert(plus, connection)}; END",
        f"CREATE TRIGGER stats_entry_upd AFTER UPDATE ON {ledger} FOR EACH ROW "
        f"BEGIN {counts_upsert(f'{minus} UNION ALL {plus}', connection)}; END",
        f"CREATE TRIGGER stats_entry_del AFTER DELETE ON {ledger} FOR EACH ROW "
        f"BEGIN {counts_upsert(minus, connection)}; END",
    ]


def legacy_statements(connection, tables) -> list[str]:
    """Drop the first version's triggers that noted writes in an outbox (StatsDirty)."""
    out = []
    for table in tables:
        for op in ("ins", "upd", "del"):
            name = f"stats_dirty_{op}_{table}"[:63]
            if connection.vendor == "postgresql":
                out.append(f"DROP TRIGGER IF EXISTS {name} ON {connection.ops.quote_name(table)}")
            else:
                out.append(f"DROP TRIGGER IF EXISTS {name}")
    if connection.vendor == "postgresql":
        out.append("DROP FUNCTION IF EXISTS stats_mark_dirty()")
    return out


def drop_sqlite_triggers(using: str = "default") -> None:
    """SQLite: drop the statistics triggers before a migration. A trigger names the tables
    its key query joins (the referral's agency), and SQLite refuses to rename a table while
    a trigger names one that is missing — as it is mid-way through remaking a table."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stats!_%' "
            "ESCAPE '!'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def install(using: str = "default", recount_sqlite: bool = False) -> None:
    """Install (or replace) every statistics trigger; with ``recount_sqlite``, on SQLite also
    recount every source, as writes made while drop_sqlite_triggers() had dropped them (data
    migrations) were not counted."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"statistics triggers for {vendor}")
    existing = set(connection.introspection.table_names())
    needed = {StatsEntry._meta.db_table, StatsCount._meta.db_table, POSITIONS}
    if not needed <= existing:
        return  # stats migrated back: nothing to count in
    statements = legacy_statements(connection, sorted(sources.sources_by_table()))
    statements += ledger_statements(connection)
    for table, srcs in sources.sources_by_table().items():
        if table not in existing:
            continue  # its app is migrated back (a later migrate installs it)
        for src in srcs:
            model = src.model_class()
            if model._meta.pk.column != "id":
                raise NotImplementedError(f"statistics triggers need an 'id' key ({table})")
            statements += source_statements(src, connection)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    if recount_sqlite and vendor == "sqlite":
        from . import maintenance

        for src in sources.sources():
            if src.model_class()._meta.db_table in existing:
                maintenance.rebuild(src, using=using)
