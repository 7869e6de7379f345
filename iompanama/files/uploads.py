"""Uploads waiting for their confirmation, and their expiry.

Every pending upload is a `PendingUpload` (models.py): a preview's on the import page, or a big
file's between its background check and its writing (`Job.upload`). Its file may hold personal
data: it is deleted once written, and with its row when the row expires.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from iompanama.models import Job, PendingUpload

# Where pending uploads' files are kept (PendingUpload.file's upload_to).
PENDING_UPLOADS = "imports"


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
