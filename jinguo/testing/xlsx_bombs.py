"""Small xlsx files built part by part, for the tests and the bench of the upload limits
(``jinguo.core.xlsxcheck``): zip bombs, sheets of millions of rows, giant rows.

A part is bytes or an iterable of byte chunks, deflated as it is generated: a 400 MB part
never exists in memory.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
    "</Types>"
).encode()
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
).encode()
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="人员档案" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
).encode()

Part = bytes | Iterable[bytes]


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_row(headers: list[str]) -> bytes:
    """Row 1: the headers as shared strings 0, 1, 2…"""
    cells = "".join(
        f'<c r="{_column(i)}1" t="s"><v>{i - 1}</v></c>' for i in range(1, len(headers) + 1)
    )
    return f'<row r="1">{cells}</row>'.encode()


def sheet(rows: Part, *, dimension: str | None = None) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from [rows] if isinstance(rows, bytes) else rows
    yield b"</sheetData></worksheet>"


def shared_strings(strings: list[str], filler: Part = b"") -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
    for text in strings:
        yield f"<si><t>{text}</t></si>".encode()
    yield from [filler] if isinstance(filler, bytes) else filler
    yield b"</sst>"


def repeated(chunk: bytes, total: int, *, block: int = 1024 * 1024) -> Iterator[bytes]:
    """``chunk`` repeated ``total // len(chunk)`` times, a block of about ``block`` bytes at a
    time."""
    count = total // len(chunk)
    per_block = max(1, block // len(chunk))
    piece = chunk * per_block
    for _ in range(count // per_block):
        yield piece
    if count % per_block:
        yield chunk * (count % per_block)


def workbook(sheet_xml: Part, strings_xml: Part, **extra: Part) -> bytes:
    """A minimal xlsx (content types, relationships, workbook, the sheet, its shared strings)
    plus ``extra`` parts (name → content)."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet_xml,
        "xl/sharedStrings.xml": strings_xml,
        **extra,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            with archive.open(name, "w", force_zip64=True) as target:
                for chunk in [content] if isinstance(content, bytes) else content:
                    target.write(chunk)
    return buffer.getvalue()


def shared_strings_bomb(headers: list[str], unpacked: int) -> bytes:
    """The header row, and shared strings of ``unpacked`` bytes (the issue: 411 KB → 400 MB)."""
    # Millions of short strings: what costs openpyxl most (one object each, 74 s and 3.5 GB).
    filler = repeated(b"<si><t>AA</t></si>", unpacked)
    return workbook(sheet(header_row(headers)), shared_strings(headers, filler))


def numbered(template: str, count: int, *, start: int = 1, block: int = 20_000) -> Iterator[bytes]:
    """``template.format(n)`` for n = start, start + 1, …: numbers do not compress a
    thousandfold, so such a part passes the ratio check and reaches the streaming limits."""
    for first in range(start, start + count, block):
        last = min(first + block, start + count)
        yield "".join(template.format(n) for n in range(first, last)).encode()


def empty_rows_bomb(
    headers: list[str], rows: int, *, dimension: str | None = None, numbered_rows: bool = False
) -> bytes:
    """The header row, then ``rows`` empty rows (the issue: 307 KB → 35 million rows);
    ``numbered_rows``: as Excel writes them, ``<row r="2"/>``…"""
    empty = (
        numbered('<row r="{}"/>', rows, start=2) if numbered_rows else repeated(b"<row/>", rows * 6)
    )
    return workbook(
        sheet([header_row(headers), *empty], dimension=dimension), shared_strings(headers)
    )


def wide_row_bomb(headers: list[str], cells: int, *, numbered_cells: bool = False) -> bytes:
    """The header row, then one row of ``cells`` cells without references: empty, or
    ``numbered_cells`` holding 1, 2, 3…"""
    body = numbered("<c><v>{}</v></c>", cells) if numbered_cells else repeated(b"<c/>", cells * 4)
    return workbook(
        sheet([header_row(headers), b'<row r="2">', *body, b"</row>"]), shared_strings(headers)
    )
