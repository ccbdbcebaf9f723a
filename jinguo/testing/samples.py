"""Small but whole files of each uploadable kind, for tests of upload checks."""

import io
import struct
import zipfile
import zlib


def pdf(text: str = "") -> bytes:
    body = b"%PDF-1.7\n1 0 obj <<>> endobj\n" + text.encode() + b"\n"
    xref = len(body)
    return body + b"xref\n0 1\n0000000000 65535 f \ntrailer <<>>\nstartxref\n%d\n%%%%EOF\n" % xref


def png() -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg(app: bytes = b"JFIF") -> bytes:
    marker = b"\xe0" if app == b"JFIF" else b"\xe1"
    return b"\xff\xd8\xff" + marker + b"\x00\x10" + app + b"\x00" * 10 + b"\xff\xd9"


def ooxml(main_part: str = "word/document.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(main_part, "<document/>")
    return out.getvalue()


def ole() -> bytes:
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[28:30] = b"\xfe\xff"
    header[30:32] = struct.pack("<H", 9)
    return bytes(header) + b"\x00" * 512


def wav() -> bytes:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 8000, 1, 8)
    data = b"data" + struct.pack("<I", 4) + b"\x80" * 4
    body = b"WAVE" + fmt + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def iso_media(brand: bytes = b"mp42") -> bytes:
    ftyp = struct.pack(">I", 16) + b"ftyp" + brand + b"\x00\x00\x00\x00"
    mdat = struct.pack(">I", 16) + b"mdat" + b"\x00" * 8
    return ftyp + mdat


def mp3() -> bytes:
    return b"ID3\x03\x00" + b"\x00" * 20


SAMPLES = {
    "pdf": pdf("受害人伤情照片说明：左臂淤青"),
    "jpg": jpeg(),
    "jpeg": jpeg(b"Exif"),
    "png": png(),
    "docx": ooxml(),
    "xlsx": ooxml("xl/workbook.xml"),
    "doc": ole(),
    "xls": ole(),
    "wav": wav(),
    "mp3": mp3(),
    "m4a": iso_media(b"M4A "),
    "mp4": iso_media(),
    "txt": "通话记录：对方多次威胁。".encode("gb18030"),
}
