"""The consolidated report as an Excel file in the layout federations file upward: a title,
merged multi-level headers (the form's row, then the column's levels), one row per unit and a
total row."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from jinguo.core.exports import safe_cell

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def flat_columns(form, cells) -> list[tuple[list[str], object]]:
    """(header levels, cell) of each cell in the form's order: the row label first when the
    form has more than one row."""
    rows = {c.row_id for c in cells}
    many = len(rows) > 1
    ordered = sorted(cells, key=lambda c: (c.row.sort, c.row_id, c.column.sort, c.column_id))
    return [(([c.row.label] if many else []) + c.column.levels, c) for c in ordered]


def header_matrix(columns) -> tuple[list[list[str]], int]:
    """Header labels by level; a column with fewer levels repeats its last label downward
    (merged vertically)."""
    depth = max((len(levels) for levels, _c in columns), default=1)
    return [
        [levels[min(i, len(levels) - 1)] for levels, _c in columns] for i in range(depth)
    ], depth


def build(*, form, period, unit, cells, rows, totals) -> bytes:
    """``rows`` is [(unit name, values dict)], ``totals`` the summed values."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(form.name)[:31]
    columns = flat_columns(form, cells)
    matrix, depth = header_matrix(columns)
    width = len(columns) + 1
    ws.cell(1, 1, f"{unit.name} {form.name}（{period.label}）")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = CENTER
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    top = 2
    # The unit column spans every header level.
    ws.cell(top, 1, _("单位"))
    if depth > 1:
        ws.merge_cells(start_row=top, start_column=1, end_row=top + depth - 1, end_column=1)
    for level in range(depth):
        for j, label in enumerate(matrix[level]):
            ws.cell(top + level, j + 2, label)
    # Horizontal merges: runs of the same label under the same parents; vertical: a label
    # repeated down its column (a column with fewer levels).
    merged = set()
    for level in range(depth):
        j = 0
        while j < len(columns):
            k = j
            while (
                k + 1 < len(columns)
                and matrix[level][k + 1] == matrix[level][j]
                and all(matrix[p][k + 1] == matrix[p][j] for p in range(level))
                and _own_levels(columns[k + 1]) > level
                and _own_levels(columns[j]) > level
            ):
                k += 1
            if k > j:
                ws.merge_cells(
                    start_row=top + level, start_column=j + 2, end_row=top + level, end_column=k + 2
                )
                merged.update((level, x) for x in range(j, k + 1))
            j = k + 1
    for j, (levels, _cell) in enumerate(columns):
        own = len(levels)
        if own < depth:
            ws.merge_cells(
                start_row=top + own - 1,
                start_column=j + 2,
                end_row=top + depth - 1,
                end_column=j + 2,
            )
    for r in range(top, top + depth):
        for c in range(1, width + 1):
            ws.cell(r, c).alignment = CENTER
            ws.cell(r, c).font = Font(bold=True)
            ws.cell(r, c).border = BOX
    r = top + depth
    for name, values in rows:
        ws.cell(r, 1, safe_cell(str(name)))
        for j, (_levels, cell) in enumerate(columns):
            value = values.get(cell.key)
            ws.cell(r, j + 2, safe_cell(value) if value not in (None, "") else None)
        r += 1
    ws.cell(r, 1, _("合计")).font = Font(bold=True)
    for j, (_levels, cell) in enumerate(columns):
        if cell.is_numeric:
            ws.cell(r, j + 2, totals.get(cell.key) or 0).font = Font(bold=True)
    for row in ws.iter_rows(min_row=top + depth, max_row=r, max_col=width):
        for c in row:
            c.border = BOX
    ws.column_dimensions["A"].width = 24
    for j in range(len(columns)):
        ws.column_dimensions[get_column_letter(j + 2)].width = 12
    ws.freeze_panes = ws.cell(top + depth, 2)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _own_levels(column) -> int:
    return len(column[0])
