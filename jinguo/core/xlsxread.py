"""The first worksheet of an uploaded xlsx, read within ``jinguo.core.xlsxcheck``'s limits.

- On opening: the zip's central directory is checked before anything is unpacked, then the
  content types and the workbook are parsed (each under the whole-part limit).
- ``head()`` reads the sheet's declared size (``<dimension>``) and its first row, with only the
  shared strings that row uses: cheap enough for the upload request.
- ``rows()`` streams the sheet: every ``<row>`` counts against the row limit, empty or not; no
  row and no shared string may unpack to more than ``row_bytes``; the number of shared strings
  is bounded; nothing after the rows is parsed.

Cells are converted with openpyxl's own helpers, so values come out as openpyxl's read-only
mode gives them, about three times faster (openpyxl parses a sheet without ``<dimension>``
twice and builds several objects per cell).
"""

import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .xlsxcheck import XLSX_MAGIC, GuardedZip, Limits, Meter, XlsxRefused, check_archive

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE = f"{_NS}row", f"{_NS}c", f"{_NS}v"
_DIMENSION, _SHEET_DATA = f"{_NS}dimension", f"{_NS}sheetData"
_SHARED, _INLINE = f"{_NS}si", f"{_NS}is"
_TEXT, _RUN = f"{_NS}t", f"{_NS}r"


def _xml_events(source, tags: tuple[str, ...]):
    from lxml import etree

    # No entities, no network, no huge nodes: the file comes from a user.
    return etree.iterparse(
        source, events=("end",), tag=tags, resolve_entities=False, no_network=True
    )


