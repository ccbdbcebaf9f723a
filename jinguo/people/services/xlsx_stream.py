"""Streaming read of an xlsx sheet with lxml: the shared strings and the first sheet are
parsed incrementally, and cells are converted with openpyxl's own helpers so values come out
as openpyxl would give them. Reading a 100,000-row file this way is about 3x faster than
openpyxl's read-only mode, which also walks the sheet twice."""

from collections.abc import Iterator
from pathlib import Path

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE = f"{_NS}row", f"{_NS}c", f"{_NS}v"
_DIMENSION, _SHARED, _INLINE = f"{_NS}dimension", f"{_NS}si", f"{_NS}is"
_TEXT, _RUN = f"{_NS}t", f"{_NS}r"


def _xml_events(source, tags: tuple[str, ...]):
    from lxml import etree

    # No entities, no network, no huge nodes: the file comes from a user.
    return etree.iterparse(
        source, events=("end",), tag=tags, resolve_entities=False, no_network=True
    )


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


class SheetReader:
    """The first worksheet's values, read as openpyxl's read-only mode reads them, but faster.

    openpyxl parses every sheet once only to size it, then builds several objects per cell;
    for 100,000 rows that was a quarter of the import. Here openpyxl reads the workbook's
    small parts (sheet list, styles, 1904 calendar) and lxml streams the shared strings and
    the sheet, converting cells with openpyxl's own rules (numbers, dates, booleans).
    """

    def __init__(self, path: Path):
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet
        from openpyxl.utils.cell import column_index_from_string, range_boundaries
        from openpyxl.utils.datetime import from_excel, from_ISO8601
        from openpyxl.worksheet._reader import _cast_number
        from openpyxl.xml.constants import SHARED_STRINGS

        self._from_excel, self._from_iso, self._number = from_excel, from_ISO8601, _cast_number
        self._column_index, self._range = column_index_from_string, range_boundaries
        reader = ExcelReader(path, read_only=True, data_only=True)
        self.archive = reader.archive
        try:
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            self.sheet_path = next(
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            )
            strings = reader.package.find(SHARED_STRINGS)
            self.strings = self._shared_strings(strings.PartName[1:]) if strings else []
        except BaseException:
            self.archive.close()
            raise
        self.epoch = reader.wb.epoch
        self.date_styles = reader.wb._date_formats
        self.timedelta_styles = reader.wb._timedelta_formats

    def close(self) -> None:
        self.archive.close()

    def _shared_strings(self, part: str) -> list[str]:
        strings = []
        with self.archive.open(part) as source:
            for _event, node in _xml_events(source, (_SHARED,)):
                strings.append(_string_content(node).replace("x005F_", ""))
                node.clear()
        return strings

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
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return self._from_iso(text)
        return text  # "str" (a formula's text) and "e" (an error such as #N/A)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, values) of every row on file, padded to the sheet's declared width."""
        max_col = max_row = None
        counter = number = 0
        columns: dict[str, int] = {}
        with self.archive.open(self.sheet_path) as source:
            for _event, element in _xml_events(source, (_DIMENSION, _ROW)):
                if element.tag == _DIMENSION:
                    _c, _r, max_col, max_row = self._range(element.get("ref"))
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
                if counter > number:  # a row out of order is dropped, as openpyxl does
                    number = counter
                    yield number, self._row_values(element, columns, max_col)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]

    def _row_values(self, element, columns: dict[str, int], max_col: int | None) -> list:
        # One pass over the row's elements: lxml builds a Python object for every node
        # touched, and find()/findtext() go through ElementPath, so both are kept to a minimum.
        values = [None] * max_col if max_col else []
        position = 0
        strings, column_index, value_of = self.strings, self._column_index, self._value
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


# --- reading in a second process -------------------------------------------------------------
# Parsing the sheet is about a third of a large import. A helper process parses while the
# importer checks and writes the rows it already has, so a second core shares the work.

ROWS_PER_MESSAGE = 500


class SheetReadError(Exception):
    """The helper process could not open or parse the sheet (a damaged or unusual file)."""


def _read_into(path: str, sender, rows_per_message: int) -> None:
    """Runs in the helper process: send the sheet's rows in chunks, then "end" or "error"."""
    try:
        reader = SheetReader(Path(path))
        try:
            chunk = []
            for item in reader.rows():
                chunk.append(item)
                if len(chunk) >= rows_per_message:
                    sender.send(("rows", chunk))
                    chunk = []
            if chunk:
                sender.send(("rows", chunk))
        finally:
            reader.close()
        sender.send(("end", None))
    except Exception as exc:  # any failure ends the read; the importer reports it
        # Only the kind of failure: a converter's message can quote a cell, i.e. personal data.
        sender.send(("error", type(exc).__name__))
    finally:
        sender.close()


def rows_in_process(path: Path) -> Iterator[tuple[int, list]]:
    """``SheetReader(path).rows()``, parsed by a helper process. Raises SheetReadError.

    The process is started fresh ("spawn": no copy of the caller's database connections or
    threads) and imports only this module, openpyxl and lxml. If the caller stops early, the
    process is ended.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_read_into, args=(str(path), sender, ROWS_PER_MESSAGE), daemon=True
    )
    process.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise SheetReadError("the reading process ended without a result") from None
            if kind == "rows":
                yield from payload
            elif kind == "error":
                raise SheetReadError(payload)
            else:
                return
    finally:
        receiver.close()
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
