"""The detail sheet of a report form: its figures for every unit of a subtree, one row each.

The consolidated report sums what the children filed. A province also wants every unit under
it on one sheet — tens of thousands of rows — and most of those units file nothing: their
computed cells come straight from the summary, and their manual cells from the report they
filed for the period, if any. ``SubtreeCounts`` reads the subtree's count rows once per
(source, dimension) the formulas ask for, instead of one query per unit and figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from jinguo.orgs.choices import TERRITORIAL_KINDS
from jinguo.orgs.models import OrgUnit

from . import counts
from .choices import CellKind
from .indicators import Evaluator
from .models import Indicator, Report, ReportForm
from .models.reports import mask
from .periods import Period
from .selectors import Cell, condition, decimal, is_sensitive_where
from .services import reports as services

# A sheet this long is still read in Excel and built within seconds; a larger subtree (a
# whole nation) is refused with a message: choose a province or a lower unit.
MAX_UNITS = 60_000


class TooManyUnits(ValueError):
    pass


class SubtreeCounts:
    """The summary's counts of every unit under ``root_path`` for ``period``; the same
    ``total()`` as the selectors. A source's rows of the subtree and period are read in one
    query the first time a formula asks for it; each figure (source, dimension, values) is then
    summed for every unit in one pass over that dimension's rows."""

    def __init__(self, root_path: str, period: Period):
        self.root_path, self.period = root_path, period
        self._rows: dict[str, dict[int, list[tuple]]] = {}
        self._terms: dict[tuple, tuple[dict[str, tuple], bool]] = {}

    def total(self, src, path: str, period: Period, where: dict | None) -> Cell:
        if period != self.period:
            raise ValueError("SubtreeCounts holds one period")
        dim, values = condition(src, where)
        term = (src.key, dim, None if values is None else tuple(values))
        got = self._terms.get(term)
        if got is None:
            got = self._terms[term] = (
                self._by_path(src.key, dim, values),
                is_sensitive_where(src, where),
            )
        by_path, sensitive = got
        n, ns, amount = by_path.get(path, (0, 0, 0))
        return Cell(n, ns, sensitive, amount=amount)

    def _by_path(self, source: str, dim: int, values) -> dict[str, tuple]:
        if source not in self._rows:
            self._rows[source] = self._fetch(source)
        wanted = None if values is None else set(values)
        sums: dict[str, tuple] = {}
        for path, value, n, ns, amount in self._rows[source].get(dim, ()):
            if wanted is None or value in wanted:
                a, b, c = sums.get(path, (0, 0, 0))
                sums[path] = (a + n, b + ns, c + amount)
        return sums

    def _fetch(self, source: str) -> dict[int, list[tuple]]:
        relation, params = counts.subtree_relation(self.root_path, [source])
        by_dim: dict[int, list[tuple]] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT unit_path, dim, value, SUM(n), SUM(n_sensitive), SUM(amount) "  # noqa: S608 - names and placeholders
                f"FROM {relation} c WHERE source = %s AND month >= %s AND month < %s "
                "GROUP BY unit_path, dim, value",
                [*params, source, self.period.start, self.period.end],
            )
            while chunk := cursor.fetchmany(20_000):
                for path, dim, value, n, ns, amount in chunk:
                    by_dim.setdefault(dim, []).append(
                        (path, value, n or 0, ns or 0, decimal(amount))
                    )
        return by_dim


@dataclass
class DetailRow:
    unit_id: int
    name: str
    depth: int  # levels below the sheet's unit
    values: dict


def detail(user, form: ReportForm, unit: OrgUnit, period: Period) -> tuple[list[DetailRow], dict]:
    """Every active unit under ``unit`` of the kinds that file the form or of a territorial
    level (in path order), with
    its figures as ``user`` may see them, and ``unit``'s own figures (its subtree's totals).
    TooManyUnits past MAX_UNITS."""
    units = OrgUnit.objects.filter(path__subtree=unit.path, is_active=True).exclude(pk=unit.pk)
    # The kinds that file it, and the territorial levels between them and the sheet's unit.
    units = units.filter(kind__in={*form.unit_kinds, *(str(k) for k in TERRITORIAL_KINDS)})
    size = units.count()
    if size > MAX_UNITS:
        raise TooManyUnits(
            _("%(unit)s 下有 %(n)s 个单位，超过明细表的上限 %(max)s 个。请选择下一级单位导出。")
            % {"unit": unit.name, "n": f"{size:,}", "max": f"{MAX_UNITS:,}"}
        )
    cells = services.cells_of(form)
    computed = [c for c in cells if c.kind == CellKind.COMPUTED]
    indicators = dict(Indicator.objects.values_list("code", "formula"))
    counts = SubtreeCounts(unit.path, period)
    resolved: dict = {}

    def figures(path: str) -> tuple[dict, list]:
        ev = Evaluator(path, period, indicators, counts=counts, resolved=resolved)
        return services.evaluate_cells(ev, computed)

    # Manual cells: from the report each unit filed for the period (read through restrict).
    filed = {
        r.org_id: r.values
        for r in Report.objects.restrict(user, "view")
        .filter(
            form__code=form.code,  # any version of the form
            period_start=period.start,
            state__in=services.FILED,
            org__path__subtree=unit.path,
        )
        .only("org_id", "values")
    }
    manual = [c.key for c in cells if c.kind != CellKind.COMPUTED]
    rows = []
    for pk, name, path, level in units.order_by("path").values_list("pk", "name", "path", "level"):
        values, sensitive = figures(path)
        own = filed.get(pk) or {}
        values.update({k: own.get(k) for k in manual})
        rows.append(DetailRow(pk, name, level - unit.level, mask(values, sensitive, user)))
    values, sensitive = figures(unit.path)
    return rows, mask(values, sensitive, user)
