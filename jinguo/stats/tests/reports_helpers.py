"""Helpers of the report-form tests."""

import datetime

from django.utils import timezone

from jinguo.cases.tests.factories import make_case
from jinguo.stats.periods import add_months


def last_month() -> datetime.date:
    return add_months(timezone.localdate().replace(day=1), -1)


def cases_last_month(unit, n, **kwargs):
    at = timezone.make_aware(
        datetime.datetime.combine(last_month().replace(day=10), datetime.time(10))
    )
    for _ in range(n):
        make_case(unit, received_at=at, **kwargs)
