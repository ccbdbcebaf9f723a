"""An uploaded xlsx is refused before it can cost time or memory: zip bombs by their central
directory, oversized sheets by their declared size, and the rest while streaming."""

import io
import struct
import zipfile

import pytest

from jinguo.core import xlsxcheck
from jinguo.core.xlsxcheck import MB, Limits, XlsxRefused
from jinguo.core.xlsxread import SheetReader
from jinguo.testing import xlsx_bombs as bombs

HEADERS = ["姓名", "所属单位代码"]


def refusal(data: bytes, limits: Limits | None = None, *, read_rows: bool = True) -> XlsxRefused:
    with pytest.raises(XlsxRefused) as refused:
        sheet = SheetReader(data, limits)
        try:
            sheet.head()
            if read_rows:
                for _row in sheet.rows():
                    pass
        finally:
            sheet.close()
    return refused.value


@pytest.fixture
def unpacked(monkeypatch):
    """Bytes unpacked from any zip part, counted."""
    counted = [0]
    real = zipfile.ZipExtFile.read

    def read(self, n=-1):
        data = real(self, n)
        counted[0] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    return counted


def test_the_issues_shared_strings_bomb_is_refused_from_the_directory(unpacked):
    data = bombs.shared_strings_bomb(HEADERS, 400 * MB)  # 400 MB of strings in ~0.4 MB
    assert len(data) < MB
    refused = refusal(data)  # how fast: bench/bench_import_bombs.py
    assert refused.code == "unpacked_total"
    assert refused.message == (
        "文件解压后超过 200 MB，可能不是正常的 Excel 文件，请检查后重新上传；"
        "如果确实有这么多数据，请分成几个文件导入。"
    )
    assert unpacked[0] == 0, "nothing was unpacked"