def _drop_done(element) -> None:
    """Free an element reported and every sibling before it (iterparse keeps them otherwise)."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def _string_content(node) -> str:
    """A shared or inline string: its plain text, then its rich-text runs (as openpyxl)."""
    plain, runs = None, []
    for child in node:
        tag = child.tag
        if tag == _TEXT:
            plain = child.text
        elif tag == _RUN:
            text = child.findtext(_TEXT)
            if text:
                runs.append(text)
    return (plain or "") + "".join(runs) if runs else plain or ""


@dataclass(frozen=True)
class Head:
    rows: int | None  # the rows the sheet declares, header included; None if it does not say
    columns: int | None
    first_row: list  # the values of row 1 (empty if the sheet has none)


def _open_source(source) -> tuple[io.BufferedIOBase, bool]:
    """(binary file, whether we opened it) for bytes, a path or an open binary file."""
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(source), True
    if isinstance(source, str | os.PathLike):
        return open(Path(source), "rb"), True
    return source, False


class SheetReader:
    """The first worksheet of an uploaded xlsx, read within ``limits`` (see the module doc)."""

    def __init__(self, source, limits: Limits | None = None):
        self.limits = limits or Limits()
        self._file, self._owned = _open_source(source)
        try:
            self._file.seek(0)
            if self._file.read(len(XLSX_MAGIC)) != XLSX_MAGIC:
                raise XlsxRefused("not_xlsx")
            self._file.seek(0)
            try:
                self.archive = GuardedZip(self._file)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
                raise XlsxRefused("damaged") from None
        except BaseException:
            self._close_file()
            raise
        try:
            self.archive.part_bytes = self.limits.part_bytes
            check_archive(self.archive.infolist(), self.limits)
            self._read_workbook()
        except XlsxRefused:
            self.close()
            raise
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            self.close()
            raise XlsxRefused("damaged") from exc
        self._styles_read = False
        self.date_styles: set[int] = set()
        self.timedelta_styles: set[int] = set()

    def _read_workbook(self) -> None:
        from openpyxl.packaging.manifest import Manifest
        from openpyxl.reader.excel import _find_workbook_part
        from openpyxl.reader.workbook import WorkbookParser
        from openpyxl.utils.cell import column_index_from_string, range_boundaries
        from openpyxl.utils.datetime import from_excel, from_ISO8601
        from openpyxl.worksheet._reader import _cast_number
        from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
        from openpyxl.xml.functions import fromstring

        self._from_excel, self._from_iso, self._number = from_excel, from_ISO8601, _cast_number
        self._column_index, self._range = column_index_from_string, range_boundaries
        # What openpyxl's ExcelReader does, minus the parts it would read and we never use.
        package = Manifest.from_tree(fromstring(self.archive.read(ARC_CONTENT_TYPES)))
        parser = WorkbookParser(
            self.archive, _find_workbook_part(package).PartName[1:], keep_links=False
        )
        parser.parse()
        valid = set(self.archive.namelist())
        self.sheet_path = next(
            rel.target
            for _sheet, rel in parser.find_sheets()
            if rel.target in valid and "chartsheet" not in rel.Type
        )
        strings = package.find(SHARED_STRINGS)
        self.strings_path = strings.PartName[1:] if strings else None
        self.workbook = parser.wb
        self.epoch = parser.wb.epoch

    def _read_styles(self) -> None:
        """The styles that make a number a date; only rows() needs them."""
        if self._styles_read:
            return
        from openpyxl.styles.stylesheet import apply_stylesheet

        apply_stylesheet(self.archive, self.workbook)
        self.date_styles = self.workbook._date_formats
        self.timedelta_styles = self.workbook._timedelta_formats
        self._styles_read = True

    def _close_file(self) -> None:
        if self._owned:
            self._file.close()

    def close(self) -> None:
        self.archive.close()
        self._close_file()

    # --- the declared size ------------------------------------------------------------------

    def _declared(self, element) -> tuple[int | None, int | None]:
        """(columns, rows) of a <dimension>, checked against the limits."""
        _min_col, _min_row, max_col, max_row = self._range(element.get("ref"))
        if max_row is not None and max_row > self.limits.sheet_rows:
            raise XlsxRefused("rows", n=f"{self.limits.rows:,}")
        if max_col is not None and max_col > self.limits.columns:
            raise XlsxRefused("columns", found=f"{max_col:,}", n=f"{self.limits.columns:,}")
        return max_col, max_row

    # --- shared strings ---------------------------------------------------------------------

    def _shared_strings(self, wanted: set[int] | None = None):
        """Every shared string (a list), or only those at the ``wanted`` positions (a dict)."""
        if self.strings_path is None:
            return [] if wanted is None else {}
        strings: list[str] = []
        found: dict[int, str] = {}
        most = self.limits.shared_strings
        position = -1
        with self.archive.open(self.strings_path) as raw:
            source = Meter(raw, self.limits.row_bytes)
            for _event, node in _xml_events(source, (_SHARED,)):
                source.mark()
                position += 1
                if wanted is None:
                    if position >= most:
                        raise XlsxRefused("shared_strings", n=f"{most:,}")
                    strings.append(_string_content(node).replace("x005F_", ""))
                elif position in wanted:
                    found[position] = _string_content(node).replace("x005F_", "")
                    if len(found) == len(wanted):
                        break
                _drop_done(node)
        return strings if wanted is None else found

    # --- the sheet --------------------------------------------------------------------------

    def head(self) -> Head:
        """The declared size and the first row, reading as little of the file as possible."""
        try:
            return self._head()
        except XlsxRefused:
            raise
        except Exception as exc:  # a damaged sheet: lxml, zipfile and openpyxl raise many kinds
            raise XlsxRefused("damaged") from exc

    def _head(self) -> Head:
        columns = rows = None
        first: list = []
        with self.archive.open(self.sheet_path) as raw:
            source = Meter(raw, self.limits.row_bytes)
            for _event, element in _xml_events(source, (_DIMENSION, _ROW, _SHEET_DATA)):
                source.mark()
                if element.tag == _DIMENSION:
                    columns, rows = self._declared(element)
                    continue
                if element.tag == _ROW and element.get("r", "1") in ("1", "1.0"):
                    wanted = {
                        int(cell.findtext(_VALUE))
                        for cell in element.iterchildren(_CELL)
                        if cell.get("t") == "s" and cell.findtext(_VALUE)
                    }
                    strings = self._shared_strings(wanted) if wanted else {}
                    first = self._row_values(element, {}, columns, strings)
                break
        return Head(rows, columns, first)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, values) of every row on file, padded to the sheet's declared width.

        Raises XlsxRefused past the row limit (empty rows count too), for a row wider than the
        column limit, for a row or shared string bigger than ``row_bytes``, and ("damaged",
        with the parser's error as its cause) for a sheet that cannot be parsed.
        """
        try:
            yield from self._rows()
        except XlsxRefused:
            raise
        except Exception as exc:  # a damaged sheet: lxml, zipfile and openpyxl raise many kinds
            raise XlsxRefused("damaged") from exc

    def _rows(self) -> Iterator[tuple[int, list]]:
        self._read_styles()
        strings = self._shared_strings()
        allowed = self.limits.sheet_rows
        max_col = max_row = None
        counter = number = seen = 0
        columns: dict[str, int] = {}
        with self.archive.open(self.sheet_path) as raw:
            source = Meter(raw, self.limits.row_bytes)
            for _event, element in _xml_events(source, (_DIMENSION, _ROW, _SHEET_DATA)):
                source.mark()
                if element.tag == _SHEET_DATA:
                    break  # nothing after the rows is needed
                if element.tag == _DIMENSION:
                    max_col, max_row = self._declared(element)
                    continue
                declared = element.get("r")
                if declared:
                    counter = int(float(declared))
                    if counter != float(declared):
                        raise ValueError(f"{declared} is not a valid row number")
                else:
                    counter += 1
                if max_row is not None and counter > max_row:
                    break
                seen += 1
                if counter > allowed or seen > allowed:
                    raise XlsxRefused("rows", n=f"{self.limits.rows:,}")
                if counter > number:  # a row out of order is dropped, as openpyxl does
                    number = counter
                    yield number, self._row_values(element, columns, max_col, strings)
                _drop_done(element)

    def _value(self, kind: str, style: str | None, text: str | None, inline):
        if kind == "inlineStr":
            return None if inline is None else _string_content(inline)
        if not text:
            return None
        if kind == "n":
            value = self._number(text)
            style_id = int(style or 0)
            if style_id in self.date_styles:
                try:
                    return self._from_excel(value, self.epoch, style_id in self.timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return value
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return self._from_iso(text)
        return text  # "str" (a formula's text) and "e" (an error such as #N/A)

    def _row_values(self, element, columns: dict[str, int], max_col: int | None, strings) -> list:
        # One pass over the row's elements: lxml builds a Python object for every node
        # touched, and find()/findtext() go through ElementPath, so both are kept to a minimum.
        values = [None] * max_col if max_col else []
        position = 0
        widest = self.limits.columns
        column_index, value_of = self._column_index, self._value
        for cell in element.iterchildren(_CELL):
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                position = columns.get(letters) or columns.setdefault(
                    letters, column_index(letters)
                )
            else:
                position += 1
            if max_col:
                if position > max_col:
                    continue
            elif position > len(values):
                if position > widest:  # undeclared width: a row must not grow without bound
                    raise XlsxRefused("columns", found=f"{position:,}", n=f"{widest:,}")
                values.extend([None] * (position - len(values)))
            text = inline = None
            for child in cell:
                tag = child.tag
                if tag == _VALUE:
                    text = child.text
                elif tag == _INLINE:
                    inline = child
            kind = cell.get("t", "n")
            # The two kinds nearly every cell has, without a call to _value.
            if kind == "inlineStr":
                value = None if inline is None else _string_content(inline)
            elif kind == "s":
                value = strings[int(text)] if text else None
            else:
                value = value_of(kind, cell.get("s"), text, inline)
            values[position - 1] = value
        if not max_col and values:
            # openpyxl sizes an undeclared sheet's row by its last cell, not its widest one.
            del values[position:]
        return values
