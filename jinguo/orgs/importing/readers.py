"""Reading import rows from CSV, xlsx and the National Bureau of Statistics division files."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from django.utils.translation import gettext as _

from jinguo.core.xlsxcheck import XLSX_MAGIC, Limits, XlsxRefused
from jinguo.core.xlsxread import SheetReader

from .rows import COLUMN_CODE, COLUMN_NAME, COLUMN_PARENT, ImportRow
from .runner import ImportFileError

MAX_ROWS = 200_000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")

HEADER_ALIASES = {
    "code": {"代码", "区划代码", "单位代码", "统计用区划代码", "code"},
    "name": {"名称", "单位名称", "区划名称", "name"},
    "parent_code": {
        "上级代码",
        "上级区划代码",
        "上级单位代码",
        "parent_code",
        "parentcode",
        "parent",
    },
}
TEMPLATE_HEADER = [COLUMN_CODE, COLUMN_NAME, COLUMN_PARENT]

# The NBS files (modood/Administrative-divisions-of-China layout), parents before children.
NBS_FILES = [
    ("provinces.csv", None),
    ("cities.csv", "provinceCode"),
    ("areas.csv", "cityCode"),
    ("streets.csv", "areaCode"),
    ("villages.csv", "streetCode"),
]


def _normalise(header) -> str:
    text = "" if header is None else str(header)
    return text.strip().lstrip("\ufeff").replace(" ", "").replace("*", "").lower()


def cell_text(value) -> str:
    """A cell as text; spreadsheet numbers lose their '.0' (codes typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def rows_from_table(table: Iterable[Sequence], source: str = "") -> list[ImportRow]:
    """Rows of a sheet whose first line is a header naming the code, name and parent columns."""
    lines = iter(table)
    header = next(lines, None)
    if header is None:
        raise ImportFileError(_("文件是空的。"), source=source, line=1)
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        norm = _normalise(title)
        for key, aliases in HEADER_ALIASES.items():
            if norm in aliases and key not in positions:
                positions[key] = index
    missing = [
        str(t)
        for key, t in zip(HEADER_ALIASES, TEMPLATE_HEADER, strict=True)
        if key not in positions
    ]
    if missing:
        raise ImportFileError(
            _("第一行表头缺少列：%(cols)s。请使用导入模板（代码、名称、上级代码）。")
            % {"cols": "、".join(missing)},
            source=source,
            line=1,
        )
    rows = []
    for line, values in enumerate(lines, start=2):
        if line > MAX_ROWS + 1:
            raise ImportFileError(
                _("文件超过 %(n)d 行的上限，请分批导入。") % {"n": MAX_ROWS}, source=source
            )
        cells = [
            cell_text(values[positions[key]]) if positions[key] < len(values) else ""
            for key in ("code", "name", "parent_code")
        ]
        if not any(cells):
            continue
        rows.append(ImportRow(line, cells[0], cells[1], cells[2], source))
    return rows


def decode_text(data: bytes, source: str = "") -> str:
    # Excel in China saves CSV as GBK by default; accept it as well as UTF-8 (with or without BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV。"), source=source)


def read_csv(data: bytes, source: str = "") -> list[ImportRow]:
    text = decode_text(data, source)
    try:
        return rows_from_table(csv.reader(io.StringIO(text)), source)
    except csv.Error as exc:
        raise ImportFileError(_("CSV 文件格式有误：%(e)s") % {"e": exc}, source=source) from exc


def _dense(rows: Iterable[tuple[int, list]]) -> Iterator[Sequence]:
    """Numbered rows as a table whose line n is row n, as openpyxl gave them (gaps empty)."""
    expected = 1
    for number, values in rows:
        while expected < number:  # bounded: the reader refuses a row number past the limit
            yield ()
            expected += 1
        yield values
        expected += 1


def read_xlsx(data: bytes, source: str = "") -> list[ImportRow]:
    """Rows of an xlsx upload, read within the limits of ``jinguo.core.xlsxcheck``: a zip
    bomb or a sheet of millions of (empty) rows is refused before it is unpacked."""
    try:
        sheet = SheetReader(data, Limits(rows=MAX_ROWS))
        try:
            return rows_from_table(_dense(sheet.rows()), source)
        finally:
            sheet.close()
    except XlsxRefused as exc:
        raise ImportFileError(exc.message, source=source) from exc


def read_upload(data: bytes, filename: str) -> list[ImportRow]:
    """Rows of an uploaded CSV or xlsx file; ImportFileError if the file is not usable."""
    name = Path(filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ImportFileError(_("只支持 CSV 或 xlsx 文件（.xls 请另存为 .xlsx）。"), source=name)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("文件不能超过 %(n)d MB。") % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)}, source=name
        )
    if not data:
        raise ImportFileError(_("文件是空的。"), source=name)
    if suffix == ".xlsx":
        return read_xlsx(data, name)
    if data.startswith(XLSX_MAGIC):
        raise ImportFileError(_("文件内容是 Excel 格式，请把扩展名改为 .xlsx。"), source=name)
    return read_csv(data, name)


