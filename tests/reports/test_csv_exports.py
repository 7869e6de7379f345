"""CSV and HXL-tagged CSV of a published version: the same numbers as its page."""

import csv
import io

from django.urls import reverse

from reports.disclosure import SMALL
from reports.models import PublishedFactsheet
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

    def test_the_hxl_csv_has_hashtags_under_the_header(self) -> None:
        rows = self.rows("reports:factsheet_hxl")
        self.assertEqual(
            rows[1],
            [
                "#date+start",
                "#date+end",
                "#indicator+code",
                "#category+code",
                "#country+code",
                "#indicator+value",
            ],
        )
        self.assertEqual(self.value(rows[:1] + rows[2:], "migration_flows.crossed"), "157000")
