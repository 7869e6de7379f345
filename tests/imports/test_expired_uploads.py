"""An upload checked but never confirmed (personal data, for people's imports) does not stay on
the server: the scheduled `expire_files` deletes it after UPLOAD_KEEP_HOURS. A preview's upload
and a background check's are the same kind of row (PendingUpload), expired alike."""

import datetime
import os
import time
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from iompanama.models import Job, PendingUpload
from tests.imports.helpers import csv_file
from tests.personas import PersonasTestCase

GOOD = ["R-1", "darien-office", "2023-09-01", "web", "A", "10"]
ROWS = [GOOD, ["R-2", "darien-office", "2023-09-02", "web", "B", "20"]]


class ExpiredUploadTest(PersonasTestCase):
    def preview(self) -> PendingUpload:
        self.login(self.supervisor_a)
        response = self.client.post(reverse("activities:reach_import"), {"file": csv_file([GOOD])})
        return PendingUpload.objects.get(token=response.context["token"])

    @override_settings(IMPORT_BACKGROUND_ROWS=1)
    def background_check(self) -> Job:
        self.login(self.supervisor_a)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("activities:reach_import"), {"file": csv_file(ROWS)})
        return Job.objects.get()

    def hours_later(self, hours: float):
        return timezone.now() + datetime.timedelta(hours=hours)

    def expire_at(self, when: datetime.datetime) -> None:
        """The scheduled task, run at `when`."""
        with mock.patch("django.utils.timezone.now", return_value=when):
            call_command("expire_files")

    def test_an_upload_never_confirmed_is_deleted_after_a_day(self) -> None:
        pending = self.preview()
        path = pending.file.name
        self.assertTrue(default_storage.exists(path))
        self.expire_at(self.hours_later(25))
        self.assertFalse(default_storage.exists(path))
        self.assertFalse(PendingUpload.objects.exists())

    def test_a_background_checks_upload_never_confirmed_is_deleted_after_a_day(self) -> None:
        job = self.background_check()
        path = job.upload.file.name
        self.expire_at(self.hours_later(25))
        self.assertFalse(default_storage.exists(path))
        self.assertFalse(PendingUpload.objects.exists())

    def test_recent_uploads_of_either_kind_are_kept(self) -> None:
        preview = self.preview().file.name
        checked = self.background_check().upload.file.name
        self.expire_at(self.hours_later(1))
        self.assertTrue(default_storage.exists(preview))
        self.assertTrue(default_storage.exists(checked))
        self.assertEqual(PendingUpload.objects.count(), 2)

    def test_a_file_that_no_row_names_goes_once_old(self) -> None:
        """A file kept by a request that died before its row was written (or by the version
        that kept previews in the session) is deleted once as old as an expired upload."""
        kept = self.preview().file.name
        orphan = default_storage.save("imports/orphan.csv", ContentFile(b"site\n"))
        recent = default_storage.save("imports/recent.csv", ContentFile(b"site\n"))
        then = time.time() - 25 * 3600
        os.utime(default_storage.path(orphan), (then, then))
        os.utime(default_storage.path(kept), (then, then))
        call_command("expire_files")
        self.assertFalse(default_storage.exists(orphan))
        self.assertTrue(default_storage.exists(recent))
        self.assertTrue(default_storage.exists(kept))  # its row has not expired
        default_storage.delete(recent)