def read_nbs_directory(directory: Path) -> list[ImportRow]:
    """Rows of the NBS files (provinces, cities, areas, streets[, villages]) in ``directory``."""
    rows: list[ImportRow] = []
    found = False
    for filename, parent_column in NBS_FILES:
        path = directory / filename
        if not path.exists():
            continue
        found = True
        text = decode_text(path.read_bytes(), filename)
        reader = csv.DictReader(io.StringIO(text))
        columns = set(reader.fieldnames or [])
        needed = {"code", "name"} | ({parent_column} if parent_column else set())
        if not needed <= columns:
            raise ImportFileError(
                _("%(file)s 缺少列：%(cols)s。")
                % {"file": filename, "cols": "、".join(sorted(needed - columns))},
                source=filename,
                line=1,
            )
        for line, record in enumerate(reader, start=2):
            rows.append(
                ImportRow(
                    line,
                    cell_text(record["code"]),
                    cell_text(record["name"]),
                    cell_text(record[parent_column]) if parent_column else "",
                    filename,
                )
            )
    if not found:
        raise ImportFileError(
            _("目录 %(dir)s 中没有找到 provinces.csv、cities.csv 等区划文件。") % {"dir": directory}
        )
    return rows


def read_path(path: Path) -> list[ImportRow]:
    """Rows of a CSV/xlsx file, or of the NBS files when ``path`` is a directory."""
    path = Path(path)
    if path.is_dir():
        return read_nbs_directory(path)
    if not path.exists():
        raise ImportFileError(_("文件 %(path)s 不存在。") % {"path": path})
    return read_upload(path.read_bytes(), path.name)


def template_workbook() -> bytes:
    """The empty import template: the three columns, typed as text so codes keep every digit."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("区划代码")
    sheet.append([str(title) for title in TEMPLATE_HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F8D7E3")
    for letter, width in (("A", 18), ("B", 32), ("C", 18)):
        sheet.column_dimensions[letter].width = width
    # Text format, so that a 12-digit code does not turn into 1.2E+11.
    for row in sheet.iter_rows(min_row=2, max_row=2001, max_col=3):
        for cell in row:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("填写说明"))
    for line in (
        [_("填写说明")],
        [_("1. 第一个工作表第一行是表头：代码、名称、上级代码，请勿修改。")],
        [
            _(
                "2. 代码为统计用区划代码：省 2 位、市 4 位、县（区）6 位、乡镇（街道）9 位、"
                "村（社区）12 位。"
            )
        ],
        [
            _(
                "3. 上级代码填写上一级单位的代码，省级单位留空；"
                "上级单位可以在本文件中，也可以已在系统中。"
            )
        ],
        [_("4. 单位类型由代码位数自动确定；已存在的代码只会更新名称，不会重复创建。")],
        [_("5. 只要有一行有误，整个文件都不会导入；请按错误清单修改后重新上传。")],
        [_("例："), "320505", _("虎丘区"), "3205"],
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
