"""Case numbers: ``<unit code>-<year>-<sequence>``, unique per unit and year.

The next sequence comes from the unit's CaseCounter row for the year, incremented and read
back by one UPDATE … RETURNING that keeps the row locked for the rest of the caller's transaction (never ``max()+1``: two operators
registering at the same moment would both get the same number).
"""

import functools

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import CaseCounter

SEQUENCE_DIGITS = 6


def format_number(unit_code: str, year: int, sequence: int) -> str:
    return f"{unit_code}-{year}-{sequence:0{SEQUENCE_DIGITS}d}"


def _create_counter(org, year: int) -> None:
    try:
        # A savepoint: losing the creation race must not poison the caller's transaction.
        with transaction.atomic():
            CaseCounter.objects.create(org=org, year=year, last=0)
    except IntegrityError:
        pass  # another writer created it first


def _increment(org, year: int) -> int | None:
    """Add one to the counter and read it back in one statement (the row stays locked until
    the transaction ends); None when the unit has no counter for the year yet."""
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        counter = CaseCounter.objects.select_for_update().filter(org=org, year=year).first()
        if counter is None:
            return None
        CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db(fields=["last"])
        return counter.last
    with connection.cursor() as cursor:
        cursor.execute(_increment_sql(), [org.pk, year])
        row = cursor.fetchone()
    return row[0] if row else None


@functools.cache
def _increment_sql() -> str:
    meta, q = CaseCounter._meta, connection.ops.quote_name
    last, org, year = (q(meta.get_field(name).column) for name in ("last", "org", "year"))
    table = q(meta.db_table)
    return (  # names from the model's metadata; values are parameters
        f"UPDATE {table} SET {last} = {last} + 1 "  # noqa: S608
        f"WHERE {org} = %s AND {year} = %s RETURNING {last}"
    )


def next_case_number(org, *, at=None) -> str:
    """The next number of ``org`` for the year of ``at`` (local time); call inside a
    transaction — the counter row stays locked until it ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_case_number must run inside a transaction")
    year = timezone.localtime(at or timezone.now()).year
    sequence = _increment(org, year)
    if sequence is None:
        _create_counter(org, year)
        sequence = _increment(org, year)
    return format_number(org.code, year, sequence)
