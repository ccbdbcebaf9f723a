"""The dashboard of a unit: what its leader reads, built from the summary only.

Figures of the appeals (cases.case) are defined here as data — a filter on the source's
dimensions, whether it counts the period's records or every record now, and which way is
better — so the key figures, the ranking of child units, the drill-down and the API share
one definition. Every other source a user may see gets its period total beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jinguo.orgs.models import OrgUnit

from . import counts, selectors, sources
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


@cache
def _case_list() -> str:
    return reverse("cases:case_list")


def case_list_url(unit, period: Period | None, params: dict) -> str:
    query = {"queue": "all", "unit": unit.pk}
    if period is not None:
        query["received_after"] = f"{period.start}"
        query["received_before"] = f"{period.last}"
    return _list_base(tuple(query.items())) + (f"&{urlencode(params)}" if params else "")


@lru_cache(maxsize=512)
def _list_base(query: tuple) -> str:
    """The case list's address with the unit and period (shared by a dashboard's links)."""
    return _case_list() + "?" + urlencode(query)


_UNITS = OrgUnit._meta.db_table


def _fetch(sql: str, params: list) -> list[tuple]:
    """The dashboard's few summary reads are plain SQL: compiling ORM queries cost more than
    running them."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Frame:
    """A unit's counts of one source for one dashboard, read in one query and summed by the
    database into buckets: per dimension and value, this period ("p"), the previous one
    ("q") and the rest of the months read (""); the all-records rows (dim 0) also per month
    for the trend. Figures are then added up in Python from a few hundred rows at most.

    ``total(None, …)`` (every record now) is only right for the ``current_dims`` read over
    every month."""

    def __init__(self, src, period: Period, rows):
        self.src = src
        self.period, self.previous = period, period.previous()
        self.by_dim: dict[int, list[tuple]] = {}  # dim → [(value, bucket, month, n, ns)]
        for dim, value, bucket, month, n, ns in rows:
            month = None if month is None else selectors.as_date(month)
            self.by_dim.setdefault(dim, []).append((value, bucket, month, n, ns))

    @classmethod
    def read(cls, src, path: str, period: Period, start, current_dims: list[int]) -> Frame:
        """Months [start, period.end), and every month of ``current_dims``."""
        previous = period.previous()
        marks = ", ".join(["%s"] * len(current_dims)) or "NULL"
        relation, rel_params = counts.relation([path], [src.key])
        got = _fetch(
            "SELECT dim, value, "  # noqa: S608 - names and placeholders
            "CASE WHEN month >= %s AND month < %s THEN 'p' "
            "WHEN month >= %s AND month < %s THEN 'q' ELSE '' END AS bucket, "
            "CASE WHEN dim = 0 THEN month END AS m, SUM(n), SUM(n_sensitive) "
            f"FROM {relation} c WHERE source = %s AND unit_path = %s "
            f"AND ((month >= %s AND month < %s) OR dim IN ({marks})) "
            "GROUP BY dim, value, bucket, m",
            [
                *(period.start, period.end, previous.start, previous.end, *rel_params),
                *(src.key, path, start, period.end, *current_dims),
            ],
        )
        return cls(src, period, got)

    def _bucket(self, period: Period | None) -> str | None:
        if period is None:
            return None
        if period == self.period:
            return "p"
        if period == self.previous:
            return "q"
        raise ValueError("the frame holds its period and the previous one only")

    def _match(self, period: Period | None, where: dict | None):
        dim, values = selectors.condition(self.src, where)
        wanted = None if values is None else set(values)
        bucket = self._bucket(period)
        for value, b, month, n, ns in self.by_dim.get(dim, ()):
            if (wanted is None or value in wanted) and (bucket is None or b == bucket):
                yield value, month, n, ns

    def total(self, period: Period | None, where: dict | None = None) -> Cell:
        n = ns = 0
        for _v, _m, a, b in self._match(period, where):
            n, ns = n + a, ns + b
        return Cell(n, ns, selectors.is_sensitive_where(self.src, where))

    def by_dimension(self, dimension: str, period: Period) -> list[Cell]:
        counted: dict[str, tuple[int, int]] = {}
        for value, _m, a, b in self._match(period, {dimension: None}):
            n, ns = counted.get(value, (0, 0))
            counted[value] = (n + a, ns + b)
        return selectors.dimension_cells(self.src, dimension, counted)

    def by_month(self, months: list) -> list[Cell]:
        counted: dict = {}
        for _v, month, a, b in self._match(None, None):
            n, ns = counted.get(month, (0, 0))
            counted[month] = (n + a, ns + b)
        return [
            Cell(*counted.get(m, (0, 0)), label=f"{m:%Y-%m}", value=f"{m:%Y-%m}") for m in months
        ]


