"""Reading the upload: the quick checks before a job is made, the header → column mapping,
and the data rows, streamed — for a large file by a helper process (``xlsx_stream``)."""

import logging
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from django.utils.translation import gettext as _

from jinguo.orgs.importing import ImportFileError
from jinguo.orgs.importing.readers import MAX_ROWS, XLSX_MAGIC, cell_text

from ..xlsx_stream import SheetReader, SheetReadError, rows_in_process
from .columns import COLUMNS, HEADERS

logger = logging.getLogger(__package__)  # the importer's one logger, as before the split

# From this size on (about 2,000 rows) the sheet is parsed by a helper process while the rows
# already read are checked; below it, starting the process costs more than it saves.
READ_IN_PROCESS_BYTES = 256 * 1024


def _normalise_header(value) -> str:
    return cell_text(value).lstrip("\ufeff").replace(" ", "").replace("*", "").replace("＊", "")


def header_positions(header) -> dict[str, int]:
    """Column key → position, from the first row; ImportFileError for unknown or missing ones."""
    lookup = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            lookup[name] = column.key
    positions: dict[str, int] = {}
    unknown = []
    for index, title in enumerate(header or ()):
        text = _normalise_header(title)
        if not text:
            continue
        key = lookup.get(text)
        if key is None:
            unknown.append(text)
        elif key not in positions:
            positions[key] = index
    if not positions:
        raise ImportFileError(
            _("第一行不是导入模板的表头。请下载导入模板，按模板的列填写。"), line=1
        )
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少必填列：%(cols)s") % {"cols": "、".join(missing)})
        if unknown:
            parts.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown[:10])})
        raise ImportFileError(
            _("表头有误（%(detail)s）。可用的列为：%(all)s。")
            % {"detail": "；".join(parts), "all": "、".join(HEADERS)},
            line=1,
        )
    return positions


def open_workbook(path: Path):
    from openpyxl import load_workbook

    with open(path, "rb") as handle:
        if handle.read(4) != XLSX_MAGIC:
            raise ImportFileError(_("这不是有效的 xlsx 文件，请用 Excel 另存为 .xlsx 格式。"))
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("无法读取 Excel 文件，请确认文件未损坏且为 .xlsx 格式。")) from exc


def inspect_file(path: Path) -> int | None:
    """Quick checks before a job is created: readable, right header, not too many rows.

    Returns the number of data rows the sheet declares (None if the file does not say).
    """
    if path.stat().st_size == 0:
        raise ImportFileError(_("文件是空的。"))
    workbook = open_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(max_row=1, values_only=True), None)
        if header is None or not any(v not in (None, "") for v in header):
            raise ImportFileError(_("文件是空的：第一个工作表没有表头和数据。"), line=1)
        header_positions(header)
        declared = sheet.max_row if sheet.max_row and sheet.max_row > 1 else None
        if declared is not None and declared - 1 > MAX_ROWS:
            raise ImportFileError(
                _("文件超过 %(n)s 行的上限，请分批导入。") % {"n": f"{MAX_ROWS:,}"}
            )
        return declared - 1 if declared else None
    finally:
        workbook.close()


def check_xlsx_magic(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(4) != XLSX_MAGIC:
            raise ImportFileError(_("这不是有效的 xlsx 文件，请用 Excel 另存为 .xlsx 格式。"))


def open_sheet(path: Path) -> SheetReader:
    check_xlsx_magic(path)
    try:
        return SheetReader(path)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("无法读取 Excel 文件，请确认文件未损坏且为 .xlsx 格式。")) from exc


def _sheet_rows(path: Path, in_process: bool | None) -> Iterator[tuple[int, list]]:
    """The sheet's rows, read here or, for a large file, by a helper process."""
    if in_process is None:
        in_process = path.stat().st_size >= READ_IN_PROCESS_BYTES
    if not in_process:
        sheet = open_sheet(path)
        try:
            yield from sheet.rows()
        finally:
            sheet.close()
        return
    check_xlsx_magic(path)
    try:
        yield from rows_in_process(path)
    except SheetReadError as exc:
        logger.warning("import: the sheet could not be read: %s", exc)
        raise ImportFileError(_("无法读取 Excel 文件，请确认文件未损坏且为 .xlsx 格式。")) from exc


def iter_rows(
    path: Path, *, in_process: bool | None = None
) -> Iterator[tuple[int, dict[str, object]]]:
    """(Excel row number, {column key: raw cell}) for each non-empty data row.

    ``in_process``: parse the sheet in a helper process (default: for files of
    READ_IN_PROCESS_BYTES and more), so that reading overlaps checking and writing."""
    lines = _sheet_rows(path, in_process)
    try:
        first = next(lines, None)
        if first is None:
            raise ImportFileError(_("文件是空的。"), line=1)
        number, header = first
        positions = header_positions(header if number == 1 else ())
        keys, indexes = list(positions), list(positions.values())
        width = max(indexes) + 1
        pick = itemgetter(*indexes)  # two columns at least: name and unit code are required
        count = 0
        for number, values in lines:
            if len(values) >= width:
                raw = dict(zip(keys, pick(values), strict=True))
            else:  # a short row of a sheet without a declared size
                raw = {key: values[i] if i < len(values) else None for key, i in positions.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ImportFileError(
                    _("文件超过 %(n)s 行的上限，请分批导入。") % {"n": f"{MAX_ROWS:,}"}
                )
            yield number, raw
    finally:
        lines.close()
