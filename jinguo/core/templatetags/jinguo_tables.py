"""The cells of a table row as core/table.html lays them out, built faster than the template.

Each cell's opening tag (its attributes, the header as ``data-label`` for the phone layout,
``data-phone``) was rebuilt for every cell: django-tables2 recomputes a column's attributes on
each access. A column whose attributes hold no callable gives every row the same opening tag,
so it is built once per table.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _static_attrs(bound_column) -> bool:
    """Whether the column's <td> attributes are the same for every row (no callables)."""
    sources = (getattr(bound_column._table, "attrs", None) or {}, bound_column.column.attrs or {})
    for attrs in sources:
        for key in ("td", "cell"):
            values = attrs.get(key) or {}
            if any(callable(v) for v in values.values()):
                return False
    return True


def _opening(table, column) -> str:
    if column.name in getattr(table, "phone_hidden", ()):
        phone = mark_safe(' data-phone="hide"')
    elif column.name == getattr(table, "phone_lead", None):
        phone = mark_safe(' data-phone="lead"')
    else:
        phone = ""
    return format_html(
        '<td {} data-label="{}"{}>', column.attrs["td"].as_html(), column.header, phone
    )


@register.simple_tag(takes_context=True)
def row_cells(context, table, row) -> str:
    cache = table.__dict__.setdefault("_jinguo_cell_openings", {})
    parts = []
    for column, cell in row.items():
        opening = cache.get(column.name)
        if opening is None:
            opening = _opening(table, column)
            if _static_attrs(column):
                cache[column.name] = opening
        parts.append(f"{opening}{render_value_in_context(cell, context)}</td>")
    return mark_safe("".join(parts))  # noqa: S308 — escaped as {{ cell }} would be
