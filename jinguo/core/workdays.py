"""Working days: official holidays and make-up working days, and deadlines counted over them.

The CalendarDay table lists the days that break the Monday-to-Friday rule. It is seeded from
chinese_calendar for the years that package knows and edited by administrators when the State
Council publishes a new year's schedule. A year without rows falls back to weekends only:
no computation here ever raises for an unknown year.

The table is small (a few dozen rows a year), so each process keeps a copy keyed by year. The
copy is dropped when a row is saved or deleted in this process (signals) and checked against a
cheap version query (row count, newest change, highest id) before each public computation, so
an edit made by another worker process is seen on its next computation.
"""

import datetime
import logging
import threading
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import AuditKind, CalendarDay, CalendarDayKind, CalendarDaySource

logger = logging.getLogger(__name__)

Days = dict[datetime.date, str]  # date -> CalendarDayKind value


@dataclass(frozen=True)
class _Snapshot:
    version: tuple
    by_year: dict[int, Days]


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
_warned_years: set[int] = set()


def invalidate_cache() -> None:
    global _snapshot
    with _lock:
        _snapshot = None


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def _calendar_changed(sender, **kwargs):
    invalidate_cache()


def _version() -> tuple:
    row = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (row["n"], row["last"], row["top"])


def _current() -> _Snapshot:
    """The table by year: one version query, plus one load when the table changed."""
    global _snapshot
    version = _version()
    snap = _snapshot
    if snap is not None and snap.version == version:
        return snap
    by_year: dict[int, Days] = {}
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        by_year.setdefault(day.year, {})[day] = kind
    snap = _Snapshot(version, by_year)
    with _lock:
        _snapshot = snap
    return snap


def _is_workday(snap: _Snapshot, day: datetime.date) -> bool:
    days = snap.by_year.get(day.year)
    if days is None:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning("no holiday schedule for %s; counting weekends only", day.year)
        return day.weekday() < 5
    kind = days.get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.WORKDAY:
        return True
    return day.weekday() < 5


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def is_workday(d: datetime.date | datetime.datetime) -> bool:
    """Whether people work that day: a listed holiday rests, a listed make-up day works,
    any other day works Monday to Friday."""
    return _is_workday(_current(), _as_date(d))


def add_days(start: datetime.date | datetime.datetime, n: int, *, working: bool) -> datetime.date:
    """The date ``n`` calendar or working days after ``start``.

    Counting starts the day after ``start``, as the petition regulation counts: 15 working days
    from a Friday is the 15th working day after it. A negative ``n`` counts backwards.
    """
    day = _as_date(start)
    if not working or n == 0:
        return day + datetime.timedelta(days=n)
    snap = _current()
    step = datetime.timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if _is_workday(snap, day):
            remaining -= 1
    return day


def years_with_data() -> set[int]:
    return set(_current().by_year)


def years_without_data(years) -> list[int]:
    """The years among ``years`` with no holiday schedule at all (seeded or entered)."""
    known = years_with_data()
    return sorted({int(y) for y in years} - known)


def days_of_year(year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(date__year=year).select_related("updated_by"))


# --- seeding from chinese_calendar -------------------------------------------------------


def _chinese_name(english: str | None) -> str:
    if not english:
        return ""
    from chinese_calendar.constants import Holiday

    try:
        return Holiday(english).chinese
    except ValueError:
        return english


def known_seed_years() -> list[int]:
    """The years chinese_calendar has official schedules for."""
    from chinese_calendar.constants import holidays

    years = {d.year for d in holidays}
    return list(range(min(years), max(years) + 1))


def _seed_year(year: int) -> Days | None:
    """The days of ``year`` that break the weekday rule, with names; None if unknown."""
    from chinese_calendar import get_holiday_detail

    found: dict[datetime.date, tuple[str, str]] = {}
    day = datetime.date(year, 1, 1)
    while day.year == year:
        try:
            rest, name = get_holiday_detail(day)
        except NotImplementedError:
            return None
        if name:
            if rest:
                found[day] = (CalendarDayKind.HOLIDAY, _chinese_name(name))
            elif day.weekday() >= 5:
                found[day] = (CalendarDayKind.WORKDAY, _chinese_name(name))
        day += datetime.timedelta(days=1)
    return found


