"""What people (or probes) send answers with a page that says what was wrong, never a 500."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from activities.models import CommunicationReach
from iompanama.models import PendingUpload
from reports.models import PublishedFactsheet
from tests.imports.helpers import csv_file
from tests.personas import PersonasTestCase

OUT_OF_RANGE = {"start": "0001-01-01", "end": "9999-12-31"}


class BadHostTest(PersonasTestCase):
    def test_a_host_not_allowed_is_a_bad_request(self) -> None:
        response = self.client.get(reverse("login"), headers={"host": "evil.example"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Algo en la solicitud no era correcto", status_code=400)

    def test_a_host_not_allowed_is_a_bad_request_for_someone_signed_in(self) -> None:
        self.login(self.field_a)
        response = self.client.get(reverse("home"), headers={"host": "evil.example"})
        self.assertEqual(response.status_code, 400)


class DateRangeTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_the_figures_of_a_period_out_of_range_are_refused_with_a_message(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.get(reverse("reports:figures"), OUT_OF_RANGE)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Give a date between 2000 and 2100.")

    def test_a_record_list_filtered_by_dates_out_of_range_says_so(self) -> None:
        self.login(self.field_a)
        response = self.client.get(
            reverse("activities:reach_list"), {"date_from": "0001-01-01", "date_to": "9999-12-31"}
        )
        self.assertContains(response, "Give a date between 2000 and 2100.")

    def test_a_workbook_of_a_year_out_of_range_is_not_found(self) -> None:
        self.login(self.admin)
        response = self.client.get(reverse("reports:workbook", args=[99999, 1]))
        self.assertEqual(response.status_code, 404)

    def test_publishing_a_period_out_of_range_is_refused(self) -> None:
        self.login(self.admin)
        response = self.client.post(reverse("reports:publish"), OUT_OF_RANGE, follow=True)
        self.assertContains(response, "Choose a valid period to publish.")
        self.assertFalse(PublishedFactsheet.objects.exists())


class ParallelConfirmTest(PersonasTestCase):
    """Two confirms of one import preview (two taps, two tabs): the second is told the import is
    already confirmed, and writes nothing even if it found the file still there."""

    URL = reverse("activities:reach_import")

    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.login(self.supervisor_a)
        rows = [["r1", self.darien.code, "2023-09-15", "facebook", "Migración segura", 120]]
        preview = self.client.post(self.URL, {"file": csv_file(rows)})
        self.token = preview.context["token"]
        self.pending = PendingUpload.objects.get(token=self.token)
        self.content = self.pending.read()

    def confirm_again(self, *, file_still_there: bool):
        """The second request; with `file_still_there`, one that read the file before the first
        deleted it."""
        if file_still_there:
            default_storage.save(self.pending.file.name, _bytes(self.content))
            PendingUpload.objects.filter(pk=self.pending.pk).update(file=self.pending.file.name)
        return self.client.post(self.URL, {"token": self.token}, follow=True)

    def test_the_second_confirm_after_the_file_is_gone_says_already_confirmed(self) -> None:
        self.client.post(self.URL, {"token": self.token})
        response = self.confirm_again(file_still_there=False)
        self.assertContains(response, "This import is already confirmed.")
        self.assertEqual(CommunicationReach.objects.count(), 1)

    def test_the_second_confirm_that_read_the_file_in_time_writes_nothing(self) -> None:
        self.client.post(self.URL, {"token": self.token})
        response = self.confirm_again(file_still_there=True)
        self.assertContains(response, "This import is already confirmed.")
        self.assertEqual(CommunicationReach.objects.count(), 1)

    def test_another_person_cannot_confirm_it(self) -> None:
        self.login(self.admin)
        response = self.client.post(self.URL, {"token": self.token}, follow=True)
        self.assertContains(response, "This import has expired: upload the file again.")
        self.assertFalse(CommunicationReach.objects.exists())


def _bytes(content: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(content)
