"""The uploaded file of an import job: encrypted at rest, owner-only, deleted once read.

An upload holds names and ID numbers. Its plaintext exists only in memory: the upload request
keeps the file in memory (``jinguo.core.uploads``), checks it there and
stores it sealed with the data key (``core.crypto.encrypt_bytes``) under a random name in
MEDIA_ROOT/imports (files 0600, the folder 0700); the run reads it back into memory, deletes
it at once and hands the bytes to its helper process through a pipe. Whatever a crash leaves
behind, the housekeeping job deletes (``housekeeping.py``).
"""

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from jinguo.core import crypto

IMPORT_DIR = "imports"


class ImportStorage(FileSystemStorage):
    """MEDIA_ROOT with no URL; files and folders get FILE_UPLOAD_PERMISSIONS and
    FILE_UPLOAD_DIRECTORY_PERMISSIONS (owner-only), even a folder an older version made."""

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    def url(self, name):
        raise ValueError("import files are private")

    def _save(self, name, content):
        name = super()._save(name, content)
        mode = self.directory_permissions_mode
        if mode is not None:
            os.chmod(Path(self.path(name)).parent, mode)
        return name


storage = ImportStorage()


def upload_save(data: bytes) -> str:
    """Seal ``data`` and store it; returns its path under MEDIA_ROOT (``job.stored_path``)."""
    return storage.save(
        f"{IMPORT_DIR}/{uuid.uuid4().hex}.bin", ContentFile(crypto.encrypt_bytes(data))
    )


def upload_read(stored_path: str) -> bytes:
    """The plaintext of a stored upload. Raises FileNotFoundError or crypto.DecryptionError
    (a file stored before uploads were encrypted, or under a key no longer configured)."""
    with storage.open(stored_path, "rb") as handle:
        return crypto.decrypt_bytes(handle.read())


def upload_delete(stored_path: str) -> None:
    if stored_path:
        storage.delete(stored_path)


def stored_uploads() -> Iterator[tuple[str, float]]:
    """(path under MEDIA_ROOT, age in seconds) of every file in the imports folder."""
    folder = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    if not folder.is_dir():
        return
    now = time.time()
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            yield f"{IMPORT_DIR}/{entry.name}", now - entry.stat(follow_symlinks=False).st_mtime
