"""List exports in the reader's language by default, and with codes and an HXL row for
machines; XLSX with named sheets and real date cells."""

import datetime
import io

import openpyxl
from django.conf import settings
from django.urls import reverse

from tests.exports.helpers import csv_rows
from tests.factories import make_beneficiary, make_reach
from tests.personas import PersonasTestCase


class WordsAndCodesTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_beneficiary(cls.darien, cls.field_a)
        make_reach(cls.darien, cls.field_a, campaign="Línea\x0bvertical")

    def export(self, url_name: str, file_format: str = "csv", query: str = ""):
        self.login(self.admin)
        return self.client.get(reverse(url_name, args=[file_format]) + query)

    def test_people_read_headers_and_values_in_their_language(self) -> None:
        rows = csv_rows(self.export("cases:beneficiary_export"))
        person = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(person["Sexo"], "Femenino")
        self.assertEqual(person["Nacionalidad"], "Venezuela")
        self.assertEqual(person["Consentimiento informado otorgado"], "sí")

    def test_in_english_the_same_file_is_in_english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        rows = csv_rows(self.export("cases:beneficiary_export"))
        person = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual((person["Sex"], person["Nationality"]), ("Female", "Venezuela"))

    def test_machines_get_codes_and_an_hxl_row(self) -> None:
        rows = csv_rows(self.export("cases:beneficiary_export", query="?codes=1"))
        self.assertEqual(rows[0][:3], ["external_id", "site", "given_names"])
        self.assertTrue(all(tag.startswith("#") for tag in rows[1]))
        person = dict(zip(rows[0], rows[2], strict=True))
        self.assertEqual((person["sex"], person["nationality"]), ("female", "VE"))
        self.assertEqual(dict(zip(rows[0], rows[1], strict=True))["external_id"], "#meta+id")

    def test_the_xlsx_sheet_is_named_and_its_dates_are_dates(self) -> None:
        response = self.export("activities:reach_export", "xlsx")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book.worksheets[0]
        self.assertEqual(sheet.title, "Alcance de comunicación")
        header = [cell.value for cell in sheet[1]]
        date = sheet.cell(row=2, column=header.index("Fecha") + 1).value
        self.assertIsInstance(date, datetime.datetime)

    def test_a_control_character_that_xlsx_cannot_hold_is_left_out(self) -> None:
        response = self.export("activities:reach_export", "xlsx")
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        cells = [cell.value for row in book.worksheets[0].iter_rows() for cell in row]
        self.assertIn("Línea vertical", cells)
