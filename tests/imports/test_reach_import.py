from django.urls import reverse

from activities.models import CommunicationReach
from iompanama.models import ReviewStatus
from tests.imports.helpers import REACH_HEADER, csv_file, return_all, xlsx_file
from tests.personas import PersonasTestCase

URL = reverse("activities:reach_import")


class ReachImportTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"

    def upload(self, user, file, **data):
        self.login(user)
        return self.client.post(URL, {"file": file, **data})

    def confirm(self, response):
        return self.client.post(URL, {"token": response.context["token"]})

    def test_it_previews_the_rows_and_writes_nothing_before_confirming(self) -> None:
        response = self.upload(
            self.supervisor_a, csv_file([["R-1", "darien-office", "2023-09-01", "web", "A", 10]])
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].created, 1)
        self.assertFalse(CommunicationReach.objects.exists())

    def test_confirmed_rows_are_submitted_by_the_importer_with_a_transition(self) -> None:
        rows = [
            ["R-1", "darien-office", "2023-09-01", "web", "A", 10],
            ["R-2", "Darien Office", "15/09/2023", "Facebook", "B", 20],
        ]
        response = self.confirm(self.upload(self.supervisor_a, csv_file(rows)))
        self.assertEqual(response.status_code, 302)
        records = CommunicationReach.objects.order_by("external_id")
        self.assertEqual([r.people_reached for r in records], [10, 20])
        for record in records:
            self.assertEqual(record.status, ReviewStatus.SUBMITTED)
            self.assertEqual(record.created_by, self.supervisor_a)
            step = record.transitions.get()
            self.assertEqual((step.to_status, step.by), (ReviewStatus.SUBMITTED, self.supervisor_a))
            self.assertEqual(record.history.first().history_user, self.supervisor_a)

    def test_a_file_without_the_id_column_imports_each_row_as_a_new_record(self) -> None:
        """New records from a sheet made by hand need no id: each gets one, as in a form."""
        header = REACH_HEADER[1:]
        rows = [
            ["darien-office", "2023-09-01", "web", "A", 10],
            ["darien-office", "2023-09-02", "web", "B", 20],
        ]
        response = self.upload(self.supervisor_a, csv_file(rows, header))
        self.assertEqual(response.context["report"].errors, [])
        self.confirm(response)
        ids = set(CommunicationReach.objects.values_list("external_id", flat=True))
        self.assertEqual(len(ids), 2)
        self.assertNotIn("", ids)

    def test_equal_cells_of_other_types_are_read_apart(self) -> None:
        # Each distinct cell is read once per file: TRUE and 1 are equal in Python, but a text
        # column reads them as two texts.
        rows = [
            ["R-1", "darien-office", "2023-09-01", "web", True, 10],
            ["R-2", "darien-office", "2023-09-01", "web", 1, 10],
        ]
        self.confirm(self.upload(self.supervisor_a, xlsx_file(rows)))
        campaigns = CommunicationReach.objects.order_by("external_id").values_list(
            "campaign", flat=True
        )
        self.assertEqual(list(campaigns), ["True", "1"])

    def test_an_administrator_may_approve_on_import_and_it_is_recorded(self) -> None:
        rows = [["R-1", "los-planes", "2023-09-01", "web", "A", 10]]
        self.confirm(self.upload(self.admin, xlsx_file(rows), approve="on"))
        record = CommunicationReach.objects.get()
        self.assertEqual(record.status, ReviewStatus.APPROVED)
        self.assertEqual(
            [step.to_status for step in record.transitions.all()],
            [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED],
        )

    def test_a_supervisor_cannot_approve_on_import(self) -> None:
        rows = [["R-1", "darien-office", "2023-09-01", "web", "A", 10]]
        self.confirm(self.upload(self.supervisor_a, csv_file(rows), approve="on"))
        self.assertEqual(CommunicationReach.objects.get().status, ReviewStatus.SUBMITTED)

    def test_importing_the_same_file_again_updates_instead_of_duplicating(self) -> None:
        rows = [["R-1", "darien-office", "2023-09-01", "web", "A", 10]]
        self.confirm(self.upload(self.supervisor_a, csv_file(rows)))
        return_all(CommunicationReach, self.admin)
        rows[0][5] = 15
        response = self.upload(self.supervisor_a, csv_file(rows))
        self.assertEqual(
            (response.context["report"].created, response.context["report"].updated), (0, 1)
        )
        self.confirm(response)
        record = CommunicationReach.objects.get()
        # A form opened before the second import is refused rather than overwriting it.
        self.assertEqual((record.people_reached, record.version), (15, 3))

    def test_one_invalid_row_writes_nothing_and_names_its_row_column_and_problem(self) -> None:
        rows = [
            ["R-1", "darien-office", "2023-09-01", "web", "A", 10],
            ["R-2", "darien-office", "2023-09-31", "web", "B", 10],
        ]
        response = self.upload(self.supervisor_a, csv_file(rows))
        [error] = response.context["report"].errors
        self.assertEqual((error.number, error.column), (3, "date"))
        self.assertIn("is not a date", error.message)
        self.assertNotIn("token", response.context)
        self.assertContains(response, "data:text/csv")
        self.assertFalse(CommunicationReach.objects.exists())

    def test_field_staff_and_viewers_may_not_import(self) -> None:
        for user in (self.field_a, self.viewer):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)

    def test_the_template_has_the_headers_an_example_and_an_explanation_sheet(self) -> None:
        import io

        import openpyxl

        self.login(self.admin)
        response = self.client.get(reverse("activities:reach_import_template"))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        data, guide = book.worksheets
        rows = list(data.iter_rows(values_only=True))
        self.assertEqual(rows[0][:2], ("external_id", "site"))
        self.assertEqual(len(rows), 2)
        self.assertEqual(guide.max_row, 1 + len(rows[0]))
