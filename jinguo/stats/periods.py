"""The period a dashboard shows (month, quarter, year or custom) and the one before it.

Every period is whole months: the summary counts by month (see models.StatsCount), so a
custom period runs from the first month asked for to the last, inclusive.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = ("month", "quarter", "year", "custom")
MAX_CUSTOM_DAYS = 366 * 10


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date  # first day
    end: datetime.date  # day after the last

    @property
    def last(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    @property
    def at(self) -> str:
        """The value of the ``at`` parameter that selects this period."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return ""

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(y)d年%(m)d月") % {"y": self.start.year, "m": self.start.month}
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return _("%(y)d年第%(q)d季度") % {"y": self.start.year, "q": q}
        if self.kind == "year":
            return _("%(y)d年") % {"y": self.start.year}
        return f"{self.start:%Y-%m} — {self.last:%Y-%m}"

    def previous(self) -> Period:
        if self.kind == "custom":
            months = len(months_between(self.start, self.end))
        else:
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return Period(self.kind, add_months(self.start, -months), self.start)

    def params(self) -> dict[str, str]:
        if self.kind == "custom":
            return {"period": "custom", "start": f"{self.start:%Y-%m}", "end": f"{self.last:%Y-%m}"}
        return {"period": self.kind, "at": self.at}


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """First days of the months that meet [start, end)."""
    first = start.replace(day=1)
    out = []
    while first < end:
        out.append(first)
        first = add_months(first, 1)
    return out


def _month_of(text) -> datetime.date:
    """The first day of the month of ``2026-05`` or ``2026-05-17``."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}-\d{1,2}", text):
        text += "-01"
    return datetime.date.fromisoformat(text).replace(day=1)


def _month(kind: str, start: datetime.date) -> Period:
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    return Period(kind, start, add_months(start, months))


def parse(params, today: datetime.date | None = None) -> tuple[Period, str | None]:
    """The period the query parameters ask for, or the current month and why not."""
    today = today or timezone.localdate()
    kind = params.get("period") or "month"
    at = (params.get("at") or "").strip()
    default = _month("month", today.replace(day=1))
    try:
        if kind == "month":
            if not at:
                return default, None
            m = re.fullmatch(r"(\d{4})-(\d{1,2})", at)
            return _month("month", datetime.date(int(m[1]), int(m[2]), 1)), None
        if kind == "quarter":
            if not at:
                at = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
            m = re.fullmatch(r"(\d{4})-Q([1-4])", at, re.IGNORECASE)
            return _month("quarter", datetime.date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1)), None
        if kind == "year":
            year = int(at) if at else today.year
            return _month("year", datetime.date(year, 1, 1)), None
        if kind == "custom":
            start, last = _month_of(params.get("start")), _month_of(params.get("end"))
            if last < start or (last - start).days > MAX_CUSTOM_DAYS:
                return default, _("自定义时段须起止有序且不超过十年，已显示本月。")
            return Period("custom", start, add_months(last, 1)), None
    except (TypeError, ValueError):
        pass
    return default, _("无法识别所选时段，已显示本月。")
