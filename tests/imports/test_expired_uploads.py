"""An upload checked but never confirmed (personal data, for people's imports) does not stay on
the server: the scheduled `expire_files` deletes it after UPLOAD_KEEP_HOURS."""

import os
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from iompanama.models import Job
from tests.imports.helpers import csv_file
from tests.personas import PersonasTestCase

GOOD = ["R-1", "darien-office", "2023-09-01", "web", "A", "10"]


class ExpiredUploadTest(PersonasTestCase):
    def pending_upload(self) -> str:
        self.login(self.supervisor_a)
        self.client.post(reverse("activities:reach_import"), {"file": csv_file([GOOD])})
        pending = [value for key, value in self.client.session.items() if key.startswith("import-")]
        return pending[0]["path"]

    def age(self, path: str, hours: float) -> None:
        then = time.time() - hours * 3600
        os.utime(default_storage.path(path), (then, then))

    def test_an_upload_never_confirmed_is_deleted_after_a_day(self) -> None:
        path = self.pending_upload()
        self.age(path, 25)
        call_command("expire_files")
        self.assertFalse(default_storage.exists(path))

    def test_a_recent_upload_and_a_background_jobs_upload_are_kept(self) -> None:
        path = self.pending_upload()
        self.age(path, 1)
        kept = default_storage.save("imports/job.csv", ContentFile(b"site\n"))
        self.age(kept, 25)
        Job.objects.create(
            by=self.admin,
            title="Import",
            expires_at="2099-01-01T00:00Z",
            file_format="csv",
            upload=kept,
        )
        call_command("expire_files")
        self.assertTrue(default_storage.exists(path))
        self.assertTrue(default_storage.exists(kept))
