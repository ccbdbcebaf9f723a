"""Inserting many new rows fast: the one backend-specific path for writes in bulk.

- insert_rows(model, objs, *, using="default") -> list   the objects, each with its id set

On PostgreSQL the ids are drawn from the table's sequence first (in list order, in one
statement) and the rows are streamed with COPY: for tens of thousands of rows this is many
times faster than a multi-row INSERT, whose values Django prepares and binds one by one.
Elsewhere (SQLite) it is ``bulk_create``. Either way the values are prepared by the fields
themselves (``get_db_prep_save``: encryption, JSON), defaults apply as for ``save()``, no
signals are sent, and the rows commit or roll back with the caller's transaction.
"""

from enum import Enum

from django.db import connections, models

# Below this many rows the ordinary INSERT is as quick and needs no sequence round trip.
COPY_THRESHOLD = 200


# Fields whose stored value is the attribute itself (psycopg adapts it). Exact classes only:
# a subclass (an encrypted text field) prepares its value in its own way.
PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
)


def _plain(field) -> bool:
    if type(field) in PLAIN:
        return True
    # Without auto_now there is nothing for pre_save to do; aware datetimes go as they are.
    return type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add)


def _preparer(field, connection):
    if _plain(field):
        attname = field.attname

        def plain(obj):
            value = getattr(obj, attname)
            # A choices member (AlertStatus.OPEN) is stored as its value, never its name.
            return value.value if isinstance(value, Enum) else value

        return plain
    # As save() prepares it; psycopg dumps the result (JSON comes wrapped as Jsonb).
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)


def insert_rows(model, objs, *, using: str = "default") -> list:
    objs = list(objs)
    connection = connections[using]
    if connection.vendor != "postgresql" or len(objs) < COPY_THRESHOLD:
        return model.objects.using(using).bulk_create(objs)
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        for obj, new_id in zip(objs, ids, strict=True):
            setattr(obj, pk.attname, new_id)
        prepare = [_preparer(f, connection) for f in fields]
        rows = [[p(obj) for p in prepare] for obj in objs]
        raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
        # Django's error classes (IntegrityError…) as for any other statement.
        with (
            connection.wrap_database_errors,
            raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs
