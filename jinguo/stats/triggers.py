"""Database triggers that note every write to a statistics source's table in StatsDirty.

Django's signals do not see ``QuerySet.update()``, ``bulk_create`` or raw inserts (the deadline
sweep, person imports, moving records with their case); a trigger sees every row whatever
wrote it, in the writing transaction. The one backend-specific piece of the statistics: the
DDL below for SQLite and PostgreSQL. Installed after every migrate and by stats_rebuild;
idempotent.
"""

from django.db import connections

from . import sources
from .models import StatsDirty

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION stats_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO {dirty} (table_name, object_id) VALUES (TG_TABLE_NAME, OLD.id);
        RETURN OLD;
    END IF;
    INSERT INTO {dirty} (table_name, object_id) VALUES (TG_TABLE_NAME, NEW.id);
    RETURN NEW;
END $$
"""


def _name(table: str, op: str) -> str:
    return f"stats_dirty_{op}_{table}"[:63]


def _changed(qn, columns: list[str], vendor: str) -> str:
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{qn(c)} {op} NEW.{qn(c)}" for c in columns)


def statements(vendor: str, qn, table: str, columns: list[str]) -> list[str]:
    dirty = qn(StatsDirty._meta.db_table)
    t = qn(table)
    cols = ", ".join(qn(c) for c in columns)
    changed = _changed(qn, columns, vendor)
    if vendor == "postgresql":
        run = "FOR EACH ROW{when} EXECUTE FUNCTION stats_mark_dirty()"
        return [
            f"CREATE OR REPLACE TRIGGER {_name(table, 'ins')} AFTER INSERT ON {t} "
            + run.format(when=""),
            f"CREATE OR REPLACE TRIGGER {_name(table, 'upd')} AFTER UPDATE OF {cols} ON {t} "
            + run.format(when=f" WHEN ({changed})"),
            f"CREATE OR REPLACE TRIGGER {_name(table, 'del')} AFTER DELETE ON {t} "
            + run.format(when=""),
        ]
    insert = f"INSERT INTO {dirty} (table_name, object_id) VALUES ('{table}', {{row}}.id);"
    return [f"DROP TRIGGER IF EXISTS {_name(table, op)}" for op in ("ins", "upd", "del")] + [
        f"CREATE TRIGGER {_name(table, 'ins')} AFTER INSERT ON {t} FOR EACH ROW "
        f"BEGIN {insert.format(row='NEW')} END",
        f"CREATE TRIGGER {_name(table, 'upd')} AFTER UPDATE OF {cols} ON {t} FOR EACH ROW "
        f"WHEN ({changed}) BEGIN {insert.format(row='NEW')} END",
        f"CREATE TRIGGER {_name(table, 'del')} AFTER DELETE ON {t} FOR EACH ROW "
        f"BEGIN {insert.format(row='OLD')} END",
    ]


def install(using: str = "default") -> None:
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"statistics triggers for {vendor}")
    qn = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    if StatsDirty._meta.db_table not in existing:
        return  # stats migrated back: nothing to note changes in
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(PG_FUNCTION.format(dirty=qn(StatsDirty._meta.db_table)))
        for table, srcs in sources.sources_by_table().items():
            if table not in existing:
                continue  # its app is migrated back (a later migrate installs it)
            model = srcs[0].model_class()
            if model._meta.pk.column != "id":
                raise NotImplementedError(f"statistics triggers need an 'id' key ({table})")
            columns = []
            for src in srcs:
                columns += [c for c in sources.watched_columns(src) if c not in columns]
            for sql in statements(vendor, qn, table, columns):
                cursor.execute(sql)