def test_a_part_unpacking_far_beyond_its_packed_size_is_refused(unpacked):
    data = bombs.shared_strings_bomb(HEADERS, 5 * MB)  # within 200 MB, but ~1000 : 1
    refused = refusal(data)
    assert refused.code == "ratio" and "可能不是正常的 Excel 文件" in refused.message
    assert unpacked[0] == 0
    # Small parts may be as compressible as they like: only size can hurt.
    SheetReader(bombs.shared_strings_bomb(HEADERS, MB // 2)).close()


def test_too_many_parts_and_a_large_part_read_whole_are_refused():
    extra = {f"xl/media/image{i}.png": b"x" for i in range(20)}
    data = bombs.workbook(bombs.sheet(b""), bombs.shared_strings(HEADERS), **extra)
    assert refusal(data, Limits(parts=10)).code == "parts"
    # The styles are parsed whole (openpyxl), so they have a limit of their own.
    styles = bombs.repeated(b"<!-- padding -->", 2 * MB)
    data = bombs.workbook(
        bombs.sheet(bombs.header_row(HEADERS)),
        bombs.shared_strings(HEADERS),
        **{"xl/styles.xml": styles},
    )
    refused = refusal(data, Limits(part_bytes=MB, ratio=10_000))
    assert refused.code == "unpacked_part"


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s unpacked size in the central directory set to ``size``."""
    data = bytearray(data)
    start = data.find(b"PK\x01\x02")
    while start != -1:
        (length,) = struct.unpack_from("<H", data, start + 28)
        if data[start + 46 : start + 46 + length] == name.encode():
            struct.pack_into("<I", data, start + 24, size)
            return bytes(data)
        start = data.find(b"PK\x01\x02", start + 46)
    raise AssertionError(name)


def test_a_lying_directory_cannot_make_the_reader_unpack_more(unpacked):
    """The limits trust the directory's sizes: zipfile stops there and fails the CRC."""
    data = declare_size(bombs.shared_strings_bomb(HEADERS, 5 * MB), "xl/sharedStrings.xml", 9_000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size == 9_000
    refused = refusal(data)
    assert refused.code == "damaged"
    assert unpacked[0] < 64 * 1024


def test_a_declared_size_beyond_the_limits_is_refused_at_the_head(unpacked):
    data = bombs.empty_rows_bomb(HEADERS, 10, dimension="A1:B35000001")
    sheet = SheetReader(data)
    with pytest.raises(XlsxRefused) as refused:
        sheet.head()
    sheet.close()
    assert refused.value.code == "rows"
    assert refused.value.message == "文件超过 200,000 行的上限，请分批导入。"
    assert unpacked[0] < 64 * 1024, "only the start of the sheet was read"
    wide = bombs.empty_rows_bomb(HEADERS, 10, dimension="A1:XFD3")
    refused = refusal(wide, read_rows=False)
    assert refused.code == "columns" and "16,384 列" in refused.message


def test_the_issues_empty_rows_bomb_is_refused_and_so_is_a_smaller_one():
    assert refusal(bombs.empty_rows_bomb(HEADERS, 35_000_000)).code == "unpacked_total"
    # Small enough to pass the directory (no <dimension>): empty rows count while streaming.
    data = bombs.empty_rows_bomb(HEADERS, 300_000)
    sheet = SheetReader(data, Limits(ratio=10_000))
    assert sheet.head().first_row == HEADERS
    rows = 0
    with pytest.raises(XlsxRefused) as refused:
        for _row in sheet.rows():
            rows += 1
    assert refused.value.code == "rows"
    assert rows == 200_001, "the header and 200,000 rows, empty or not, then no more"
    # A jump in the row numbers counts as the rows it skips.
    jump = bombs.workbook(
        bombs.sheet([bombs.header_row(HEADERS), b'<row r="35000000"/>']),
        bombs.shared_strings(HEADERS),
    )
    assert refusal(jump).code == "rows"


def test_a_giant_row_or_string_is_refused_before_it_is_built():
    data = bombs.wide_row_bomb(HEADERS, 5_000_000)  # 20 MB of <c/> in one row
    refused = refusal(data, Limits(ratio=10_000))
    assert refused.code == "row_bytes"
    big_string = bombs.workbook(
        bombs.sheet(bombs.header_row(HEADERS)),
        bombs.shared_strings(HEADERS, [b"<si><t>", *bombs.repeated(b"A", 2 * MB), b"</t></si>"]),
    )
    assert refusal(big_string, Limits(ratio=10_000)).code == "row_bytes"
    # Without a declared width, one far-away cell must not widen every row.
    far = bombs.workbook(
        bombs.sheet([bombs.header_row(HEADERS), b'<row r="2"><c r="XFD2"><v>1</v></c></row>']),
        bombs.shared_strings(HEADERS),
    )
    assert refusal(far).code == "columns"


def test_the_number_of_shared_strings_is_bounded():
    filler = bombs.repeated(b"<si><t>x</t></si>", 1_000 * len(b"<si><t>x</t></si>"))
    data = bombs.workbook(
        bombs.sheet(bombs.header_row(HEADERS)), bombs.shared_strings(HEADERS, filler)
    )
    assert refusal(data, Limits(shared_strings=500)).code == "shared_strings"
    sheet = SheetReader(data, Limits(shared_strings=2_000))
    assert [values for _n, values in sheet.rows()] == [HEADERS]


def test_the_head_reads_only_the_shared_strings_the_first_row_uses():
    # Strings past the header's are garbage: the head never gets there, the rows do.
    data = bombs.workbook(
        bombs.sheet(bombs.header_row(HEADERS)),
        [
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{bombs.MAIN}">'.encode(),
            *(f"<si><t>{h}</t></si>".encode() for h in HEADERS),
            b"<si><t>never read</t></si><si><<<broken",
        ],
    )
    sheet = SheetReader(data)
    head = sheet.head()
    assert (head.rows, head.columns, head.first_row) == (None, None, HEADERS)
    with pytest.raises(XlsxRefused) as refused:
        list(sheet.rows())
    assert refused.value.code == "damaged"
    assert type(refused.value.__cause__).__name__ == "XMLSyntaxError"


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "not_xlsx"), (b"name,phone\n", "not_xlsx"), (b"PK\x03\x04 not a zip", "damaged")],
)
def test_files_that_are_no_xlsx(data, code):
    assert refusal(data).code == code


def test_messages_are_plain_data_until_shown():
    """A helper process without Django sends the code and figures; the message is made here."""
    refused = XlsxRefused("rows", n="10")
    assert refused.params == {"n": "10"} and refused.message == "文件超过 10 行的上限，请分批导入。"
    assert set(xlsxcheck.MESSAGES) >= {"unpacked_total", "ratio", "rows", "columns", "row_bytes"}
