"""The consolidated report as an Excel file in the layout federations file upward: a title,
merged multi-level headers (the form's row, then the column's levels), one row per unit and a
total row."""

from __future__ import annotations

from copy import copy
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from jinguo.core.exports import safe_cell

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(bold=True)


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
    """``rows`` is [(unit name, values dict)], ``totals`` the summed values.

    Written row by row (openpyxl's write-only mode): a province's detail sheet has tens of
    thousands of rows, which the in-memory worksheet builds many times slower and larger."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(form.name)[:31])
    columns = flat_columns(form, cells)
    matrix, depth = header_matrix(columns)
    width = len(columns) + 1
    ws.column_dimensions["A"].width = 24
    for j in range(len(columns)):
        ws.column_dimensions[get_column_letter(j + 2)].width = 12
    top = 2
    ws.freeze_panes = f"B{top + depth}"

    # A style is set on one cell per kind and copied to the others: setting it cell by cell
    # hashes the style objects each time, which was most of a large sheet's time.
    looks: dict[tuple[bool, bool], WriteOnlyCell] = {}

    def styled(value, *, bold=False, header=False):
        look = looks.get((bold, header))
        if look is None:
            look = looks[(bold, header)] = WriteOnlyCell(ws)
            if header:
                look.alignment = CENTER
            if bold or header:
                look.font = BOLD
            look.border = BOX
        cell = WriteOnlyCell(ws, value)
        cell._style = copy(look._style)
        return cell

    title = WriteOnlyCell(ws, f"{unit.name} {form.name}（{period.label}）")
    title.font = Font(bold=True, size=14)
    title.alignment = CENTER
    ws.append([title])
    if width > 1:
        _merge(ws, 1, 1, 1, width)
    # The unit column spans every header level.
    for level in range(depth):
        first = _("单位") if level == 0 else None
        ws.append(
            [styled(first, header=True)] + [styled(label, header=True) for label in matrix[level]]
        )
    if depth > 1:
        _merge(ws, top, 1, top + depth - 1, 1)
    # Horizontal merges: runs of the same label under the same parents; vertical: a label
    # repeated down its column (a column with fewer levels).
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
                _merge(ws, top + level, j + 2, top + level, k + 2)
            j = k + 1
    for j, (levels, _cell) in enumerate(columns):
        own = len(levels)
        if own < depth:
            _merge(ws, top + own - 1, j + 2, top + depth - 1, j + 2)
    keys = [cell.key for _levels, cell in columns]
    for name, values in rows:
        out = [styled(safe_cell(str(name)))]
        for key in keys:
            value = values.get(key)
            out.append(styled(safe_cell(value) if value not in (None, "") else None))
        ws.append(out)
    ws.append(
        [styled(_("合计"), bold=True)]
        + [
            styled((totals.get(cell.key) or 0) if cell.is_numeric else None, bold=True)
            for _levels, cell in columns
        ]
    )
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _merge(ws, first_row, first_column, last_row, last_column) -> None:
    ws.merged_cells.add(
        CellRange(min_row=first_row, min_col=first_column, max_row=last_row, max_col=last_column)
    )


def _own_levels(column) -> int:
    return len(column[0])
