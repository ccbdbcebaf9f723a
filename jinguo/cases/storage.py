"""Private storage of case attachments: under MEDIA_ROOT/attachments, never given a URL.

The files it holds are already encrypted (services/attachments.py); a stray web server
rule that exposed the folder would hand out ciphertext only.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

SUBDIR = "attachments"


class AttachmentStorage(FileSystemStorage):
    """A FileSystemStorage with no base URL, rooted at MEDIA_ROOT/attachments.

    The root is read from settings when first used (Django drops the cached value when
    MEDIA_ROOT changes, as in tests), so the storage can be created at import time.
    """

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        if self._location is not None:
            return self._location
        return str(Path(settings.MEDIA_ROOT) / SUBDIR)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("attachments are private: serve them through the scoped view")


attachment_storage = AttachmentStorage()


def get_attachment_storage() -> AttachmentStorage:
    """For ``FileField(storage=...)``: a callable keeps the migration free of paths."""
    return attachment_storage
