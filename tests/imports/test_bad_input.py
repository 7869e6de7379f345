"""Every bad file or row: a clear message, and nothing written."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from activities.models import CommunicationReach, MedicalAttentionTally, TrainingSession
from tests.factories import make_reach
from tests.imports.helpers import csv_file, xlsx_file
from tests.personas import PersonasTestCase

URL = reverse("activities:reach_import")
GOOD = ["R-1", "darien-office", "2023-09-01", "web", "A", 10]


class BadInputTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.supervisor_a)

    def upload(self, file, url=URL):
        return self.client.post(url, {"file": file})

    def assert_file_refused(self, response, message: str) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, str(response.context["form"].errors["file"]))
        self.assertFalse(CommunicationReach.objects.exists())

    def assert_row_refused(self, response, column: str, message: str) -> None:
        errors = response.context["report"].errors
        self.assertTrue(
            any(e.column == column and message in e.message for e in errors),
            [(e.column, e.message) for e in errors],
        )
        self.assertNotIn("token", response.context)
        self.assertFalse(CommunicationReach.objects.exists())

    def test_a_file_that_is_not_csv_or_xlsx_is_refused(self) -> None:
        response = self.upload(SimpleUploadedFile("notes.pdf", b"%PDF-1.4 something"))
        self.assert_file_refused(response, "Upload a CSV or an XLSX")

    def test_an_empty_file_is_refused(self) -> None:
        # Django itself refuses a file of 0 bytes; a header alone has no rows.
        response = self.upload(csv_file([]))
        self.assert_file_refused(response, "no rows")

    @override_settings(IMPORT_MAX_BYTES=100)
    def test_a_file_over_the_size_limit_is_refused(self) -> None:
        response = self.upload(csv_file([GOOD] * 10))
        self.assert_file_refused(response, "larger than")

    @override_settings(IMPORT_MAX_UNPACKED_BYTES=1_000_000)
    def test_an_xlsx_that_unpacks_to_far_more_than_its_size_is_refused(self) -> None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
        response = self.upload(SimpleUploadedFile("bomb.xlsx", out.getvalue()))
        self.assert_file_refused(response, "unpacks to far more")

    def test_a_broken_xlsx_is_refused(self) -> None:
        response = self.upload(SimpleUploadedFile("broken.xlsx", b"PK not really"))
        self.assert_file_refused(response, "not a readable XLSX")

    def test_missing_required_columns_are_named(self) -> None:
        response = self.upload(csv_file([["R-1", "darien-office"]], ["external_id", "site"]))
        self.assert_file_refused(response, "date, channel, campaign, people_reached")

    def test_unknown_extra_columns_are_ignored_with_a_warning(self) -> None:
        header = ["external_id", "site", "date", "channel", "campaign", "people_reached", "notas"]
        response = self.upload(csv_file([[*GOOD, "x"]], header))
        self.assertIn("notas", response.context["report"].warnings[0])
        self.assertIn("token", response.context)

    def test_a_bad_date_is_a_row_error(self) -> None:
        response = self.upload(csv_file([GOOD, ["R-2", "darien-office", "ayer", "web", "B", 1]]))
        self.assert_row_refused(response, "date", "is not a date")

    def test_a_bad_number_is_a_row_error(self) -> None:
        response = self.upload(
            csv_file([["R-2", "darien-office", "2023-09-01", "web", "B", "mil"]])
        )
        self.assert_row_refused(response, "people_reached", "is not a number")

    def test_a_negative_quantity_is_a_row_error(self) -> None:
        response = self.upload(csv_file([["R-2", "darien-office", "2023-09-01", "web", "B", -4]]))
        self.assert_row_refused(response, "people_reached", "negative")

    def test_a_bad_value_on_several_rows_is_an_error_of_each(self) -> None:
        # Each distinct cell is read and validated once per file: its error is still every
        # row's, whether the widget (an unknown site) or the model (a future date) finds it.
        rows = [
            ["R-2", "narnia", "2023-09-01", "web", "B", 4],
            ["R-3", "darien-office", "2099-01-01", "web", "B", 4],
            ["R-4", "narnia", "2023-09-01", "web", "B", 4],
            ["R-5", "darien-office", "2099-01-01", "web", "B", 4],
        ]
        errors = self.upload(csv_file(rows)).context["report"].errors
        self.assertEqual(
            [(error.number, error.column) for error in errors],
            [(2, "site"), (3, "date"), (4, "site"), (5, "date")],
        )
        self.assertEqual(len({error.message for error in errors}), 2)

    def test_an_unknown_site_is_a_row_error(self) -> None:
        response = self.upload(csv_file([["R-2", "narnia", "2023-09-01", "web", "B", 4]]))
        self.assert_row_refused(response, "site", "Unknown site “narnia”")

    def test_an_empty_required_cell_is_said_to_be_empty(self) -> None:
        for row, column in (
            (["R-2", "", "2023-09-01", "web", "B", 4], "site"),
            (["R-2", "darien-office", "2023-09-01", "web", "", 4], "campaign"),
        ):
            with self.subTest(column):
                response = self.upload(csv_file([row]))
                self.assert_row_refused(response, column, "This cell is empty: fill it in.")

    def test_an_unknown_choice_is_a_row_error_naming_it(self) -> None:
        response = self.upload(csv_file([["R-2", "darien-office", "2023-09-01", "fax", "B", 4]]))
        self.assert_row_refused(response, "channel", "Unknown code “fax”")

    def test_an_unknown_topic_is_a_row_error(self) -> None:
        header = [
            "external_id",
            "site",
            "title",
            "start_date",
            "end_date",
            "audience_government",
            "topics",
            "women",
            "men",
            "other_or_not_stated",
            "facilitators",
        ]
        row = [
            "T-1",
            "darien-office",
            "T",
            "2023-09-01",
            "2023-09-01",
            "yes",
            "Astrología",
            3,
            2,
            0,
            "Equipo",
        ]
        response = self.upload(xlsx_file([row], header), reverse("activities:training_import"))
        errors = response.context["report"].errors
        self.assertEqual(errors[0].column, "topics")
        self.assertIn("Astrología", errors[0].message)
        self.assertFalse(TrainingSession.objects.exists())

    def test_a_duplicate_external_id_inside_the_file_is_a_row_error(self) -> None:
        response = self.upload(csv_file([GOOD, GOOD]))
        self.assert_row_refused(response, "external_id", "appears twice")

    def test_a_row_for_a_site_outside_the_supervisors_sites_is_refused(self) -> None:
        response = self.upload(csv_file([["R-2", "los-planes", "2023-09-01", "web", "B", 4]]))
        self.assert_row_refused(response, "site", "not one of your sites")

    def test_an_external_id_of_another_sites_record_is_refused(self) -> None:
        make_reach(self.chiriqui, self.field_b, external_id="R-1")
        response = self.upload(csv_file([GOOD]))
        errors = response.context["report"].errors
        self.assertEqual(errors[0].column, "external_id")
        self.assertEqual(CommunicationReach.objects.count(), 1)

    def test_a_rule_of_the_record_is_a_row_error(self) -> None:
        header = [
            "external_id",
            "site",
            "date",
            "women_adults",
            "men_adults",
            "girls",
            "boys",
            "total_attended",
        ]
        row = ["M-1", "lajas-blancas", "2023-09-01", 1, 1, 1, 1, 5]
        response = self.upload(csv_file([row], header), reverse("activities:medical_import"))
        [error] = response.context["report"].errors
        self.assertEqual(error.column, "total_attended")
        self.assertIn("add up to 4, not 5", error.message)
        self.assertFalse(MedicalAttentionTally.objects.exists())
