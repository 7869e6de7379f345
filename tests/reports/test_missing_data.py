"""Missing is not zero: a section without records says "no data for this period", and a
breakdown that was not recorded says "not recorded", on the page, the PDF, the JSON and the CSV."""

import csv
import datetime
import io

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from reports import figures
from reports.disclosure import publishable
from reports.figures import Period
from reports.models import PublishedFactsheet
from reports.templatetags.factsheet import figure
from tests.factories import make_flow_statistic, make_training
from tests.reports.dataset import DatasetTestCase

EMPTY = Period.month(2021, 1)  # nothing recorded
SECTIONS = [
    "legal_orientation",
    "workshops_migrants",
    "avr",
    "migration_flows",
    "donations",
    "medical_attention",
    "flow_survey",
    "workshops_partners",
    "communications",
]


class NoDataTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.version = PublishedFactsheet.publish(EMPTY.start, EMPTY.end, by=cls.admin)

    def test_every_section_without_records_has_no_figures_rather_than_zeros(self) -> None:
        exact = figures.factsheet(EMPTY)
        self.assertEqual({key: exact[key] for key in SECTIONS}, dict.fromkeys(SECTIONS))
        # General donors finance IOM as a whole: thanked in every period, direct ones not.
        self.assertEqual({donor["kind"] for donor in exact["donors"]}, {"general"})
        self.assertIsNone(exact["mission"])

    def test_the_page_says_no_data_in_each_section_and_shows_no_zero(self) -> None:
        for language, words in (("en", "No data for this period"), ("es", "Sin datos")):
            response = self.client.get(
                reverse("reports:factsheet", args=[self.version.pk]), {"lang": language}
            )
            self.assertContains(response, words, count=9)
            self.assertNotContains(response, 'class="big-number">0<')
            self.assertNotContains(response, '<svg role="img"')  # no empty chart

    def test_the_json_and_csv_say_no_data(self) -> None:
        data = self.client.get(reverse("reports:factsheet_json", args=[self.version.pk])).json()
        self.assertIsNone(data["figures"]["migration_flows"])
        response = self.client.get(reverse("reports:factsheet_csv", args=[self.version.pk]))
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        flows = [row for row in rows if row["indicator"].startswith("migration_flows")]
        self.assertEqual(
            [(row["indicator"], row["value"]) for row in flows], [("migration_flows", "no data")]
        )
        self.assertNotIn("0", [row["value"] for row in rows])

    def test_the_pdf_says_no_data(self) -> None:
        response = self.client.get(
            reverse("reports:factsheet_pdf", args=[self.version.pk]), {"lang": "en"}
        )
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(page.extract_text() for page in reader.pages)
        self.assertIn("No data for this period", text)
        self.assertNotIn("0 migrants", text)


class NotRecordedTest(DatasetTestCase):
    def test_workshops_without_age_groups_have_them_not_recorded_not_zero(self) -> None:
        day = datetime.date(2022, 3, 1)
        self.approved(make_training(self.darien, self.field_a, start_date=day, end_date=day))
        workshop = figures.workshops(Period.month(2022, 3), "migrants")
        self.assertEqual(workshop["participants"], 20)
        self.assertIsNone(workshop["by_age"])
        public = publishable(figures.factsheet(Period.month(2022, 3)))
        self.assertIsNone(public["workshops_migrants"]["by_age"])

    def test_a_flow_statistic_without_a_sex_split_leaves_the_split_not_recorded(self) -> None:
        month = datetime.date(2021, 5, 1)
        self.approved(
            make_flow_statistic(self.darien, self.field_a, month=month, women=None, men=None)
        )
        flows = figures.migration_flows(Period.month(2021, 5))
        self.assertEqual(flows["crossed"], 75268)
        self.assertIsNone(flows["by_sex"])
        self.assertEqual(flows["by_age"], {"adults": 57956, "minors": 17312})

    def test_not_recorded_is_said_in_words_on_the_page(self) -> None:
        day = datetime.date(2022, 3, 1)
        self.approved(make_training(self.darien, self.field_a, start_date=day, end_date=day))
        version = PublishedFactsheet.publish(day, datetime.date(2022, 3, 31), by=self.admin)
        response = self.client.get(reverse("reports:factsheet", args=[version.pk]), {"lang": "en"})
        self.assertContains(response, "Age groups: not recorded")


class NoDataInWordsTest(SimpleTestCase):
    def test_no_data_and_not_recorded_from_the_files_read_as_words(self) -> None:
        # A correction's list of changes shows the values of the files: "no data" -> 5.
        with translation.override("es"):
            self.assertEqual(figure("no data"), "sin datos")
            self.assertEqual(figure("not recorded"), "no registrado")
