from unittest import mock

from django.test import override_settings
from django.urls import reverse

from iompanama.models import Job
from tests.factories import make_reach
from tests.personas import PersonasTestCase


@override_settings(EXPORT_BACKGROUND_ROWS=2)
class BackgroundExportTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for number in range(3):
            make_reach(cls.darien, cls.field_a, campaign=f"C{number}")
        make_reach(cls.chiriqui, cls.field_b, campaign="not hers")

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.supervisor_a)

    def test_a_big_export_runs_as_a_job_that_reaches_100_percent_and_downloads(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(reverse("activities:reach_export", args=["csv"]))
        job = Job.objects.get()
        self.assertRedirects(response, job.get_absolute_url())
        page = self.client.get(job.get_absolute_url())
        self.assertEqual(page.context["job"].percent, 100)
        self.assertNotContains(page, 'http-equiv="refresh"')
        download = self.client.get(reverse("job_download", args=[job.pk]))
        content = b"".join(download.streaming_content).decode("utf-8-sig")
        self.assertEqual(content.count("\n"), 4)  # the header and her 3 rows
        self.assertNotIn("not hers", content)

    def test_a_job_is_its_owners_alone(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.client.get(reverse("activities:reach_export", args=["xlsx"]))
        job = Job.objects.get()
        self.login(self.admin)
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 404)

    def test_a_failed_job_says_so_clearly(self) -> None:
        with (
            mock.patch("iompanama.files.exports.csv_chunks", side_effect=RuntimeError("boom")),
            self.assertLogs("iompanama.files.jobs", "ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.get(reverse("activities:reach_export", args=["csv"]))
        job = Job.objects.get()
        self.assertEqual(job.status, Job.Status.FAILED)
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "The job failed")
        self.assertNotContains(page, "boom")
        self.assertEqual(self.client.get(reverse("job_download", args=[job.pk])).status_code, 404)