def _trend_months(period: Period) -> list:
    months = months_between(period.start, period.end)
    if len(months) < 12:
        months = months_between(add_months(months[-1], -11), period.end)
    return months


def key_figures(user, frame: Frame, unit, period: Period) -> list[dict]:
    previous = period.previous()
    cells, figures = [], []
    for metric in METRICS:
        now = frame.total(None if metric.current else period, metric.where)
        before = None if metric.current else frame.total(previous, metric.where)
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
    with_due = frame.total(None, {"due_state": DUE_KNOWN})
    in_time = frame.total(None, {"due_state": ["ok", "soon"]})
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


def _children(unit) -> list[tuple[int, str, str]]:
    """(id, name, path) of the unit's children, in code order."""
    return _fetch(
        f"SELECT id, name, path FROM {_UNITS} WHERE parent_id = %s ORDER BY code",  # noqa: S608
        [unit.pk],
    )


def children_table(user, src, unit, period: Period, rank: str) -> list[dict]:
    """Every child with every ranked figure: one query over the children's own rows."""
    children = _children(unit)
    dims = {0}
    for metric in METRICS:
        dims.add(selectors.condition(src, metric.where)[0])
    due = selectors.dim_index(src, "due_state")
    paths = [path for _pk, _name, path in children]
    dims = sorted(dims)
    # (path, dim) → [(value, in period n, n_sensitive, all n, n_sensitive)]
    rows: dict[tuple[str, int], list[tuple]] = {}
    if paths:
        in_period = "month >= %s AND month < %s"
        relation, rel_params = counts.relation(paths, [src.key])
        got = _fetch(
            f"SELECT unit_path, dim, value, "  # noqa: S608 - names and placeholders
            f"SUM(CASE WHEN {in_period} THEN n ELSE 0 END), "
            f"SUM(CASE WHEN {in_period} THEN n_sensitive ELSE 0 END), SUM(n), SUM(n_sensitive) "
            f"FROM {relation} c WHERE source = %s "
            f"AND dim IN ({', '.join(['%s'] * len(dims))}) AND ({in_period} OR dim = %s) "
            f"GROUP BY unit_path, dim, value",
            [period.start, period.end] * 2
            + [*rel_params, src.key, *dims, period.start, period.end, due],
        )
        for path, dim, value, pn, pns, an, ans in got:
            rows.setdefault((path, dim), []).append((value, pn or 0, pns or 0, an or 0, ans or 0))
    conditions = {}

    def cell(path, current: bool, where: dict | None) -> Cell:
        key = repr(where)
        if key not in conditions:
            dim, values = selectors.condition(src, where)
            conditions[key] = (
                dim,
                None if values is None else set(values),
                selectors.is_sensitive_where(src, where),
            )
        dim, values, sensitive = conditions[key]
        n = ns = 0
        for value, pn, pns, an, ans in rows.get((path, dim), ()):
            if values is None or value in values:
                n += an if current else pn
                ns += ans if current else pns
        return Cell(n, ns, sensitive)

    columns = {}
    for metric in METRICS:
        columns[metric.key] = selectors.suppress(
            user, [cell(path, metric.current, metric.where) for path in paths]
        )
    with_due = selectors.suppress(user, [cell(p, True, {"due_state": DUE_KNOWN}) for p in paths])
    in_time = selectors.suppress(
        user, [cell(p, True, {"due_state": ["ok", "soon"]}) for p in paths]
    )
    table = []
    for i, (pk, name, _path) in enumerate(children):
        row = {"unit_id": pk, "unit": name}
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


