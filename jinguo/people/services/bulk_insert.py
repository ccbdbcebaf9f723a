"""Multi-row INSERT for the bulk import: hundreds of rows per statement (with RETURNING ids)
instead of Django's bulk_create batches, each value still prepared by its field so that
encrypted fields are encrypted exactly as a normal save would."""

import sqlite3
from functools import partial

from django.db import connection, models

INSERT_ROWS = 500  # rows per INSERT … RETURNING statement
# Fields whose Python value goes to the database driver as it is: no call per value.
PLAIN_FIELDS = (
    models.BooleanField,
    models.CharField,
    models.IntegerField,
    models.TextField,
)
PREPARING_METHODS = ("get_prep_value", "get_db_prep_value", "get_db_prep_save")


def _preparer(field):
    """None when the value needs no preparing, else the field's get_db_prep_save.

    A subclass that changes how values are prepared (an encrypted field) is never plain.
    """
    if field.is_relation:
        plain = type(field.target_field) in {models.AutoField, models.BigAutoField}
    else:
        base = next((b for b in PLAIN_FIELDS if isinstance(field, b)), None)
        plain = base is not None and all(
            getattr(type(field), name) is getattr(base, name) for name in PREPARING_METHODS
        )
    return None if plain else partial(field.get_db_prep_save, connection=connection)


def insert_rows(model, rows: list, *, returning: bool = False) -> list[int]:
    """Insert rows — model instances or {attname: value} dicts — sending what bulk_create sends.

    Each value that needs it goes through its field's get_db_prep_save (so encrypted fields
    are encrypted); missing values take the field's default, auto_now fields the time now.
    bulk_create compiles every value of every row into the query through several layers,
    which cost far more than the inserts themselves. With ``returning``, the new primary
    keys in row order.
    """
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key and not f.generated]
    stamped = model()  # the time now, as each auto_now field would set it on save()
    spec = []
    for f in fields:
        prepare = _preparer(f)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            now = f.pre_save(stamped, add=True)
            spec.append(("", now if prepare is None else prepare(now), None))
        else:
            spec.append((f.attname, f.get_default(), prepare))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    insert = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "  # noqa: S608 - model metadata
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"

    def params(row) -> list:
        get = (row if isinstance(row, dict) else row.__dict__).get
        return [
            get(attname, default) if prepare is None else prepare(get(attname, default))
            for attname, default, prepare in spec
        ]

    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(insert + one, [params(row) for row in rows])
            return []
        suffix, suffix_params = connection.ops.return_insert_columns([opts.pk])
        size = max(1, min(INSERT_ROWS, _max_query_params() // len(fields)))
        ids = []
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = [value for row in batch for value in params(row)]
            sql = f"{insert}{', '.join([one] * len(batch))} {suffix}"
            cursor.execute(sql, [*values, *suffix_params])
            # Ids grow in the order the rows were inserted, whatever order RETURNING uses.
            ids.extend(sorted(r[0] for r in cursor.fetchall()))
        return ids


def _max_query_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65_535  # PostgreSQL's limit for one statement
