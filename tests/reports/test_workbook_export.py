"""The quarter's workbook for administrators: a sheet per section, months as columns."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Donor
from tests.reports.dataset import DatasetTestCase


class WorkbookExportTest(DatasetTestCase):
    def workbook(self):
        self.login(self.admin)
        response = self.client.get(reverse("reports:workbook", args=[2023, 3]))
        self.assertEqual(response.status_code, 200)
        return load_workbook(io.BytesIO(response.content))

    def row(self, sheet, indicator: str, group: str = "") -> list:
        """The months and the total of a figure, found by its codes (the last columns)."""
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row[-3] == indicator and (row[-2] or "") == group:
                return list(row[3:-3])
        raise AssertionError(indicator)

    def test_each_section_has_its_sheet_with_the_months_and_the_total(self) -> None:
        book = self.workbook()
        self.assertIn("Flujos migratorios", book.sheetnames)
        self.assertIn("Orientación legal", book.sheetnames)
        flows = book["Flujos migratorios"]
        header = [cell.value for cell in flows[1]]
        self.assertEqual(header[3:7], ["2023-07", "2023-08", "2023-09", "Total"])
        # No statistic for July: left empty, not 0.
        self.assertEqual(self.row(flows, "migration_flows.crossed"), [None, 82000, 75000, 157000])

    def test_the_workbook_shows_exact_numbers_and_people_once_in_the_quarter(self) -> None:
        book = self.workbook()
        # Ana: a session in July and one in September; Beto in September.
        self.assertEqual(
            self.row(book["Orientación legal"], "legal_orientation.people"), [1, None, 2, 2]
        )
        self.assertEqual(self.row(book["Retorno voluntario"], "avr.returned"), [3, 0, 1, 4])
        self.assertEqual(
            self.row(book["Donaciones"], "donations.by_category", "meals"), [100, None, 20, 120]
        )

    def test_people_read_words_and_machines_keep_the_codes(self) -> None:
        book = self.workbook()
        names = {
            tuple(cell or "" for cell in row[-3:]): tuple(cell or "" for cell in row[:3])
            for sheet in book.worksheets
            for row in sheet.iter_rows(min_row=2, values_only=True)
        }
        self.assertEqual(
            names[("workshops_migrants.by_sex", "female", "")],
            ("Participantes por sexo", "Femenino", ""),
        )
        self.assertEqual(
            names[("medical_attention.by_province", "PA-4", "")],
            ("Por provincia", "Chiriquí", ""),
        )
        self.assertEqual(
            names[("avr.returned_by_nationality", "", "VE")],
            ("Personas que retornaron, por nacionalidad", "", "Venezuela"),
        )

    def test_dates_are_date_cells_and_donor_names_are_never_formulas(self) -> None:
        Donor.objects.filter(name="Unión Europea").update(name="=HYPERLINK(1)")
        book = self.workbook()
        cells = [c for s in book.worksheets for row in s.iter_rows() for c in row]
        self.assertFalse([c for c in cells if c.data_type == "f"])
        self.assertIn("'=HYPERLINK(1)", [c.value for c in cells])
        valid_from = next(book["Misión"].iter_rows(min_row=2, values_only=True))
        self.assertIsInstance(valid_from[-4], datetime.datetime)

    def test_supervisors_do_not_get_the_workbook(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.get(reverse("reports:workbook", args=[2023, 3]))
        self.assertEqual(response.status_code, 403)
