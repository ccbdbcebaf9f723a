"""Structure checks of uploaded files, beyond their first bytes.

A file's magic bytes are easy to fake: a PDF header glued onto a program passes a magic check.
Here each kind of file must also be whole (a PDF ends with its cross-reference trailer, a PNG
with IEND, an Office file is a readable archive of sane size…) and no file may carry a Windows
or Linux program inside. ``structure_problem`` returns a short reason (for the log and the
tests) or None; callers show the user their own message.
"""

import io
import struct
import zipfile

# An Office file is a zip archive; its parts unpacked must stay well within memory.
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 10_000
TAIL = 1024


def _has_pe(data: bytes) -> bool:
    """A DOS/Windows program header ("MZ" whose e_lfanew points at "PE\\0\\0") anywhere."""
    start = data.find(b"MZ")
    while start != -1:
        if start + 0x40 <= len(data):
            (offset,) = struct.unpack_from("<I", data, start + 0x3C)
            pe = start + offset
            if 0x40 <= offset < 0x10000 and data[pe : pe + 4] == b"PE\x00\x00":
                return True
        start = data.find(b"MZ", start + 1)
    return False


def _has_elf(data: bytes) -> bool:
    # Magic, 32/64-bit class, byte order and version 1: seven bytes, never there by chance.
    return any(
        data.find(b"\x7fELF" + bytes([cls, order, 1])) != -1 for cls in (1, 2) for order in (1, 2)
    )


def embedded_program(data: bytes) -> bool:
    return _has_pe(data) or _has_elf(data) or data.startswith(b"#!")


def _pdf(data: bytes) -> str | None:
    if not (data.startswith(b"%PDF-1.") or data.startswith(b"%PDF-2.")):
        return "no PDF version header"
    tail = data[-TAIL:]
    if b"%%EOF" not in tail:
        return "no %%EOF at the end"
    if b"startxref" not in tail:
        return "no startxref trailer"
    if b"/Launch" in data:
        return "launch action"
    return None


def _png(data: bytes) -> str | None:
    if len(data) < 8 + 25 + 12 or data[12:16] != b"IHDR":
        return "no IHDR chunk"
    if not data.rstrip(b"\x00")[-12:].endswith(b"IEND\xaeB`\x82"):
        return "no IEND chunk at the end"
    return None


def _jpeg(data: bytes) -> str | None:
    if b"\xff\xd9" not in data[-TAIL:]:
        return "no end-of-image marker"
    return None


def _ooxml(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return "not a readable zip archive"
    if len(members) > ZIP_MAX_MEMBERS:
        return "too many parts"
    total = sum(m.file_size for m in members)
    if total > ZIP_MAX_UNCOMPRESSED or total > ZIP_MAX_RATIO * max(len(data), 1):
        return "declared parts too large"
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        return "no [Content_Types].xml"
    if any(m.filename.lower().endswith((".exe", ".dll", ".scr", ".bat", ".cmd")) for m in members):
        return "program inside the archive"
    return None


def _ole(data: bytes) -> str | None:
    # The compound-file header: byte order FFFE, sector shift 9 (512) or 12 (4096).
    if len(data) < 512 or data[28:30] != b"\xfe\xff":
        return "no compound-file header"
    (shift,) = struct.unpack_from("<H", data, 30)
    if shift not in (9, 12):
        return "bad sector size"
    return None


def _wav(data: bytes) -> str | None:
    (size,) = struct.unpack_from("<I", data, 4)
    # Recorders that were stopped abruptly leave 0 or a too-large size; a shorter one is a lie.
    if size and size + 8 < len(data) - 1:
        return "RIFF size shorter than the file"
    return None


def _iso_media(data: bytes) -> str | None:
    """The top-level boxes (size + type) must chain to the end of the file."""
    pos = 0
    while pos < len(data):
        if pos + 8 > len(data):
            return "truncated box header"
        (size,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        if not all(32 <= b < 127 for b in kind):
            return "bad box type"
        if size == 1:
            if pos + 16 > len(data):
                return "truncated box header"
            (size,) = struct.unpack_from(">Q", data, pos + 8)
        elif size == 0:
            return None  # the last box runs to the end of the file
        if size < 8:
            return "bad box size"
        pos += size
    return None if pos == len(data) else "boxes run past the end"


CHECKS = {
    "pdf": _pdf,
    "png": _png,
    "jpg": _jpeg,
    "jpeg": _jpeg,
    "docx": _ooxml,
    "xlsx": _ooxml,
    "doc": _ole,
    "xls": _ole,
    "wav": _wav,
    "mp4": _iso_media,
    "m4a": _iso_media,
}


def structure_problem(ext: str, data: bytes) -> str | None:
    """Why ``data`` is not a whole ``ext`` file, or None when it is one."""
    if embedded_program(data):
        return "program inside the file"
    check = CHECKS.get(ext)
    if check is None:
        return None
    try:
        return check(data)
    except struct.error:
        return "truncated file"
