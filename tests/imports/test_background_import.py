"""Imports of more than IMPORT_BACKGROUND_ROWS rows: checked, then written, by background jobs."""

import datetime
from unittest import mock

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from activities.models import CommunicationReach
from iompanama.files import jobs
from iompanama.models import Job, ReviewStatus, User
from tests.imports.helpers import csv_file, xlsx_file
from tests.personas import PersonasTestCase

URL = reverse("activities:reach_import")
ROWS = [
    ["R-1", "darien-office", "2023-09-01", "web", "A", 10],
    ["R-2", "Darien Office", "15/09/2023", "Facebook", "B", 20],
    ["R-3", "darien-office", "2023-09-20", "web", "C", 30],
]


@override_settings(IMPORT_BACKGROUND_ROWS=2)
class BackgroundImportTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"

    def upload(self, user, file, **data):
        """Uploads as `user`; the check job runs at once (ImmediateBackend)."""
        self.login(user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(URL, {"file": file, **data})
        job = Job.objects.get()
        self.assertRedirects(response, job.get_absolute_url())
        return job

    def confirm(self, job):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("job_confirm", args=[job.pk]))

    def test_a_small_file_is_still_imported_in_the_request(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.post(URL, {"file": csv_file(ROWS[:2])})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].created, 2)
        self.assertFalse(Job.objects.exists())

    def test_a_big_file_is_checked_then_written_once_its_owner_confirms(self) -> None:
        job = self.upload(self.supervisor_a, csv_file(ROWS))
        self.assertEqual((job.kind, job.status, job.total), ("import_check", "done", 3))
        self.assertFalse(CommunicationReach.objects.exists())
        page = self.client.get(job.get_absolute_url())
        self.assertEqual(page.context["report"].created, 3)
        self.assertContains(page, "Every row is valid: 3 new, 0 changed, 0 unchanged.")
        self.assertContains(page, reverse("job_confirm", args=[job.pk]))
        self.assertNotContains(page, 'http-equiv="refresh"')

        response = self.confirm(job)
        self.assertRedirects(response, job.get_absolute_url())
        job.refresh_from_db()
        self.assertEqual((job.kind, job.status, job.done), ("import", "done", 3))
        records = CommunicationReach.objects.order_by("external_id")
        self.assertEqual([r.people_reached for r in records], [10, 20, 30])
        for record in records:
            self.assertEqual(record.status, ReviewStatus.SUBMITTED)
            self.assertEqual(record.created_by, self.supervisor_a)
            step = record.transitions.get()
            self.assertEqual((step.to_status, step.by), (ReviewStatus.SUBMITTED, self.supervisor_a))
            self.assertEqual(record.history.first().history_user, self.supervisor_a)
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "Imported: 3 new, 0 changed, 0 unchanged.")
        self.assertContains(page, reverse("activities:reach_list"))
        self.assertNotContains(page, reverse("job_confirm", args=[job.pk]))

    def test_an_administrator_may_approve_a_big_import(self) -> None:
        rows = [[cell if cell != "darien-office" else "los-planes" for cell in r] for r in ROWS]
        job = self.upload(self.admin, xlsx_file(rows), approve="on")
        self.confirm(job)
        self.assertEqual(
            set(CommunicationReach.objects.values_list("status", flat=True)),
            {ReviewStatus.APPROVED},
        )

    def test_the_stored_upload_is_deleted_once_written(self) -> None:
        job = self.upload(self.supervisor_a, csv_file(ROWS))
        path = job.upload.file.name
        self.assertTrue(path and default_storage.exists(path))
        self.confirm(job)
        job.refresh_from_db()
        self.assertFalse(job.upload)
        self.assertFalse(default_storage.exists(path))

    def test_a_confirmed_import_cannot_be_confirmed_again(self) -> None:
        job = self.upload(self.supervisor_a, csv_file(ROWS))
        self.confirm(job)
        CommunicationReach.objects.all().delete()
        self.confirm(job)
        self.assertFalse(CommunicationReach.objects.exists())

    def test_an_import_whose_file_is_gone_cannot_be_confirmed(self) -> None:
        job = self.upload(self.supervisor_a, csv_file(ROWS))
        default_storage.delete(job.upload.file.name)
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.kind, Job.Kind.IMPORT_CHECK)
        self.assertFalse(CommunicationReach.objects.exists())

    def test_an_invalid_big_file_writes_nothing_and_its_page_lists_the_errors(self) -> None:
        rows = [*ROWS, ["R-4", "darien-office", "2023-09-31", "web", "D", 10]]
        job = self.upload(self.supervisor_a, csv_file(rows))
        page = self.client.get(job.get_absolute_url())
        [error] = page.context["report"].errors
        self.assertEqual((error.number, error.column), (5, "date"))
        self.assertContains(page, "1 row is invalid: nothing was imported.")
        self.assertNotContains(page, reverse("job_confirm", args=[job.pk]))
        failing = self.client.get(reverse("job_download", args=[job.pk]))
        content = b"".join(failing.streaming_content).decode("utf-8-sig")
        self.assertIn("R-4", content)
        self.assertNotIn("R-1", content)
        self.confirm(job)
        self.assertFalse(CommunicationReach.objects.exists())
        job.refresh_from_db()
        self.assertFalse(job.upload)

    def test_a_file_without_a_required_column_says_so_on_the_job_page(self) -> None:
        header = ["external_id", "date", "channel", "campaign", "people_reached"]
        rows = [[r[0], *r[2:]] for r in ROWS]
        job = self.upload(self.supervisor_a, csv_file(rows, header=header))
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "These required columns are missing: site.")
        self.assertNotContains(page, reverse("job_confirm", args=[job.pk]))

    def test_someone_elses_import_job_can_be_neither_seen_nor_confirmed(self) -> None:
        job = self.upload(self.supervisor_a, csv_file(ROWS))
        self.login(self.admin)
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 404)
        self.assertEqual(self.confirm(job).status_code, 404)
        self.assertFalse(CommunicationReach.objects.exists())

    def test_an_owner_no_longer_allowed_to_import_cannot_confirm(self) -> None:
        job = self.upload(self.supervisor_a, csv_file(ROWS))
        job.by = self.field_a
        job.save()
        self.login(self.field_a)
        self.assertEqual(self.confirm(job).status_code, 403)
        self.assertFalse(CommunicationReach.objects.exists())

    def test_a_failed_writing_job_says_so_clearly_and_drops_the_file(self) -> None:
        job = self.upload(self.supervisor_a, csv_file(ROWS))
        path = job.upload.file.name
        with (
            mock.patch("iompanama.files.jobs.import_rows", side_effect=RuntimeError("boom")),
            self.assertLogs("iompanama.files.jobs", "ERROR"),
        ):
            self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertFalse(default_storage.exists(path))
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "The import failed and nothing was written.")
        self.assertNotContains(page, "boom")
        self.assertFalse(CommunicationReach.objects.exists())

    def test_an_expired_import_job_is_deleted_with_its_file(self) -> None:
        job = self.upload(self.supervisor_a, csv_file(ROWS))
        path = job.upload.file.name
        Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
        self.upload(self.supervisor_a, csv_file(ROWS))  # a new job clears the expired ones
        self.assertFalse(Job.objects.filter(pk=job.pk).exists())
        self.assertFalse(default_storage.exists(path))


class ImportProgressTest(TransactionTestCase):
    serialized_rollback = True

    def test_progress_shows_while_the_import_transaction_is_open_and_after_a_rollback(self):
        """On PostgreSQL the progress goes through a connection of its own; SQLite (development,
        where jobs run in the request) cannot write beside an open transaction, so there a
        check's progress is rolled back with it."""
        user = User.objects.create_user("progress")
        job = Job.objects.create(by=user, title="Import", expires_at=timezone.now(), total=1000)
        with transaction.atomic(), jobs._progress(job) as progress:
            progress(500)
            transaction.set_rollback(True)
        job.refresh_from_db()
        self.assertEqual(job.done, 500 if connection.vendor == "postgresql" else 0)
