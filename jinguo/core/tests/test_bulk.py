"""insert_rows: many new rows at once (COPY on PostgreSQL), each with its id, values prepared
by their fields, errors as Django's, and an audit batch that still verifies as a chain."""

import pytest
from django.db import IntegrityError, transaction

from jinguo.core import audit
from jinguo.core.bulk import COPY_THRESHOLD, insert_rows
from jinguo.core.models import AuditEvent, CalendarDay, CalendarDayKind

pytestmark = pytest.mark.django_db(transaction=True)

MANY = COPY_THRESHOLD + 50


def test_a_large_audit_batch_keeps_the_chain_in_id_order(tree):
    with transaction.atomic(), audit.batched():
        for n in range(MANY):
            audit.record_change(None, tree.city, "update", after={"n": n, "名": "甲"}, step="bulk")
    rows = list(AuditEvent.objects.filter(detail__step="bulk").order_by("id"))
    assert [r.after["n"] for r in rows] == list(range(MANY))
    assert rows[-1].after["名"] == "甲"
    assert audit.verify_chain().ok


def test_ids_are_set_and_a_duplicate_is_an_integrity_error():
    from datetime import date, timedelta

    days = [
        CalendarDay(
            date=date(2030, 1, 1) + timedelta(days=n), kind=CalendarDayKind.HOLIDAY, name=f"第{n}天"
        )
        for n in range(MANY)
    ]
    created = insert_rows(CalendarDay, days)
    assert all(d.pk for d in created)
    stored = CalendarDay.objects.get(pk=created[7].pk)
    assert (stored.name, stored.kind, stored.source) == ("第7天", "holiday", "manual")
    assert stored.updated_at is not None  # auto_now, as save() sets it
    again = [CalendarDay(date=d.date, kind="holiday") for d in days]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(CalendarDay, again)