def seed_from_chinese_calendar(years=None, *, user=None) -> dict:
    """Load holidays and make-up days into CalendarDay; idempotent; manual rows are kept.

    Seed rows that the package no longer lists for a seeded year are removed. Years the
    package does not know are reported in ``unavailable`` and left as they are.
    """
    years = sorted({int(y) for y in years}) if years else known_seed_years()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept_manual": 0, "removed": 0}
    seeded: list[int] = []
    unavailable: list[int] = []
    with transaction.atomic():
        for year in years:
            wanted = _seed_year(year)
            if wanted is None:
                unavailable.append(year)
                continue
            seeded.append(year)
            existing = {d.date: d for d in CalendarDay.objects.filter(date__year=year)}
            to_create, to_update = [], []
            for day, (kind, name) in sorted(wanted.items()):
                row = existing.get(day)
                if row is None:
                    to_create.append(
                        CalendarDay(date=day, kind=kind, name=name, source=CalendarDaySource.SEED)
                    )
                elif row.source == CalendarDaySource.MANUAL:
                    counts["kept_manual"] += 1
                elif (row.kind, row.name) != (kind, name):
                    row.kind, row.name = kind, name
                    row.updated_at = timezone.now()
                    to_update.append(row)
                else:
                    counts["unchanged"] += 1
            stale = [
                row.pk
                for day, row in existing.items()
                if row.source == CalendarDaySource.SEED and day not in wanted
            ]
            CalendarDay.objects.bulk_create(to_create)
            CalendarDay.objects.bulk_update(to_update, ["kind", "name", "updated_at"])
            if stale:
                CalendarDay.objects.filter(pk__in=stale).delete()
            counts["created"] += len(to_create)
            counts["updated"] += len(to_update)
            counts["removed"] += len(stale)
        changed = counts["created"] + counts["updated"] + counts["removed"]
        if changed:
            audit.write_event(
                kind=AuditKind.CHANGE,
                action="import",
                user=user,
                object_type=CalendarDay._meta.label_lower,
                detail={"source": "chinese_calendar", "years": seeded, **counts},
            )
    invalidate_cache()  # bulk writes send no signals
    return {**counts, "years": seeded, "unavailable": unavailable}


# --- administrators' edits -----------------------------------------------------------------


def validate_day(*, date: datetime.date, kind: str, instance: CalendarDay | None = None) -> None:
    errors = {}
    duplicate = CalendarDay.objects.filter(date=date)
    if instance is not None and instance.pk:
        duplicate = duplicate.exclude(pk=instance.pk)
    if duplicate.exists():
        errors["date"] = _("%(date)s 已经录入过，同一日期只能录入一次，请修改原记录。") % {
            "date": f"{date:%Y-%m-%d}"
        }
    if kind == CalendarDayKind.WORKDAY and date.weekday() < 5:
        errors["kind"] = _("调休上班日必须是星期六或星期日；工作日本来就要上班，无需录入。")
    if errors:
        raise ValidationError(errors)


def create_calendar_day(user, *, date, kind, name="") -> CalendarDay:
    validate_day(date=date, kind=kind)
    with transaction.atomic():
        day = CalendarDay.objects.create(
            date=date,
            kind=kind,
            name=name.strip(),
            source=CalendarDaySource.MANUAL,
            updated_by=user,
        )
        audit.record_change(user, day, "create", after=audit.snapshot(day))
    return day


def update_calendar_day(user, day: CalendarDay, *, date, kind, name="") -> CalendarDay:
    """Change a row; a changed seed row becomes manual so a later seed keeps it."""
    validate_day(date=date, kind=kind, instance=day)
    with transaction.atomic():
        before = audit.snapshot(day)
        day.date, day.kind, day.name = date, kind, name.strip()
        day.source = CalendarDaySource.MANUAL
        day.updated_by = user
        day.save()
        audit.record_change(user, day, "update", before=before, after=audit.snapshot(day))
    return day


def delete_calendar_day(user, day: CalendarDay) -> None:
    with transaction.atomic():
        before = audit.snapshot(day)
        pk = day.pk
        day.delete()
        day.pk = pk  # the audit row names what was deleted; it is written last
        audit.record_change(user, day, "delete", before=before)
