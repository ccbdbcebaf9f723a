"""Case numbers: ``<unit code>-<year>-<sequence>``, unique per unit and year.

The next sequence comes from the unit's CaseCounter row for the year, locked with
select_for_update for the rest of the caller's transaction (never ``max()+1``: two operators
registering at the same moment would both get the same number).
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..models import CaseCounter

SEQUENCE_DIGITS = 6


def format_number(unit_code: str, year: int, sequence: int) -> str:
    return f"{unit_code}-{year}-{sequence:0{SEQUENCE_DIGITS}d}"


def _locked_counter(org, year: int) -> CaseCounter:
    counter = CaseCounter.objects.select_for_update().filter(org=org, year=year).first()
    if counter is not None:
        return counter
    try:
        # A savepoint: losing the creation race must not poison the caller's transaction.
        with transaction.atomic():
            CaseCounter.objects.create(org=org, year=year, last=0)
    except IntegrityError:
        pass  # another writer created it first; lock theirs
    return CaseCounter.objects.select_for_update().get(org=org, year=year)


def next_case_number(org, *, at=None) -> str:
    """The next number of ``org`` for the year of ``at`` (local time); call inside a
    transaction — the counter row stays locked until it ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_case_number must run inside a transaction")
    year = timezone.localtime(at or timezone.now()).year
    counter = _locked_counter(org, year)
    CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return format_number(org.code, year, counter.last)
