"""The quarter's workbook for administrators: a sheet per section, months as columns."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.dataset import DatasetTestCase


class WorkbookExportTest(DatasetTestCase):
    def workbook(self):
        self.login(self.admin)
        response = self.client.get(reverse("reports:workbook", args=[2023, 3]))
        self.assertEqual(response.status_code, 200)
        return load_workbook(io.BytesIO(response.content))

    def row(self, sheet, indicator: str, group: str = "") -> list:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row[0] == indicator and (row[1] or "") == group:
                return list(row[3:])
        raise AssertionError(indicator)

    def test_each_section_has_its_sheet_with_the_months_and_the_total(self) -> None:
        book = self.workbook()
        self.assertIn("migration_flows", book.sheetnames)
        self.assertIn("legal_orientation", book.sheetnames)
        flows = book["migration_flows"]
        header = [cell.value for cell in flows[1]]
        self.assertEqual(header[3:], ["2023-07", "2023-08", "2023-09", "total"])
        # No statistic for July: left empty, not 0.
        self.assertEqual(self.row(flows, "migration_flows.crossed"), [None, 82000, 75000, 157000])

    def test_the_workbook_shows_exact_numbers_and_people_once_in_the_quarter(self) -> None:
        book = self.workbook()
        # Ana: a session in July and one in September; Beto in September.
        self.assertEqual(
            self.row(book["legal_orientation"], "legal_orientation.people"), [1, None, 2, 2]
        )
        self.assertEqual(self.row(book["avr"], "avr.returned"), [3, 0, 1, 4])
        self.assertEqual(
            self.row(book["donations"], "donations.by_category", "meals"), [100, None, 20, 120]
        )

    def test_supervisors_do_not_get_the_workbook(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.get(reverse("reports:workbook", args=[2023, 3]))
        self.assertEqual(response.status_code, 403)
