"""Files of notices and receipts: checked like case attachments (extension, first bytes,
whole structure with no program inside), hashed, encrypted at rest under a random name in the
attachments' private storage, and read back only after the caller has checked the parent.

CONTRACT:
- MAX_FILES
- check_uploads(uploads) -> list[Checked]     (ValidationError keyed "files" listing each bad file)
- removed_on_failure() -> context manager yielding the list store() records written files in
- store(checked, *, notice, receipt=None, user, written) -> NoticeFile  (in the caller's transaction)
- read(notice_file) -> bytes                  (ValidationError when missing or altered)
"""

import hashlib
import logging
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.services.attachments import CONTENT_TYPES, content_matches, max_bytes
from jinguo.cases.storage import attachment_storage
from jinguo.core import crypto
from jinguo.core.filecheck import structure_problem

from .models import NoticeFile

logger = logging.getLogger(__name__)
MAX_FILES = 10
NAME_MAX = NoticeFile._meta.get_field("original_name").max_length


@dataclass(frozen=True)
class Checked:
    name: str
    ext: str
    data: bytes


def _check_one(upload) -> tuple[Checked | None, str | None]:
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()
    name = name[-NAME_MAX:]
    if not name:
        return None, _("有一个文件没有文件名，请重新选择。")
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in CONTENT_TYPES:
        return None, _("不支持文件“%(name)s”的类型。可上传：%(types)s。") % {
            "name": name,
            "types": "、".join(CONTENT_TYPES),
        }
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = b"" if size is not None and size > limit else upload.read(limit + 1)
    if (size is not None and size > limit) or len(data) > limit:
        return None, _("文件“%(name)s”超过 %(mb)d MB，请压缩或拆分后再上传。") % {
            "name": name,
            "mb": limit // (1024 * 1024),
        }
    if not data:
        return None, _("文件“%(name)s”是空文件。") % {"name": name}
    problem = structure_problem(ext, data) if content_matches(ext, data) else "wrong magic"
    if problem:
        # One of filecheck's fixed phrases: nothing of the file's content reaches the log.
        logger.warning("notice file refused: %s (.%s)", problem, ext)
        return None, _(
            "文件“%(name)s”的内容与扩展名 .%(ext)s 不符，可能已损坏或被改名，请确认后重新上传。"
        ) % {"name": name, "ext": ext}
    return Checked(name, ext, data), None


def check_uploads(uploads) -> list[Checked]:
    uploads = [u for u in (uploads or ()) if u]
    if len(uploads) > MAX_FILES:
        raise ValidationError({"files": _("一次最多上传 %(n)d 个文件。") % {"n": MAX_FILES}})
    checked, problems = [], []
    for upload in uploads:
        ok, problem = _check_one(upload)
        if problem:
            problems.append(problem)
        else:
            checked.append(ok)
    if problems:
        raise ValidationError({"files": problems})
    return checked


@contextmanager
def removed_on_failure():
    """Yields a list that ``store`` records written files in; if the block fails (its
    transaction rolled back), they are deleted again, leaving no orphan on disk."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            attachment_storage.delete(name)
        raise


def store(checked: Checked, *, notice, receipt=None, user, written: list) -> NoticeFile:
    """Write one checked file and its row (inside the caller's transaction)."""
    stored = attachment_storage.save(
        f"notices/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.bin",
        ContentFile(crypto.encrypt_bytes(checked.data)),
    )
    written.append(stored)
    row = NoticeFile(
        notice=notice,
        receipt=receipt,
        original_name=checked.name,
        content_type=CONTENT_TYPES[checked.ext],
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        uploaded_by=user,
    )
    row.file.name = stored
    row.save(force_insert=True)
    return row


def read(notice_file: NoticeFile) -> bytes:
    try:
        with attachment_storage.open(notice_file.file.name, "rb") as fh:
            data = crypto.decrypt_bytes(fh.read())
        intact = hashlib.sha256(data).hexdigest() == notice_file.sha256
    except (OSError, crypto.DecryptionError):
        intact = False
    if not intact:
        logger.error("notice file %s failed its integrity check", notice_file.pk)
        raise ValidationError(
            _("附件“%(name)s”校验失败（文件缺失、损坏或被改动），请联系系统管理员。")
            % {"name": notice_file.original_name},
            code="integrity",
        )
    return data
