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
from dataclasses import dataclass, field

from django.db.models import Q, Sum, Value
from django.db.models.functions import StrIndex, Substr, TruncMonth

from jinguo.core.paths import SEPARATOR
from jinguo.core.registry import StatsSource
from jinguo.core.scoping import VIEW_SENSITIVE, subtree_granted
from jinguo.orgs.models import OrgUnit

from . import maintenance, sources
from .models import StatsRow
from .periods import Period, add_months

SUPPRESS_BELOW = 5
# Trigger notes counted before a read; more are left to the scheduled drain.
DRAIN_BEFORE_READ = 2000


@dataclass
class Cell:
    n: int = 0
    n_sensitive: int = 0
    sensitive_value: bool = False
    suppressed: bool = False
    label: str = ""
    value: str = ""  # the dimension value or child unit id it stands for
    extra: dict = field(default_factory=dict)

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


def catch_up() -> int:
    """Count pending trigger notes before reading, up to a bound; returns what is left."""
    if maintenance.pending():
        maintenance.drain(limit=DRAIN_BEFORE_READ)
        return maintenance.pending()
    return 0


# --- figures -------------------------------------------------------------------------------------


def declared_sensitive(src: StatsSource, dimension: str) -> set[str]:
    declared = src.sensitive.get(dimension)
    if declared is None:
        return set()
    values = declared() if callable(declared) else declared
    return {str(v[0] if isinstance(v, tuple | list) else v) for v in values}


def _where(src: StatsSource, where: dict | None) -> Q:
    q = Q()
    for dim, value in (where or {}).items():
        column = sources.value_field(src, dim)
        q &= (
            Q(**{f"{column}__in": [str(v) for v in value]})
            if isinstance(value, list | tuple | set)
            else Q(**{column: str(value)})
        )
    return q


def rows(src: StatsSource, path: str, period: Period | None = None, where: dict | None = None):
    qs = StatsRow.objects.filter(_where(src, where), source=src.key, org_path__subtree=path)
    if period is not None:
        qs = qs.filter(day__gte=period.start, day__lt=period.end)
    return qs


def _sums(qs) -> tuple[int, int]:
    got = qs.aggregate(n=Sum("n"), ns=Sum("n_sensitive"))
    return got["n"] or 0, got["ns"] or 0


def _is_sensitive_where(src: StatsSource, where: dict | None) -> bool:
    for dim, value in (where or {}).items():
        values = value if isinstance(value, list | tuple | set) else [value]
        if declared_sensitive(src, dim) & {str(v) for v in values}:
            return True
    return False


def total(src, path, period=None, where=None) -> Cell:
    n, ns = _sums(rows(src, path, period, where))
    return Cell(n, ns, _is_sensitive_where(src, where))


def by_dimension(src, path, dimension, period=None, where=None) -> list[Cell]:
    column = sources.value_field(src, dimension)
    got = (
        rows(src, path, period, where)
        .values(column)
        .annotate(tn=Sum("n"), tns=Sum("n_sensitive"))
        .order_by()
    )
    sensitive = declared_sensitive(src, dimension)
    counted = {r[column]: Cell(r["tn"], r["tns"], r[column] in sensitive) for r in got}
    labels = value_labels(src, dimension, set(counted))
    cells = []
    for value, label in labels.items():
        cell = counted.get(value) or Cell(sensitive_value=value in sensitive)
        cell.label, cell.value = label, value
        if cell.n or value in counted:
            cells.append(cell)
    return sorted(cells, key=lambda c: -c.n)


def by_child(src, unit: OrgUnit, period=None, where=None) -> tuple[list[Cell], Cell]:
    """One cell per child unit (zeros included) and one for the unit's own records."""
    rest = Substr("org_path", len(unit.path) + 1)
    got = (
        rows(src, unit.path, period, where)
        .exclude(org_path=unit.path)
        .annotate(child=Substr(rest, 1, StrIndex(rest, Value(SEPARATOR)) - 1))
        .values("child")
        .annotate(tn=Sum("n"), tns=Sum("n_sensitive"))
        .order_by()
    )
    counted = {r["child"]: (r["tn"], r["tns"]) for r in got}
    sensitive = _is_sensitive_where(src, where)
    cells = []
    for child in OrgUnit.objects.filter(parent=unit).order_by("code"):
        n, ns = counted.get(child.code, (0, 0))
        cells.append(Cell(n, ns, sensitive, label=child.name, value=str(child.pk)))
    own = Cell(*_sums(rows(src, unit.path, period, where).filter(org_path=unit.path)), sensitive)
    return cells, own


def by_month(src, path, months: list[datetime.date], where=None) -> list[Cell]:
    if not months:
        return []
    end = add_months(months[-1], 1)
    got = (
        rows(src, path, Period("custom", months[0], end), where)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(tn=Sum("n"), tns=Sum("n_sensitive"))
        .order_by()
    )
    counted = {r["month"]: (r["tn"], r["tns"]) for r in got}
    sensitive = _is_sensitive_where(src, where)
    return [
        Cell(*counted.get(m, (0, 0)), sensitive, label=f"{m:%Y-%m}", value=f"{m:%Y-%m}")
        for m in months
    ]


# --- labels --------------------------------------------------------------------------------------


def _final_field(model, lookup: str):
    parts = lookup.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def value_labels(src: StatsSource, dimension: str, values: set[str]) -> dict[str, str]:
    """Display names of a dimension's values: its choices (all of them, in order), or the
    related rows' names for a foreign key; ``""`` is 未填写."""
    from django.utils.translation import gettext as _

    f = _final_field(src.model_class(), dimension)
    labels: dict[str, str] = {}
    if f.is_relation:
        related = f.related_model._base_manager.filter(pk__in=[v for v in values if v.isdigit()])
        labels = {str(obj.pk): str(obj) for obj in related}
    elif f.choices:
        labels = {str(k): str(v) for k, v in f.flatchoices}
    elif f.get_internal_type() == "BooleanField":
        labels = {v: (_("是") if v.lower() in ("1", "true") else _("否")) for v in values}
    for value in sorted(values):
        labels.setdefault(value, str(value) if value else _("未填写"))
    return labels
