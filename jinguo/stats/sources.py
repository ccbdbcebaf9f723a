"""How a statistics source's records map onto summary rows.

A record is counted under its key: the unit path, the local day of the source's date field and
the string of each dimension value, all computed by the database (so that counting one record
after a save and rebuilding millions with INSERT … SELECT agree to the byte), plus whether the
model flags it as sensitive.
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db.models import BooleanField, CharField, DateTimeField, DecimalField, F, Value
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from jinguo.core import registry
from jinguo.core.registry import StatsSource

from .models import DIMENSIONS, VALUE_FIELDS, VALUE_LENGTH

KEY_FIELDS = [
    "k_id",
    "k_path",
    "k_day",
    *(f"k_{v}" for v in VALUE_FIELDS),
    "k_sensitive",
    "k_amount",
]
AMOUNT = DecimalField(max_digits=14, decimal_places=2)


class Key(NamedTuple):
    """Where a record is counted: (path, day, v1…v8); sensitivity is carried beside it."""

    path: str
    day: object
    values: tuple[str, ...]


def sources() -> list[StatsSource]:
    return sorted(registry.registry.stats_sources.values(), key=lambda s: s.key)


def source(key: str) -> StatsSource | None:
    return registry.registry.stats_sources.get(key)


def path_field(model) -> str:
    return getattr(model, "scope_path_field", "org_path")


def dimensions(src: StatsSource) -> list[str]:
    dims = list(src.dimensions)
    if len(dims) > DIMENSIONS:
        raise ImproperlyConfigured(
            f"statistics source {src.key} declares {len(dims)} dimensions; at most {DIMENSIONS}"
        )
    return dims


def value_field(src: StatsSource, dimension: str) -> str:
    """The summary column holding ``dimension`` of ``src`` (v1…)."""
    return VALUE_FIELDS[dimensions(src).index(dimension)]


def keyed(src: StatsSource):
    """The source's counted records, each with its key columns (``KEY_FIELDS``)."""
    model = src.model_class()
    date = model._meta.get_field(src.date_field)
    day = (
        TruncDate(src.date_field, tzinfo=timezone.get_default_timezone())
        if isinstance(date, DateTimeField)
        else F(src.date_field)
    )
    sensitive_field = getattr(model, "scope_sensitive_field", None)
    dims = dimensions(src)
    annotations = {
        "k_id": F("pk"),
        "k_path": F(path_field(model)),
        "k_day": day,
        "k_sensitive": F(sensitive_field)
        if sensitive_field
        else Value(False, output_field=BooleanField()),
        "k_amount": Coalesce(Cast(src.measure, AMOUNT), Value(0, output_field=AMOUNT))
        if src.measure
        else Value(0, output_field=AMOUNT),
    }
    for i, name in enumerate(VALUE_FIELDS):
        annotations[f"k_{name}"] = (
            Coalesce(Cast(dims[i], CharField(max_length=VALUE_LENGTH)), Value(""))
            if i < len(dims)
            else Value("")
        )
    return (
        model._base_manager.filter(**src.filters)
        .filter(**{f"{src.date_field}__isnull": False})
        .annotate(**annotations)
        .values(*KEY_FIELDS)
        .order_by()
    )


def key_of(row: dict) -> Key:
    return Key(
        row["k_path"], row["k_day"], tuple(row[f"k_{v}"][:VALUE_LENGTH] for v in VALUE_FIELDS)
    )


def watched_columns(src: StatsSource) -> list[str]:
    """The columns of the source's table whose change can move a record between rows."""
    model = src.model_class()
    names = [path_field(model), src.date_field, *dimensions(src), *src.filters]
    if src.measure:
        names.append(src.measure)
    sensitive_field = getattr(model, "scope_sensitive_field", None)
    if sensitive_field:
        names.append(sensitive_field)
    columns = []
    for name in names:
        # A lookup through a relation is watched on the local foreign key; a change of the
        # related row itself is caught by stats_check / stats_rebuild (see the README).
        head = name.split("__")[0]
        column = model._meta.get_field(head).column
        if column not in columns:
            columns.append(column)
    return columns


def sources_by_table() -> dict[str, list[StatsSource]]:
    tables: dict[str, list[StatsSource]] = {}
    for src in sources():
        tables.setdefault(src.model_class()._meta.db_table, []).append(src)
    return tables
