"""Importing units into the federation tree: the row checks (rows), the file readers (readers)
and the all-or-nothing writer (runner)."""

from .readers import read_path, read_upload, template_workbook
from .rows import ERROR_HEADER
from .runner import ImportFileError, import_units, rows_under

__all__ = [
    "ERROR_HEADER",
    "ImportFileError",
    "import_units",
    "read_path",
    "read_upload",
    "rows_under",
    "template_workbook",
]
