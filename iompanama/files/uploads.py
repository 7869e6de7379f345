"""Uploads: read no further than the largest file we accept, then kept until confirmed.

`SizeLimitedUploadHandler`, first of FILE_UPLOAD_HANDLERS, stops reading a request's body once a
file in it passes IMPORT_MAX_BYTES; the import form then says the limit (`stopped`).

Every pending upload is a `PendingUpload` (models.py): a preview's on the import page, or a big
file's between its background check and its writing (`Job.upload`). Its file may hold personal
data: it is deleted once written, and with its row when the row expires.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from iompanama.models import Job, PendingUpload

# Where pending uploads' files are kept (PendingUpload.file's upload_to).
PENDING_UPLOADS = "imports"


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading the request as soon as its file is known to pass IMPORT_MAX_BYTES, the
    largest file any of our forms accepts: a request whose declared length passes it with
    room for every other field (DATA_UPLOAD_MAX_MEMORY_SIZE) before a byte of its file is
    read, any other once the file's bytes counted pass it. A 300 MB upload then costs the
    server the limit's reading at most, not 300 MB of disk and a read into memory. The bytes
    go on to the next handlers (memory, then a temporary file) as Django's own."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length
        return None  # Django parses the body, with this handler counting

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.request_length > settings.IMPORT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            self._stop()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.IMPORT_MAX_BYTES:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers make the file

    def _stop(self) -> None:
        self.request.upload_stopped = True
        # connection_reset: Django would otherwise read the rest of the body to discard it.
        raise StopUpload(connection_reset=True)


def stopped(request: HttpRequest) -> bool:
    """Whether this request's upload was stopped at the limit: its file never arrived."""
    return getattr(request, "upload_stopped", False)


def not_received() -> str:
    """What a form with a file says when the file was stopped at the limit."""
    return _("This file is larger than %(size)s MB and was not received: choose a smaller one.") % {
        "size": settings.IMPORT_MAX_BYTES // 1_000_000
    }


def expire_files() -> None:
    """Deletes the jobs past their time with their files, and the pending uploads past theirs
    (UPLOAD_KEEP_HOURS, or a confirmed big import's job's time). Run on a schedule
    (`manage.py expire_files`) and whenever a job starts."""
    for old in Job.objects.expired():
        old.delete_files()
        old.delete()
    for pending in PendingUpload.objects.expired():
        pending.discard()
    _delete_orphans()


def _delete_orphans() -> None:
    """Files in the uploads' folder that no row names (kept by a request that died before its
    row was written, or by a version that kept them in the session) go once as old as an
    expired upload."""
    if not default_storage.exists(PENDING_UPLOADS):
        return
    named = set(PendingUpload.objects.exclude(file="").values_list("file", flat=True))
    limit = timezone.now() - timedelta(hours=settings.UPLOAD_KEEP_HOURS)
    for name in default_storage.listdir(PENDING_UPLOADS)[1]:
        path = f"{PENDING_UPLOADS}/{name}"
        if path not in named and default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
