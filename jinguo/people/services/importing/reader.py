"""Reading the upload: the quick checks before a job is made, the header → column mapping,
and the data rows, streamed — for a large file by a helper process (``xlsx_stream``).
Every read goes through ``jinguo.core.xlsxcheck``'s limits (zip bombs, giant sheets)."""

import logging
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from django.utils.translation import gettext as _

from jinguo.core.xlsxcheck import Limits, XlsxRefused
from jinguo.core.xlsxread import SheetReader
from jinguo.orgs.importing import ImportFileError
from jinguo.orgs.importing.readers import MAX_ROWS, cell_text

from ..xlsx_stream import SheetReadError, rows_in_process
from .columns import COLUMNS, HEADERS

logger = logging.getLogger(__package__)  # the importer's one logger, as before the split

# From this size on (about 2,000 rows) the sheet is parsed by a helper process while the rows
# already read are checked; below it, starting the process costs more than it saves.
READ_IN_PROCESS_BYTES = 256 * 1024

# The upload's bytes (decrypted in memory, never written out as they are) or a file's path.
Source = bytes | Path


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


def limits() -> Limits:
    """The reading limits, MAX_ROWS read when called (tests lower it)."""
    return Limits(rows=MAX_ROWS)


def source_size(source: Source) -> int:
    return len(source) if isinstance(source, bytes) else Path(source).stat().st_size


def open_sheet(source: Source) -> SheetReader:
    """The sheet, once the zip's central directory is found sane (nothing unpacked yet)."""
    try:
        return SheetReader(source, limits())
    except XlsxRefused as exc:
        raise ImportFileError(exc.message) from exc


def inspect_file(source: Source) -> int | None:
    """The checks made in the upload request, before a job is created: an xlsx whose parts,
    declared size and header are right. Nothing but the first row (and the shared strings it
    uses) is unpacked, so a zip bomb is refused at once.

    Returns the number of data rows the sheet declares (None if the file does not say).
    """
    if not source_size(source):
        raise ImportFileError(_("文件是空的。"))
    sheet = open_sheet(source)
    try:
        head = sheet.head()
    except XlsxRefused as exc:
        raise ImportFileError(exc.message) from exc
    finally:
        sheet.close()
    if not any(v not in (None, "") for v in head.first_row):
        raise ImportFileError(_("文件是空的：第一个工作表没有表头和数据。"), line=1)
    header_positions(head.first_row)
    declared = head.rows if head.rows and head.rows > 1 else None
    return declared - 1 if declared else None


def _sheet_rows(source: Source, in_process: bool | None) -> Iterator[tuple[int, list]]:
    """The sheet's rows, read here or, for a large file, by a helper process."""
    if in_process is None:
        in_process = source_size(source) >= READ_IN_PROCESS_BYTES
    sheet = open_sheet(source)  # a bomb is refused here, before any process starts
    if in_process:
        sheet.close()
        yield from _rows_in_process(source)
        return
    try:
        yield from sheet.rows()
    except XlsxRefused as exc:
        if exc.code == "damaged":
            logger.warning("import: the sheet could not be read: %s", type(exc.__cause__).__name__)
        raise ImportFileError(exc.message) from exc
    finally:
        sheet.close()


def _rows_in_process(source: Source) -> Iterator[tuple[int, list]]:
    try:
        yield from rows_in_process(source, limits())
    except XlsxRefused as exc:
        raise ImportFileError(exc.message) from exc
    except SheetReadError as exc:
        logger.warning("import: the sheet could not be read: %s", exc)
        raise ImportFileError(_("无法读取 Excel 文件，请确认文件未损坏且为 .xlsx 格式。")) from exc


def iter_rows(
    source: Source, *, in_process: bool | None = None
) -> Iterator[tuple[int, dict[str, object]]]:
    """(Excel row number, {column key: raw cell}) for each non-empty data row.

    ``in_process``: parse the sheet in a helper process (default: for files of
    READ_IN_PROCESS_BYTES and more), so that reading overlaps checking and writing."""
    lines = _sheet_rows(source, in_process)
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
