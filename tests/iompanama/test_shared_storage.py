"""Uploads in S3 (django-storages), as several servers share them: every path through which the
app stores, serves and deletes a file works against an S3 API (moto's, in the test process)."""

import os
from unittest import mock

import boto3
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws

from activities.models import CommunicationReach, Donation, Donor, ItemCategory
from iompanama.models import Job
from tests.factories import make_reach
from tests.imports.helpers import csv_file
from tests.personas import PersonasTestCase

BUCKET = "iom-uploads"
S3 = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@override_settings(STORAGES=S3, AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_REGION_NAME="us-east-1")
class SharedStorageTest(PersonasTestCase):
    def setUp(self) -> None:
        credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        environment = mock.patch.dict(os.environ, credentials)
        environment.start()
        self.addCleanup(environment.stop)
        aws = mock_aws()
        aws.start()
        self.addCleanup(aws.stop)
        self.s3 = boto3.client("s3", region_name="us-east-1")
        self.s3.create_bucket(Bucket=BUCKET)

    def stored(self, prefix: str) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return [item["Key"] for item in listed.get("Contents", [])]

    def test_a_receipt_is_stored_in_the_bucket_and_served_only_to_who_sees_it(self) -> None:
        donor = Donor.objects.create(name="USAID", kind=Donor.Kind.DIRECT)
        self.login(self.field_a)
        self.client.post(
            reverse("activities:donation_create"),
            {
                "site": str(self.darien.pk),
                "delivery_date": "2023-09-15",
                "recipient": "Hospital",
                "donor": str(donor.pk),
                "receipt": SimpleUploadedFile("recibo.pdf", PDF),
                "items-TOTAL_FORMS": "1",
                "items-INITIAL_FORMS": "0",
                "items-0-category": str(ItemCategory.objects.first().pk),
                "items-0-description": "Kits",
                "items-0-quantity": "5",
                "items-0-unit": "kits",
            },
        )
        donation = Donation.objects.get()
        self.assertEqual(self.stored("donations/"), [donation.receipt.name])
        url = reverse("activities:donation_receipt", args=[donation.pk])
        self.assertEqual(b"".join(self.client.get(url).streaming_content), PDF)
        self.login(self.field_b)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_import_keeps_its_file_in_the_bucket_only_until_it_is_confirmed(self) -> None:
        self.login(self.supervisor_a)
        url = reverse("activities:reach_import")
        rows = [["R-1", "darien-office", "2023-09-01", "web", "A", 10]]
        response = self.client.post(url, {"file": csv_file(rows)})
        self.assertEqual(len(self.stored("imports/")), 1)
        self.client.post(url, {"token": response.context["token"]})
        self.assertEqual(self.stored("imports/"), [])
        self.assertTrue(CommunicationReach.objects.filter(external_id="R-1").exists())

    @override_settings(EXPORT_BACKGROUND_ROWS=1)
    def test_a_background_export_is_written_to_the_bucket_and_deleted_when_it_expires(
        self,
    ) -> None:
        for _ in range(2):
            make_reach(self.darien, self.field_a)
        self.login(self.field_a)
        with self.captureOnCommitCallbacks(execute=True):  # the job starts once committed
            self.client.get(reverse("activities:reach_export", args=["csv"]))
        job = Job.objects.get()
        self.assertEqual(self.stored("jobs/"), [job.file.name])
        download = self.client.get(reverse("job_download", args=[job.pk]))
        self.assertIn(b"Migraci", b"".join(download.streaming_content))
        job.delete_files()
        self.assertEqual(self.stored("jobs/"), [])
