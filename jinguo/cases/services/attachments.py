"""Attachments: checked, hashed, encrypted at rest, served only through a scoped view.

CONTRACT:
- ALLOWED_EXTENSIONS, MAX_BYTES
- attachment_add(*, user, case, upload, description="") -> Attachment
- attachment_read(*, user, attachment) -> bytes   (decrypts; writes an access audit row)

A file is accepted only when its extension is allowed, its first bytes look like that kind
of file and its structure is whole with no program inside (core/filecheck.py): a renamed
executable, or a PDF header glued onto one, is refused. The SHA-256 of the plaintext is kept so a printed
case file can prove what it held; the bytes on disk are encrypted, under a random name that
says nothing about the original.
"""

import hashlib
import logging
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit, crypto
from jinguo.core.filecheck import structure_problem

from ..choices import EventKind
from ..models import Attachment, Case
from ..storage import attachment_storage
from .common import add_event, locked_case, require_perm

logger = logging.getLogger(__name__)
# core.audit has no "download" action; "open" (查看) with mode=download records the read.
READ_ACTION = "open"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "mp4": "video/mp4",
}
ALLOWED_EXTENSIONS = tuple(CONTENT_TYPES)
MAX_BYTES = getattr(settings, "CASES_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
NAME_MAX = Attachment._meta.get_field("original_name").max_length
DESCRIPTION_MAX = Attachment._meta.get_field("description").max_length

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = (b"PK\x03\x04",)
# MPEG audio frame sync: 11 set bits (0xFFE…) at the start of a file without an ID3 tag.
MPEG_SYNC = (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xfa", b"\xff\xe3", b"\xff\xe2")


def max_bytes() -> int:
    return getattr(settings, "CASES_ATTACHMENT_MAX_BYTES", MAX_BYTES)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _is_iso_media(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp"


def content_matches(ext: str, data: bytes) -> bool:
    """Whether the first bytes of ``data`` are those of an ``ext`` file."""
    head = data[:16]
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("docx", "xlsx"):
        return head.startswith(ZIP)
    if ext in ("doc", "xls"):
        return head.startswith(OLE)
    if ext == "wav":
        return head.startswith(b"RIFF") and data[8:12] == b"WAVE"
    if ext == "mp3":
        return head.startswith(b"ID3") or head.startswith(MPEG_SYNC)
    if ext in ("mp4", "m4a"):
        return _is_iso_media(data)
    if ext == "txt":
        return _is_text(data)
    return False


def _original_name(upload) -> str:
    # Browsers on Windows may send a full path; keep only the last part.
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()
    return name[-NAME_MAX:] if len(name) > NAME_MAX else name


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _read(upload, name: str) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    too_big = ValidationError(
        {
            "upload": _("文件“%(name)s”超过 %(mb)d MB，请压缩或拆分后再上传。")
            % {"name": name, "mb": limit // (1024 * 1024)}
        },
        code="too_large",
    )
    if size is not None and size > limit:
        raise too_big
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ValidationError({"upload": _("文件“%(name)s”是空文件。") % {"name": name}})
    return data


def _check(upload) -> tuple[str, str, bytes]:
    name = _original_name(upload)
    if not name:
        raise ValidationError({"upload": _("请选择要上传的文件。")})
    ext = _extension(name)
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "upload": _("不支持文件“%(name)s”的类型。可上传：%(types)s。")
                % {"name": name, "types": "、".join(ALLOWED_EXTENSIONS)}
            },
            code="bad_type",
        )
    data = _read(upload, name)
    problem = None if not content_matches(ext, data) else structure_problem(ext, data)
    if problem:
        # The reason is one of filecheck's fixed phrases: nothing of the file's content.
        logger.warning("attachment refused: %s (.%s)", problem, ext)
    if problem or not content_matches(ext, data):
        raise ValidationError(
            {
                "upload": _(
                    "文件“%(name)s”的内容与扩展名 .%(ext)s 不符，可能已损坏或被改名，"
                    "请确认后重新上传。"
                )
                % {"name": name, "ext": ext}
            },
            code="bad_content",
        )
    return name, ext, data


def _stored_name() -> str:
    # A random token: the name on disk says nothing about the file or the case.
    return f"{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.bin"


def attachment_add(*, user, case: Case, upload, description: str = "") -> Attachment:
    require_perm(user, "add", Attachment)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            {"description": _("说明不能超过 %(n)d 个字。") % {"n": DESCRIPTION_MAX}}
        )
    name, ext, data = _check(upload)
    digest = hashlib.sha256(data).hexdigest()
    sealed = crypto.encrypt_bytes(data)
    stored = None
    try:
        with transaction.atomic():
            case = locked_case(user, case, "change")
            stored = attachment_storage.save(_stored_name(), ContentFile(sealed))
            attachment = Attachment(
                case=case,
                org=case.org,
                is_sensitive=case.is_sensitive,
                original_name=name,
                content_type=CONTENT_TYPES[ext],
                size=len(data),
                sha256=digest,
                description=description,
                uploaded_by=user,
            )
            # The name is relative to attachment_storage, which is what reads it back.
            attachment.file.name = stored
            attachment.save(force_insert=True)
            add_event(
                case,
                EventKind.ATTACHMENT,
                user=user,
                attachment_id=attachment.pk,
                size=len(data),
                ext=ext,
            )
            audit.record_change(
                user, attachment, "create", after=audit.snapshot(attachment), case_id=case.pk
            )
    except BaseException:
        # The record was rolled back: leave no orphan file behind.
        if stored is not None:
            attachment_storage.delete(stored)
        raise
    return attachment


def attachment_read(*, user, attachment: Attachment) -> bytes:
    """The plaintext of an attachment the user may see; every read is logged."""
    pk = getattr(attachment, "pk", attachment)
    found = Attachment.objects.restrict(user, "view").filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("该附件不存在，或您无权查看。"), code="not_found")
    try:
        with attachment_storage.open(found.file.name, "rb") as fh:
            data = crypto.decrypt_bytes(fh.read())
        intact = hashlib.sha256(data).hexdigest() == found.sha256
    except (OSError, crypto.DecryptionError):
        intact = False
    if not intact:
        logger.error("attachment %s failed its integrity check", found.pk)
        raise ValidationError(
            _("附件“%(name)s”校验失败（文件缺失、损坏或被改动），请联系系统管理员。")
            % {"name": found.original_name},
            code="integrity",
        )
    audit.record_access(
        user,
        found,
        action=READ_ACTION,
        mode="download",
        case_id=found.case_id,
        size=found.size,
        sha256=found.sha256,
    )
    return data
