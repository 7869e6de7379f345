"""The SNM's monthly statistics of people who crossed the Darién."""

from django.urls import reverse

from activities.models import FlowByNationality, MigrationFlowStatistic
from tests.factories import make_flow_statistic
from tests.imports.helpers import return_all, xlsx_file
from tests.personas import PersonasTestCase

HEADER = [
    "external_id",
    "site",
    "month",
    "source",
    "publication_date",
    "crossed_total",
    "adults",
    "minors",
    "women",
    "men",
]
URL = reverse("activities:flow_import")


class FlowImportTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.admin)

    def test_monthly_statistics_are_imported_with_snm_as_the_default_source(self) -> None:
        rows = [
            ["SNM-2023-09", "darien-office", "09/2023", "", "10/10/2023", 1000, 770, 230, 400, 600]
        ]
        response = self.client.post(URL, {"file": xlsx_file(rows, HEADER)})
        self.client.post(URL, {"token": response.context["token"]})
        statistic = MigrationFlowStatistic.objects.get()
        self.assertEqual((str(statistic.month), statistic.source), ("2023-09-01", "SNM"))
        return_all(MigrationFlowStatistic, self.supervisor_a)
        again = self.client.post(URL, {"file": xlsx_file(rows, HEADER)}).context["report"]
        self.assertEqual((again.created, again.unchanged, again.errors), (0, 1, []))

    def test_parts_that_do_not_add_up_are_a_row_error(self) -> None:
        rows = [
            [
                "SNM-2023-09",
                "darien-office",
                "2023-09",
                "SNM",
                "2023-10-10",
                1000,
                700,
                230,
                400,
                600,
            ]
        ]
        response = self.client.post(URL, {"file": xlsx_file(rows, HEADER)})
        [error] = response.context["report"].errors
        self.assertEqual(error.column, "adults")
        self.assertFalse(MigrationFlowStatistic.objects.exists())

    def import_by_nationality(self, *lines: tuple):
        """A month of 1,000 crossings with one file line per nationality."""
        month = ["SNM-2023-09", "darien-office", "2023-09", "SNM", "2023-10-10"]
        rows = [[*month, 1000, 770, 230, 400, 600, *line] for line in lines]
        header = [*HEADER, "nationality", "nationality_crossed"]
        response = self.client.post(URL, {"file": xlsx_file(rows, header)})
        report = response.context["report"]
        if report.is_valid:
            self.client.post(URL, {"token": response.context["token"]})
        return report

    def test_a_month_by_nationality_takes_a_line_per_nationality(self) -> None:
        report = self.import_by_nationality(("Venezuela", 640), ("HT", 200))
        self.assertEqual((report.created, report.errors), (1, []))
        self.assertEqual(
            [(row.nationality.code, row.crossed) for row in FlowByNationality.objects.all()],
            [("VE", 640), ("HT", 200)],
        )

    def test_nationalities_above_the_total_or_twice_are_errors_of_their_line(self) -> None:
        for lines, column in (
            ((("VE", 640), ("HT", 400)), "nationality_crossed"),
            ((("VE", 640), ("Venezuela", 1)), "nationality"),
        ):
            with self.subTest(column):
                report = self.import_by_nationality(*lines)
                self.assertEqual(
                    [(error.number, error.column) for error in report.errors], [(3, column)]
                )
        self.assertFalse(MigrationFlowStatistic.objects.exists())

    def test_a_month_and_source_already_stored_or_twice_in_the_file_is_a_row_error(self) -> None:
        make_flow_statistic(self.darien, self.field_a, external_id="OLD")
        stored = ["NEW", "darien-office", "2023-09", "SNM", "2023-10-10", 1000, 770, 230, 400, 600]
        october = ["OCT", "darien-office", "2023-10", "SNM", "2023-11-10", 10, 7, 3, 4, 6]
        twice = ["OCT-2", *october[1:]]
        for rows, number in (([stored], 2), ([october, twice], 3)):
            with self.subTest(number=number):
                response = self.client.post(URL, {"file": xlsx_file(rows, HEADER)})
                errors = response.context["report"].errors
                self.assertEqual([(e.number, e.column) for e in errors], [(number, "month")])
                self.assertIn("already a statistic for this month", errors[0].message)
        self.assertEqual(MigrationFlowStatistic.objects.count(), 1)
