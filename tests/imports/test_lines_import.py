"""Records with lines (a donation's items): one line of the file per line of the record."""

import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Donation, DonationItem, Donor, ItemCategory
from iompanama.models import ReviewStatus
from tests.imports.helpers import csv_file, return_all
from tests.personas import PersonasTestCase

URL = reverse("activities:donation_import")
HEADER = [
    "external_id",
    "site",
    "delivery_date",
    "recipient",
    "donor",
    "item_category",
    "item_description",
    "item_quantity",
    "item_unit",
]


def donation(key: str, *item, recipient: str = "Hospital") -> list:
    return [key, "darien-office", "2023-09-01", recipient, "ECHO", *item]


KITS = ("hygiene", "Kit familiar", 50, "kits")
FOOD = ("Alimentos", "Raciones", 200, "meals")


class DonationImportTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Donor.objects.create(name="ECHO", kind=Donor.Kind.DIRECT)
        ItemCategory.objects.create(code="hygiene", name_es="Higiene", name_en="Hygiene")
        ItemCategory.objects.create(code="food", name_es="Alimentos", name_en="Food")

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.supervisor_a)

    def upload(self, rows):
        return self.client.post(URL, {"file": csv_file(rows, HEADER)})

    def confirm(self, response):
        self.assertTrue(response.context["report"].is_valid, response.context["report"].errors)
        return self.client.post(URL, {"token": response.context["token"]})

    def test_lines_with_the_same_external_id_are_one_donation_with_its_items(self) -> None:
        response = self.upload(
            [donation("D-1", *KITS), donation("D-2", *KITS), donation("D-1", *FOOD)]
        )
        self.assertEqual(response.context["report"].created, 2)
        self.confirm(response)
        first = Donation.objects.get(external_id="D-1")
        self.assertEqual(
            [(item.category.code, item.quantity, item.unit) for item in first.items.all()],
            [("hygiene", 50, "kits"), ("food", 200, "meals")],
        )
        self.assertEqual(first.status, ReviewStatus.SUBMITTED)
        self.assertEqual(first.transitions.get().by, self.supervisor_a)
        self.assertEqual(Donation.objects.get(external_id="D-2").items.count(), 1)
        self.assertEqual(DonationItem.history.filter(history_user=self.supervisor_a).count(), 3)

    def test_importing_again_replaces_the_items(self) -> None:
        self.confirm(self.upload([donation("D-1", *KITS), donation("D-1", *FOOD)]))
        return_all(Donation, self.admin)
        response = self.upload([donation("D-1", "food", "Raciones", 300, "meals")])
        self.assertEqual(
            (response.context["report"].created, response.context["report"].updated), (0, 1)
        )
        self.confirm(response)
        self.assertEqual(
            [(item.quantity, item.unit) for item in Donation.objects.get().items.all()],
            [(300, "meals")],
        )

    def test_a_line_that_disagrees_with_its_first_line_is_a_row_error(self) -> None:
        rows = [donation("D-1", *KITS), donation("D-1", *FOOD, recipient="Escuela")]
        report = self.upload(rows).context["report"]
        self.assertEqual(
            [(error.number, error.column) for error in report.errors], [(3, "recipient")]
        )
        self.assertIn("Line 2", report.errors[0].message)

    def test_a_bad_item_is_an_error_of_its_line_and_column(self) -> None:
        rows = [donation("D-1", *KITS), donation("D-1", "furniture", "Sillas", 0, "units")]
        report = self.upload(rows).context["report"]
        self.assertEqual(
            sorted((error.number, error.column) for error in report.errors),
            [(3, "item_category"), (3, "item_quantity")],
        )
        self.assertFalse(Donation.objects.exists())

    def test_a_donation_needs_an_item_line(self) -> None:
        report = self.upload([donation("D-1", "", "", "", "")]).context["report"]
        self.assertEqual([error.column for error in report.errors], ["item_category"])

    def test_the_queries_do_not_grow_with_the_lines(self) -> None:
        def queries(count: int) -> int:
            rows = [donation(f"D-{n // 2}", *KITS) for n in range(count)]
            response = self.upload(rows)
            with CaptureQueriesContext(connection) as captured:
                self.confirm(response)
            Donation.objects.all().delete()
            return len(captured)

        self.assertEqual(queries(4), queries(40))

    def test_the_template_explains_the_line_columns_and_their_allowed_values(self) -> None:
        response = self.client.get(reverse("activities:donation_import_template"))
        data, guide = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
        self.assertEqual(next(data.iter_rows(values_only=True)), tuple(HEADER))
        allowed = {row[0]: row[3] for row in guide.iter_rows(min_row=2, values_only=True)}
        self.assertIn("Higiene", allowed["item_category"])
        self.assertEqual(allowed["site"], "darien-office, lajas-blancas")
