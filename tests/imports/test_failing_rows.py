"""The file of invalid rows that the import page offers: the rows to fix, and what is wrong."""

import base64
import csv
import io

from django.urls import reverse

from tests.imports.helpers import csv_file
from tests.personas import PersonasTestCase

URL = reverse("activities:reach_import")


class FailingRowsTest(PersonasTestCase):
    def failing_rows(self, rows: list[list]) -> list[list[str]]:
        self.login(self.supervisor_a)
        response = self.client.post(URL, {"file": csv_file(rows)})
        href = response.context["failing_rows_href"]
        text = base64.b64decode(href.split(",", 1)[1]).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def test_each_failing_row_says_what_is_wrong_in_a_column_of_its_own(self) -> None:
        rows = self.failing_rows(
            [
                ["R-1", "darien-office", "2023-09-15", "facebook", "Ok", "10"],
                ["R-2", "darien-office", "2023-09-15", "facebook", "Mal", "diez"],
            ]
        )
        self.assertEqual(rows[0][-1], "Problemas")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], "R-2")
        self.assertIn("people_reached: “diez” no es un número.", rows[1][-1])

    def test_formulas_in_the_uploaded_cells_are_not_echoed_as_formulas(self) -> None:
        rows = self.failing_rows(
            [["R-1", "darien-office", "2023-09-15", "facebook", "=HYPERLINK(1)", "x"]]
        )
        self.assertEqual(rows[1][4], "'=HYPERLINK(1)")
