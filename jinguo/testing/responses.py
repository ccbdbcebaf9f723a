"""Reading what a response holds: the rows of an API list, the rows of an Excel export."""

from io import BytesIO

from openpyxl import load_workbook

from jinguo.core.exports import XLSX_MIME

__all__ = ["XLSX_MIME", "api_rows", "xlsx_rows"]


def api_rows(response) -> list[dict]:
    """The rows of an API list, paginated or not."""
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def xlsx_rows(content: bytes) -> list[dict]:
    """The data rows of an exported workbook's first sheet, keyed by the header row."""
    sheet = load_workbook(BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = ["" if h is None else str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]
