"""Reading the summary: figures of a subtree, by dimension, by child unit and by month.

Scoping: a user reads a source's figures only if restrict() would give her that model's
records by subtree (its view permission, a home unit, not an outside agency's member), and only
for units of her home unit's subtree. Suppression: a figure between 1 and 4 that counts a
sensitive record (the model's own flag) or stands for a declared sensitive value is shown as
"<5" to users without core.view_sensitive; where one figure of a breakdown is hidden, the next
smallest is too, so that it cannot be had by subtraction from the total.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models.signals import post_delete, post_save

from jinguo.core.registry import StatsSource
from jinguo.core.scoping import VIEW_SENSITIVE, subtree_granted
from jinguo.orgs.models import OrgUnit

from .. import counts, sources
from ..periods import Period, add_months

SUPPRESS_BELOW = 5


@dataclass
class Cell:
    n: int = 0
    n_sensitive: int = 0
    sensitive_value: bool = False
    suppressed: bool = False
    label: str = ""
    value: str = ""  # the dimension value or child unit id it stands for
    extra: dict = field(default_factory=dict)
    amount: Decimal = Decimal(0)  # the sum of the source's measure, if it has one

    @property
    def shown(self) -> int | None:
        return None if self.suppressed else self.n

    def risky(self) -> bool:
        return 0 < self.n < SUPPRESS_BELOW and (self.n_sensitive > 0 or self.sensitive_value)


def may_see_sensitive(user) -> bool:
    return user.has_perm(VIEW_SENSITIVE)


def suppress(user, cells: list[Cell]) -> list[Cell]:
    """Hide risky small figures (and one more, against subtraction) for ``user``."""
    if may_see_sensitive(user):
        return cells
    hidden = 0
    for cell in cells:
        if cell.risky():
            cell.suppressed = True
            hidden += 1
    if hidden == 1 and len(cells) > 1:
        others = [c for c in cells if not c.suppressed and c.n > 0]
        if others:
            min(others, key=lambda c: c.n).suppressed = True
    return cells


# --- scope ---------------------------------------------------------------------------------------


def visible_sources(user) -> list[StatsSource]:
    return [s for s in sources.sources() if subtree_granted(s.model_class(), user, "view")]


def visible_source(user, key: str) -> StatsSource | None:
    src = sources.source(key)
    if src is None or not subtree_granted(src.model_class(), user, "view"):
        return None
    return src


def unit_for(user, unit_id=None) -> OrgUnit | None:
    """The unit of her subtree she asks for (her home unit by default); None when out of
    scope or unknown (the same answer)."""
    if not user.home_path:
        return None
    units = OrgUnit.objects.filter(path__subtree=user.home_path)
    if unit_id in (None, ""):
        return units.filter(pk=user.home_unit_id).first()
    try:
        return units.filter(pk=int(unit_id)).first()
    except (TypeError, ValueError):
        return None


# --- figures -------------------------------------------------------------------------------------


def declared_sensitive(src: StatsSource, dimension: str) -> set[str]:
    declared = src.sensitive.get(dimension)
    if declared is None:
        return set()
    values = declared() if callable(declared) else declared
    return {str(v[0] if isinstance(v, tuple | list) else v) for v in values}


def dim_index(src: StatsSource, dimension: str) -> int:
    """The ``dim`` of ``dimension`` in StatsCount (0 stands for every record)."""
    return sources.dimensions(src).index(dimension) + 1


def condition(src: StatsSource, where: dict | None) -> tuple[int, list[str] | None]:
    """The summary counts one dimension at a time: (dim, its values) of a figure's filter."""
    if not where:
        return 0, None
    if len(where) > 1:
        raise ValueError("a figure may filter on one dimension only")
    dimension, value = next(iter(where.items()))
    if value is None:  # every value of the dimension
        return dim_index(src, dimension), None
    values = value if isinstance(value, list | tuple | set) else [value]
    return dim_index(src, dimension), [str(v) for v in values]


def summed(
    src: StatsSource,
    paths: list[str],
    period: Period | None = None,
    where: dict | None = None,
    by: str | None = None,
) -> list[tuple]:
    """SUM(n), SUM(n_sensitive), SUM(amount) of the count rows of the units ``paths`` (each
    its subtree's figures), grouped by the column ``by`` (unit_path, value or month) which
    then leads each row. The rows come from counts.relation(): the summary, or the ledger
    below the summary's depth."""
    dim, values = condition(src, where)
    relation, params = counts.relation(paths, [src.key])
    sql = f"FROM {relation} c WHERE source = %s AND dim = %s"
    params += [src.key, dim]
    if values is not None:
        sql += f" AND value IN ({', '.join(['%s'] * len(values))})"
        params += values
    if period is not None:
        sql += " AND month >= %s AND month < %s"
        params += [period.start, period.end]
    sums = "SUM(n), SUM(n_sensitive), SUM(amount)"
    if by is None:
        sql = f"SELECT {sums} {sql}"
    elif by in ("unit_path", "value", "month"):
        sql = f"SELECT {by}, {sums} {sql} GROUP BY {by}"
    else:
        raise ValueError(f"cannot group figures by {by!r}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def decimal(value) -> Decimal:
    """A summed amount as Decimal (SQLite sums a decimal column to a float)."""
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def is_sensitive_where(src: StatsSource, where: dict | None) -> bool:
    for dim, value in (where or {}).items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple | set) else [value]
        if declared_sensitive(src, dim) & {str(v) for v in values}:
            return True
    return False


