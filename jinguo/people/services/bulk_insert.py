"""Multi-row INSERT for the bulk import: hundreds of rows per statement (with RETURNING ids)
instead of Django's bulk_create batches, each value still prepared by its field so that
encrypted fields are encrypted exactly as a normal save would."""

import sqlite3
from datetime import date, datetime
from functools import partial
from operator import itemgetter

from django.db import DEFAULT_DB_ALIAS, connections, models

INSERT_ROWS = 500  # rows per INSERT … RETURNING statement
# Fields whose Python value goes to the database driver as it is: no call per value.
PLAIN_FIELDS = (
    models.BooleanField,
    models.CharField,
    models.IntegerField,
    models.TextField,
)
PREPARING_METHODS = ("get_prep_value", "get_db_prep_value", "get_db_prep_save")


def _inherits(field, base, names=PREPARING_METHODS) -> bool:
    """The field prepares values with base's own methods (a subclass may not have changed them)."""
    return isinstance(field, base) and all(
        getattr(type(field), name) is getattr(base, name) for name in names
    )


def _preparer(field, db):
    """None when the value needs no preparing, else a function giving get_db_prep_save's result.

    Dates, aware datetimes and strings skip the layers of get_db_prep_save that leave them as
    they are; anything else goes through it. A subclass that changes how values are prepared
    (an encrypted field) is never plain.
    """
    if field.is_relation:
        if type(field.target_field) in {models.AutoField, models.BigAutoField}:
            return None
    elif any(_inherits(field, base) for base in PLAIN_FIELDS):
        return None
    prepare = partial(field.get_db_prep_save, connection=db)
    if _inherits(field, models.DateTimeField):
        adapt = db.ops.adapt_datetimefield_value
        return lambda v: (
            adapt(v) if type(v) is datetime and v.utcoffset() is not None else prepare(v)
        )
    if _inherits(field, models.DateField):
        adapt = db.ops.adapt_datefield_value
        return lambda v: adapt(v) if type(v) is date else prepare(v)
    if _inherits(field, models.Field, PREPARING_METHODS[1:]):
        # get_db_prep_save(value) is get_prep_value(value) unless the value is an expression.
        prep = field.get_prep_value
        return lambda v: prep(v) if type(v) is str else prepare(v)
    return prepare


def insert_rows(model, rows: list, *, returning: bool = False) -> list[int]:
    """Insert rows — model instances or {attname: value} dicts — sending what bulk_create sends.

    Each value that needs it goes through its field's get_db_prep_save (so encrypted fields
    are encrypted); missing values take the field's default, auto_now fields the time now.
    bulk_create compiles every value of every row into the query through several layers,
    which cost far more than the inserts themselves. With ``returning``, the new primary
    keys in row order.
    """
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key and not f.generated]
    stamped = model()  # the time now, as each auto_now field would set it on save()
    defaults, preparers, constants = {}, [], []
    for i, f in enumerate(fields):
        prepare = _preparer(f, db)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            now = f.pre_save(stamped, add=True)
            constants.append((i, now if prepare is None else prepare(now)))
            continue
        defaults[f.attname] = f.get_default()
        if prepare is not None:
            preparers.append((i, prepare))
    attnames = [f.attname for f in fields]
    row_values = itemgetter(*attnames)
    quote = db.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    insert = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "  # noqa: S608 - model metadata
    sqlite = db.vendor == "sqlite"
    one = "(" + ", ".join(["?" if sqlite else "%s"] * len(fields)) + ")"

    def params(row) -> list:
        data = row if isinstance(row, dict) else row.__dict__
        try:
            values = list(row_values(data))  # every attname present: one C call
        except KeyError:
            values = [data.get(name, defaults.get(name)) for name in attnames]
        for i, value in constants:
            values[i] = value
        for i, prepare in preparers:
            values[i] = prepare(values[i])
        return values

    with db.cursor() as cursor:

        def run(sql: str, args, many: bool = False) -> None:
            if not sqlite:
                (cursor.executemany if many else cursor.execute)(sql, args)
                return
            # Already in SQLite's own placeholders: Django's wrapper would rewrite "%s" with a
            # regular expression over a statement of up to 18,000 of them on every call.
            with db.wrap_database_errors:
                method = sqlite3.Cursor.executemany if many else sqlite3.Cursor.execute
                method(cursor.cursor, sql, args)

        if not returning:
            run(insert + one, [params(row) for row in rows], many=True)
            return []
        suffix, suffix_params = db.ops.return_insert_columns([opts.pk])
        size = max(1, min(INSERT_ROWS, _max_query_params(db) // len(fields)))
        ids = []
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = [value for row in batch for value in params(row)]
            sql = f"{insert}{', '.join([one] * len(batch))} {suffix}"
            run(sql, [*values, *suffix_params])
            # Ids grow in the order the rows were inserted, whatever order RETURNING uses.
            ids.extend(sorted(r[0] for r in cursor.fetchall()))
        return ids


def _max_query_params(db) -> int:
    if db.vendor == "sqlite":
        db.ensure_connection()
        return db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65_535  # PostgreSQL's limit for one statement