def distributions(user, frame: Frame, unit, period: Period) -> list[dict]:
    src = frame.src
    out = []
    for dim in ("category", "channel", "status", "due_state", "urgency"):
        if dim not in src.dimensions:
            continue
        cells = selectors.suppress(user, frame.by_dimension(dim, period))
        rows = [
            {
                "label": c.label,
                "value": c.value,
                "count": c.shown,
                "list_url": case_list_url(unit, period, {dim: c.value}) if c.value else None,
            }
            for c in cells
        ]
        out.append({"key": dim, "label": str(src.dimensions[dim]), "rows": rows})
    return out


def trend(user, frame: Frame, period: Period) -> list[dict]:
    cells = selectors.suppress(user, frame.by_month(_trend_months(period)))
    return [{"label": c.label, "count": c.shown} for c in cells]


@lru_cache(maxsize=256)
def _source_names(key: str, language: str | None) -> dict:
    """A source's label, its measure's and its date's, in the active language (kept)."""
    src = sources.source(key)
    return {
        "label": str(src.label),
        "measure_label": str(src.measure_label) if src.measure else "",
        "date_label": str(src.model_class()._meta.get_field(src.date_field).verbose_name or ""),
    }


def other_sources(user, unit, period: Period) -> list[dict]:
    """This period's and the previous one's total of every source she sees: one query."""
    visible = selectors.visible_sources(user)
    previous = period.previous()
    keys = [s.key for s in visible]
    got = {}
    if keys:
        now, before = "month >= %s AND month < %s", "month < %s"
        relation, rel_params = counts.relation([unit.path], keys)
        for key, tn, tns, bn, bns, ta in _fetch(
            f"SELECT source, SUM(CASE WHEN {now} THEN n ELSE 0 END), "  # noqa: S608 - names and placeholders
            f"SUM(CASE WHEN {now} THEN n_sensitive ELSE 0 END), "
            f"SUM(CASE WHEN {before} THEN n ELSE 0 END), "
            f"SUM(CASE WHEN {before} THEN n_sensitive ELSE 0 END), "
            f"SUM(CASE WHEN {now} THEN amount ELSE 0 END) "
            f"FROM {relation} c WHERE source IN ({', '.join(['%s'] * len(keys))}) "
            f"AND dim = 0 AND month >= %s AND month < %s GROUP BY source",
            [period.start, period.end] * 2
            + [previous.end, previous.end]
            + [period.start, period.end]
            + [*rel_params, *keys, previous.start, period.end],
        ):
            got[key] = {"tn": tn, "tns": tns, "bn": bn, "bns": bns, "ta": ta}
    out = []
    for src in visible:
        r = got.get(src.key, {})
        now = Cell(r.get("tn") or 0, r.get("tns") or 0)
        before = Cell(r.get("bn") or 0, r.get("bns") or 0)
        selectors.suppress(user, [now, before])
        change = None
        if now.shown is not None and before.shown is not None:
            change = now.n - before.n
        # A measured source (hours) shows its sum beside the count, hidden with it.
        amount = None
        if src.measure and now.shown is not None:
            amount = selectors.tidy_amount(r.get("ta") or 0)
        out.append(
            {
                "key": src.key,
                **_source_names(src.key, get_language()),
                "count": now.shown,
                "amount": amount,
                "previous": before.shown,
                "change": change,
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
        months = _trend_months(period)
        start = min(months[0], period.previous().start)
        frame = Frame.read(src, unit.path, period, start, [selectors.dim_index(src, "due_state")])
        data["cases"] = {
            "figures": key_figures(user, frame, unit, period),
            "trend": trend(user, frame, period),
            "distributions": distributions(user, frame, unit, period),
            "children": children_table(user, src, unit, period, rank),
            "rank": rank,
        }
    return data
