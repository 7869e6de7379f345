"""The SNM's monthly statistics of people who crossed the Darién."""

from django.urls import reverse

from activities.models import MigrationFlowStatistic
from tests.imports.helpers import xlsx_file
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
