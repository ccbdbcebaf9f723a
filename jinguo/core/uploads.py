"""Uploads stay in memory, never in a temporary file on disk.

Django's default handlers spool a file larger than FILE_UPLOAD_MAX_MEMORY_SIZE to the system's
temporary directory while the request runs. An upload here is a case attachment, an import file
of names and ID numbers or a woman's photo from the portal: in a temporary file it is personal
data in plain text on disk, and a process killed halfway leaves it there. So every request uses
``MemoryOnlyUploadHandler`` (``FILE_UPLOAD_HANDLERS`` in the settings):

- a file keeps at most ``limit`` + 1 bytes in memory (``JINGUO_UPLOAD_FILE_MAX_BYTES``, above
  every form's own limit); the bytes past it are counted and dropped, so the file reports its
  real size and the form's own size check refuses it with its own message;
- all the files of one request keep at most ``JINGUO_UPLOAD_REQUEST_MAX_BYTES`` together. A file
  cut short by that budget reports a size past ``limit``, so no form can take a truncated file
  for a whole one.

A file never reaches a form's ``read()`` with fewer bytes than its ``size`` says unless its size
is over every limit.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

FILE_MAX_BYTES = 25 * 1024 * 1024
REQUEST_MAX_BYTES = 100 * 1024 * 1024


def file_max_bytes() -> int:
    return getattr(settings, "JINGUO_UPLOAD_FILE_MAX_BYTES", FILE_MAX_BYTES)


def request_max_bytes() -> int:
    return getattr(settings, "JINGUO_UPLOAD_REQUEST_MAX_BYTES", REQUEST_MAX_BYTES)


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Every file of the request into a BytesIO, within the per-file and per-request limits."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = file_max_bytes() if limit is None else limit
        self.budget = request_max_bytes()
        self.kept = 0  # bytes held in memory for this request, over all its files
        self.cut = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = BytesIO()
        self.cut = False
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        # One byte past the file's limit is kept: it tells the form "too large".
        room = min(self.limit + 1 - self.file.tell(), self.budget - self.kept)
        if room > 0:
            chunk = raw_data[:room]
            self.file.write(chunk)
            self.kept += len(chunk)
        if room < len(raw_data) and self.file.tell() <= self.limit:
            self.cut = True  # cut by the request's budget, not by the file's own limit
        # Nothing is handed on: no other handler may write these bytes anywhere.

    def file_complete(self, file_size):
        self.file.seek(0)
        size = max(file_size, self.limit + 1) if self.cut else file_size
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
