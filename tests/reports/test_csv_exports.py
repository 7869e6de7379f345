"""CSV and HXL-tagged CSV of a published version: the same numbers as its page."""

import csv
import io

from django.urls import reverse

from activities.models import Donor
from reports.disclosure import SMALL
from reports.models import PublishedFactsheet
from tests.exports.test_hxl import hxl_problems
from tests.reports.dataset import FIRST, LAST, DatasetTestCase


class CsvExportTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.version = PublishedFactsheet.publish(FIRST, LAST, by=cls.admin)

    def rows(self, name: str) -> list[list[str]]:
        response = self.client.get(reverse(name, args=[self.version.pk]))
        self.assertEqual(response["Content-Type"], "text/csv")
        return list(csv.reader(io.StringIO(response.content.decode())))

    def value(self, rows, indicator: str, group: str = "") -> str:
        header = rows[0]
        for row in rows:
            record = dict(zip(header, row, strict=True))
            if record["indicator"] == indicator and group in ("", record["group"]):
                return record["value"]
        raise AssertionError(indicator)

    def test_the_csv_holds_the_published_numbers(self) -> None:
        rows = self.csv_rows = self.rows("reports:factsheet_csv")
        self.assertEqual(rows[0][:3], ["period_start", "period_end", "indicator"])
        self.assertEqual(self.value(rows, "migration_flows.crossed"), "157000")
        self.assertEqual(self.value(rows, "communications.reached"), "150")
        self.assertEqual(self.value(rows, "donations.by_category", "meals"), "120")
        self.assertEqual(self.value(rows, "avr.returned"), SMALL)
        self.assertEqual(self.value(rows, "medical_attention.by_group", "boys"), SMALL)

    def test_the_hxl_csv_has_core_hashtags_under_the_header(self) -> None:
        rows = self.rows("reports:factsheet_hxl")
        self.assertEqual(
            rows[1],
            [
                "#date+start",
                "#date+end",
                "#indicator+code",
                "#indicator+type",
                "#country+code",
                "#org+funder+name",
                "#indicator+num",
                "#indicator+text",
            ],
        )
        self.assertEqual(self.value(rows[:1] + rows[2:], "migration_flows.crossed"), "157000")

    def test_the_hxl_csv_is_valid_core_hxl(self) -> None:
        self.assertEqual(hxl_problems(self.rows("reports:factsheet_hxl")), [])

    def test_the_hxl_csv_says_countries_in_iso3_donors_as_funders_and_small_groups_apart(
        self,
    ) -> None:
        rows = self.rows("reports:factsheet_hxl")
        records = [dict(zip(rows[0], row, strict=True)) for row in rows[2:]]
        nationalities = {
            r["country"] for r in records if r["indicator"] == "avr.returned_by_nationality"
        }
        self.assertLessEqual(nationalities, {"VEN", "COL", ""})
        donors = {(r["donor"], r["group"]) for r in records if r["indicator"] == "donors"}
        self.assertIn(("Unión Europea", "direct"), donors)
        returned = next(r for r in records if r["indicator"] == "avr.returned")
        self.assertEqual((returned["value"], returned["value_text"]), ("", SMALL))

    def test_a_donor_named_like_a_formula_is_text_in_both_csv_files(self) -> None:
        Donor.objects.filter(name="Unión Europea").update(name="=HYPERLINK(1)")
        version = PublishedFactsheet.publish(FIRST, LAST, by=self.admin, reason="Donante")
        for name in ("reports:factsheet_csv", "reports:factsheet_hxl"):
            with self.subTest(name):
                response = self.client.get(reverse(name, args=[version.pk]))
                text = response.content.decode()
                self.assertIn("'=HYPERLINK(1)", text)
                self.assertNotIn(",=HYPERLINK", text)