def total(src, path, period=None, where=None) -> Cell:
    n, ns, amount = summed(src, [path], period, where)[0]
    return Cell(n or 0, ns or 0, is_sensitive_where(src, where), amount=decimal(amount))


def tidy_amount(value) -> int | float:
    """A summed measure for display and JSON: whole numbers as int, else two decimals."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


def dimension_cells(src, dimension, counted: dict[str, tuple[int, int]]) -> list[Cell]:
    """Cells of a breakdown from {value: (n, n_sensitive)}, labelled, largest first."""
    sensitive = declared_sensitive(src, dimension)
    labels = value_labels(src, dimension, set(counted))
    cells = []
    for value, label in labels.items():
        if value not in counted:
            continue
        n, ns = counted[value]
        if n or ns:
            cells.append(Cell(n, ns, value in sensitive, label=label, value=value))
    return sorted(cells, key=lambda c: -c.n)


def by_dimension(src, path, dimension, period=None) -> list[Cell]:
    got = summed(src, [path], period, {dimension: None}, by="value")
    return dimension_cells(src, dimension, {v: (n, ns) for v, n, ns, _a in got})


def children_of(unit: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(parent=unit).order_by("code").only("pk", "name", "path"))


def by_child(src, unit: OrgUnit, period=None, where=None) -> tuple[list[Cell], Cell]:
    """One cell per child unit (zeros included) and one for the unit's own records."""
    children = children_of(unit)
    got = summed(src, [unit.path, *(c.path for c in children)], period, where, by="unit_path")
    counted = {path: (n, ns) for path, n, ns, _a in got}
    sensitive = is_sensitive_where(src, where)
    cells = []
    for child in children:
        n, ns = counted.pop(child.path, (0, 0))
        cells.append(Cell(n, ns, sensitive, label=child.name, value=str(child.pk)))
    n, ns = counted.get(unit.path, (0, 0))
    own = Cell(n - sum(c.n for c in cells), ns - sum(c.n_sensitive for c in cells), sensitive)
    return cells, own


def by_month(src, path, months: list[datetime.date], where=None) -> list[Cell]:
    if not months:
        return []
    end = add_months(months[-1], 1)
    got = summed(src, [path], Period("custom", months[0], end), where, by="month")
    counted = {as_date(m): (n, ns) for m, n, ns, _a in got}
    sensitive = is_sensitive_where(src, where)
    return [
        Cell(*counted.get(m, (0, 0)), sensitive, label=f"{m:%Y-%m}", value=f"{m:%Y-%m}")
        for m in months
    ]


def as_date(value) -> datetime.date:
    if isinstance(value, str):  # a month summed on SQLite
        return datetime.date.fromisoformat(value[:10])
    return value


# --- labels --------------------------------------------------------------------------------------


def _final_field(model, lookup: str):
    parts = lookup.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


# Names of related rows (categories, agencies' kinds…) a breakdown shows, kept for a minute per
# process and language: a dashboard reads the same few dozen every time, and a renamed category
# shows its new name on the dashboards within LABELS_TTL seconds.
LABELS_TTL = 60.0
LABELS_KEPT = 256
_labels: dict[tuple, tuple[float, dict[str, str]]] = {}


def forget_labels(sender, **kwargs) -> None:
    """A row of a model whose names are kept was written: this process reads them afresh.
    Connected to that model's post_save and post_delete when its names are first kept."""
    _labels.clear()


def _watch(model) -> None:
    uid = f"stats_forget_labels_{model._meta.label}"
    post_save.connect(forget_labels, sender=model, dispatch_uid=uid)
    post_delete.connect(forget_labels, sender=model, dispatch_uid=uid + "_delete")


def _related_labels(model, values: frozenset[str]) -> dict[str, str]:
    from django.utils.translation import get_language

    key = (model._meta.label, get_language(), values)
    now = time.monotonic()
    kept = _labels.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    # Their names may read a parent (a subcategory is "家庭 / 家暴"): one query for all.
    parents = [r.name for r in model._meta.concrete_fields if r.many_to_one]
    related = model._base_manager.select_related(*parents).filter(
        pk__in=[v for v in values if v.isdigit()]
    )
    labels = {str(obj.pk): str(obj) for obj in related}
    _watch(model)
    if len(_labels) >= LABELS_KEPT:
        _labels.clear()
    _labels[key] = (now + LABELS_TTL, labels)
    return labels


def _choice_labels(f) -> dict[str, str]:
    from django.utils.translation import get_language

    key = (f.model._meta.label, f.name, get_language())
    kept = _choices.get(key)
    if kept is None:
        kept = _choices[key] = {str(k): str(v) for k, v in f.flatchoices}
    return kept


_choices: dict[tuple, dict[str, str]] = {}


def value_labels(src: StatsSource, dimension: str, values: set[str]) -> dict[str, str]:
    """Display names of a dimension's values: its choices (all of them, in order), or the
    related rows' names for a foreign key; ``""`` is 未填写."""
    from django.utils.translation import gettext as _

    f = _final_field(src.model_class(), dimension)
    labels: dict[str, str] = {}
    if f.is_relation:
        labels = dict(_related_labels(f.related_model, frozenset(values)))
    elif f.choices:
        labels = dict(_choice_labels(f))
    elif f.get_internal_type() == "BooleanField":
        labels = {v: (_("是") if v.lower() in ("1", "true") else _("否")) for v in values}
    for value in sorted(values):
        labels.setdefault(value, str(value) if value else _("未填写"))
    return labels
