"""The dashboard of a unit: what its leader reads, built from the summary only.

Figures of the appeals (cases.case) are defined here as data — a filter on the source's
dimensions, whether it counts the period's records or every record now, and which way is
better — so the key figures, the ranking of child units, the drill-down and the API share
one definition. Every other source a user may see gets its period total beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import selectors, sources
from .periods import Period, add_months, months_between
from .selectors import Cell

CASES = "cases.case"
OPEN = ["registered", "accepted", "assigned", "in_progress"]
HANDLED = ["resolved", "closed", "declined"]
DUE_KNOWN = ["ok", "soon", "overdue"]


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    where: dict
    current: bool = False  # every record as it stands now, not the period's
    better: str = "high"  # "high" or "low": which end of the ranking leads
    list_params: dict | None = None  # what the case list needs to show the records behind


METRICS = [
    Metric("received", _("收到诉求"), {}, list_params={}),
    Metric("handled", _("已办结"), {"status": HANDLED}),
    Metric("open", _("办理中"), {"status": OPEN}, better="low"),
    Metric(
        "overdue",
        _("当前超期"),
        {"due_state": "overdue"},
        current=True,
        better="low",
        list_params={"due_state": "overdue"},
    ),
    Metric(
        "urgent",
        _("紧急诉求"),
        {"urgency": "urgent"},
        better="low",
        list_params={"urgency": "urgent"},
    ),
]
METRIC = {m.key: m for m in METRICS}
RANK_BY = ["on_time", *METRIC]


def _pct(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def case_list_url(unit, period: Period | None, params: dict) -> str:
    query = {"queue": "all", "unit": unit.pk, **params}
    if period is not None:
        query["received_after"] = f"{period.start}"
        query["received_before"] = f"{period.last}"
    return reverse("cases:case_list") + "?" + urlencode(query)


def _metric_cell(src, path, period: Period, metric: Metric) -> Cell:
    return selectors.total(src, path, None if metric.current else period, metric.where)


def _on_time(src, path) -> tuple[Cell, Cell]:
    """Open cases with a deadline now, and those of them not overdue."""
    with_due = selectors.total(src, path, None, {"due_state": DUE_KNOWN})
    in_time = selectors.total(src, path, None, {"due_state": ["ok", "soon"]})
    return with_due, in_time


def key_figures(user, src, unit, period: Period) -> list[dict]:
    previous = period.previous()
    cells, figures = [], []
    for metric in METRICS:
        now = _metric_cell(src, unit.path, period, metric)
        before = None if metric.current else _metric_cell(src, unit.path, previous, metric)
        cells += [now] + ([before] if before else [])
        figures.append({"metric": metric, "now": now, "before": before})
    selectors.suppress(user, cells)
    out = []
    for f in figures:
        metric, now, before = f["metric"], f["now"], f["before"]
        change = None
        if before is not None and now.shown is not None and before.shown is not None:
            change = now.n - before.n
        out.append(
            {
                "key": metric.key,
                "label": str(metric.label),
                "count": now.shown,
                "previous": before.shown if before else None,
                "change": change,
                "change_pct": _pct(change, before.n) if before and change is not None else None,
                "current": metric.current,
                "list_url": case_list_url(
                    unit, None if metric.current else period, metric.list_params
                )
                if metric.list_params is not None
                else None,
            }
        )
    with_due, in_time = _on_time(src, unit.path)
    selectors.suppress(user, [with_due, in_time])
    out.append(
        {
            "key": "on_time",
            "label": str(_("在办按期率")),
            "count": None,
            "rate": _pct(in_time.shown, with_due.shown),
            "current": True,
            "detail": with_due.shown,
            "list_url": None,
        }
    )
    return out


def children_table(user, src, unit, period: Period, rank: str) -> list[dict]:
    columns = {}
    for metric in METRICS:
        cells, _own = selectors.by_child(
            src, unit, None if metric.current else period, metric.where
        )
        columns[metric.key] = selectors.suppress(user, cells)
    with_due, _o = selectors.by_child(src, unit, None, {"due_state": DUE_KNOWN})
    in_time, _o = selectors.by_child(src, unit, None, {"due_state": ["ok", "soon"]})
    selectors.suppress(user, with_due)
    selectors.suppress(user, in_time)
    table = []
    for i, child in enumerate(columns["received"]):
        row = {"unit_id": int(child.value), "unit": child.label}
        for metric in METRICS:
            row[metric.key] = columns[metric.key][i].shown
        row["on_time"] = _pct(in_time[i].shown, with_due[i].shown)
        row["overdue_url"] = None
        table.append(row)
    better = "high" if rank == "on_time" else METRIC[rank].better

    def sort_key(row):
        value = row.get(rank)
        if value is None:
            return (1, 0, row["unit"])
        return (0, -value if better == "high" else value, row["unit"])

    table.sort(key=sort_key)
    for position, row in enumerate(table, start=1):
        row["rank"] = position
    return table


def distributions(user, src, unit, period: Period) -> list[dict]:
    out = []
    for dim in ("category", "channel", "status", "due_state", "urgency"):
        if dim not in src.dimensions:
            continue
        cells = selectors.suppress(user, selectors.by_dimension(src, unit.path, dim, period))
        rows = []
        for c in cells:
            params = {dim: c.value} if dim in ("category", "channel", "status", "urgency") else {}
            if dim == "due_state":
                params = {"due_state": c.value}
            rows.append(
                {
                    "label": c.label,
                    "value": c.value,
                    "count": c.shown,
                    "list_url": case_list_url(unit, period, params) if c.value else None,
                }
            )
        out.append({"key": dim, "label": str(src.dimensions[dim]), "rows": rows})
    return out


def trend(user, src, unit, period: Period) -> list[dict]:
    months = months_between(period.start, period.end)
    if len(months) < 12:
        months = months_between(add_months(months[-1], -11), period.end)
    cells = selectors.suppress(user, selectors.by_month(src, unit.path, months))
    return [{"label": c.label, "count": c.shown} for c in cells]


def other_sources(user, unit, period: Period) -> list[dict]:
    out = []
    previous = period.previous()
    for src in selectors.visible_sources(user):
        now = selectors.total(src, unit.path, period)
        before = selectors.total(src, unit.path, previous)
        selectors.suppress(user, [now, before])
        change = None
        if now.shown is not None and before.shown is not None:
            change = now.n - before.n
        out.append(
            {
                "key": src.key,
                "label": str(src.label),
                "count": now.shown,
                "previous": before.shown,
                "change": change,
                "date_label": str(
                    src.model_class()._meta.get_field(src.date_field).verbose_name or ""
                ),
            }
        )
    return out


def dashboard(user, unit, period: Period, rank: str = "on_time") -> dict:
    """Everything the dashboard page and its API show, scoped and suppressed for ``user``."""
    src = selectors.visible_source(user, CASES)
    data = {
        "unit": {"id": unit.pk, "name": unit.name, "path": unit.path},
        "period": {"kind": period.kind, "start": period.start, "end": period.last},
        "sources": other_sources(user, unit, period),
        "cases": None,
    }
    if src is not None and sources.source(CASES):
        data["cases"] = {
            "figures": key_figures(user, src, unit, period),
            "trend": trend(user, src, unit, period),
            "distributions": distributions(user, src, unit, period),
            "children": children_table(user, src, unit, period, rank),
            "rank": rank,
        }
    return data
