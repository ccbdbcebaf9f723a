"""Limits for reading an uploaded xlsx, and the refusal that tells the user which one a file broke.

An xlsx is a zip archive of XML parts, and a few hundred kilobytes can unpack to gigabytes
(400 MB of shared strings, 35 million empty rows). The figures that bound the work:

- ``check_archive``, from the zip's central directory alone (nothing is unpacked): the number
  of parts, the total unpacked size and the compression ratio of large parts. Python's zipfile
  never unpacks more than the directory declares (it stops and fails the CRC), so these figures
  bound everything that follows.
- ``GuardedZip`` refuses to read whole (``read()``) a part over ``part_bytes``: openpyxl parses
  the content types, workbook, relationships and styles that way.
- ``Meter`` refuses to stream more than ``row_bytes`` between two rows: lxml builds a whole
  element before it reports it, so one giant row would otherwise be built in memory at once.

``jinguo.core.xlsxread.SheetReader`` applies them all. A file over a limit raises
``XlsxRefused``; its ``message`` tells the user in Chinese; its code and figures are plain
data, so a helper process without Django can send them back.
"""

import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    rows: int = 200_000  # data rows, below the header row(s)
    header_rows: int = 1
    columns: int = 256
    total_bytes: int = 200 * MB  # every part, unpacked
    part_bytes: int = 8 * MB  # a part parsed whole: content types, workbook, relationships, styles
    ratio: int = 100  # unpacked / packed, for a part of ratio_from bytes or more
    ratio_from: int = 1 * MB
    parts: int = 1_000
    shared_strings: int = 2_000_000
    row_bytes: int = 1 * MB  # one row, or one shared string, unpacked

    @property
    def sheet_rows(self) -> int:
        return self.rows + self.header_rows


MESSAGES = {
    "not_xlsx": _("这不是有效的 xlsx 文件，请用 Excel 另存为 .xlsx 格式。"),
    "damaged": _("无法读取 Excel 文件，请确认文件未损坏且为 .xlsx 格式。"),
    "unpacked_total": _(
        "文件解压后超过 %(mb)s MB，可能不是正常的 Excel 文件，请检查后重新上传；"
        "如果确实有这么多数据，请分成几个文件导入。"
    ),
    "unpacked_part": _(
        "文件中的一个组成部分解压后超过 %(mb)s MB，可能不是正常的 Excel 文件，请检查后重新上传。"
    ),
    "ratio": _(
        "文件解压后比压缩时大 %(ratio)s 倍以上，可能不是正常的 Excel 文件，请检查后重新上传。"
    ),
    "parts": _(
        "文件由 %(found)s 个部分组成，超过 %(n)s 个的上限，可能不是正常的 Excel 文件，"
        "请检查后重新上传。"
    ),
    "rows": _("文件超过 %(n)s 行的上限，请分批导入。"),
    "columns": _("工作表有 %(found)s 列，超过 %(n)s 列的上限，请删除多余的列后重新上传。"),
    "row_bytes": _(
        "文件中有一行或一个单元格解压后超过 %(mb)s MB，可能不是正常的 Excel 文件，"
        "请检查后重新上传。"
    ),
    "shared_strings": _(
        "文件中不同的文字超过 %(n)s 条，可能不是正常的 Excel 文件，请检查后重新上传。"
    ),
}


class XlsxRefused(Exception):
    """The file is not read: not an xlsx, damaged, or over a limit. ``message`` is for the user."""

    def __init__(self, code: str, **params: str):
        super().__init__(code, params)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params


def _mb(size: int) -> str:
    return f"{size / MB:g}"


# --- the central directory ------------------------------------------------------------------


def check_archive(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse an archive whose directory promises too much; nothing is unpacked."""
    if len(members) > limits.parts:
        raise XlsxRefused("parts", found=f"{len(members):,}", n=f"{limits.parts:,}")
    total = sum(m.file_size for m in members)
    if total > limits.total_bytes:
        raise XlsxRefused("unpacked_total", mb=_mb(limits.total_bytes))
    for member in members:
        size = member.file_size
        if size >= limits.ratio_from and size > limits.ratio * max(member.compress_size, 1):
            raise XlsxRefused("ratio", ratio=str(limits.ratio), part=member.filename)


class GuardedZip(zipfile.ZipFile):
    """A zip whose parts read whole (``read``) are refused above ``part_bytes``; openpyxl reads
    the content types, workbook, relationships and styles this way."""

    part_bytes = Limits.part_bytes

    def read(self, name, pwd=None):
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if info.file_size > self.part_bytes:
            raise XlsxRefused("unpacked_part", mb=_mb(self.part_bytes), part=info.filename)
        return super().read(name, pwd)


class Meter:
    """A stream that refuses to give more than ``limit`` bytes between two ``mark()`` calls.

    lxml builds a whole element before it reports it, so one giant row (millions of cells)
    would be built in memory at once; marking at every row caps what one row can cost.
    """

    def __init__(self, raw, limit: int):
        self.raw, self.limit, self.since = raw, limit, 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size and size > 0 else 64 * 1024)
        self.since += len(data)
        if self.since > self.limit:
            raise XlsxRefused("row_bytes", mb=_mb(self.limit))
        return data

    def mark(self) -> None:
        self.since = 0
