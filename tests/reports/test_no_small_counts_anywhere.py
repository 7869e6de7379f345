"""Every public output of a small dataset (page in Spanish and English, JSON, CSV, HXL CSV, PDF
text, SVG charts) shows no count of people from 1 to 4."""

import csv
import html
import io
import re

from django.urls import reverse
from pypdf import PdfReader

from reports.disclosure import people_cells
from reports.figures import Period, factsheet
from reports.models import MissionProfile, PublishedFactsheet
from reports.sections import SECTIONS
from tests.reports.dataset import FIRST, LAST, DatasetTestCase

# What is a number but no count of people: dates, months, version numbers, percentages, ratios.
NOT_COUNTS = re.compile(
    r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}(-\d{2})?|\bv(ersi[oó]n)? ?\d+|\d+(\.\d+)?\s?%|\d+\.\d+"
)
SMALL_NUMBER = re.compile(r"(?<![\d,.])[1-4](?![\d,.])")


def _small_numbers(text: str) -> list[str]:
    text = NOT_COUNTS.sub(" ", text)
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in SMALL_NUMBER.finditer(text)]


class NoSmallCountAnywhereTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The mission's 4 offices are no people; made larger so that any 1-4 left is one.
        MissionProfile.objects.update(offices=6)
        cls.version = PublishedFactsheet.publish(FIRST, LAST, by=cls.admin)

    def get(self, name: str, **query):
        return self.client.get(reverse(name, args=[self.version.pk]), query)

    def test_the_dataset_has_small_groups_to_hide(self) -> None:
        exact = people_cells(factsheet(Period(FIRST, LAST)))
        self.assertGreater(len([v for v in exact.values() if v in range(1, 5)]), 5)

    def test_the_page_in_both_languages_and_its_charts(self) -> None:
        for language in ("es", "en"):
            with self.subTest(language):
                page = self.get("reports:factsheet", lang=language).content.decode()
                charts = re.findall(r"<svg.*?</svg>", page, flags=re.S)
                self.assertTrue(charts)
                for svg in charts:
                    drawn = re.findall(r"<(?:text|desc class=\"value\")[^>]*>([^<]*)<", svg)
                    self.assertEqual(_small_numbers(" | ".join(drawn)), [], svg[-2000:])
                text = re.sub(r"<(svg|style|script).*?</\1>", " ", page, flags=re.S)
                text = html.unescape(re.sub(r"<[^>]+>", " ", text))
                self.assertEqual(_small_numbers(text), [])

    def test_the_pdf_text(self) -> None:
        for language in ("es", "en"):
            pdf = self.get("reports:factsheet_pdf", lang=language).content
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
            self.assertEqual(_small_numbers(text), [], language)

    def test_the_json(self) -> None:
        figures = self.get("reports:factsheet_json").json()["figures"]
        small = {cell: v for cell, v in people_cells(figures).items() if v in range(1, 5)}
        self.assertEqual(small, {})

    def test_the_csv_and_hxl_csv(self) -> None:
        for name in ("reports:factsheet_csv", "reports:factsheet_hxl"):
            rows = list(csv.DictReader(io.StringIO(self.get(name).content.decode())))
            people = [
                row
                for row in rows
                if (section := row["indicator"].partition(".")[0]) in SECTIONS
                and row["indicator"].partition(".")[2] in SECTIONS[section].people_cells
            ]
            self.assertTrue(people)
            self.assertEqual([r for r in people if r["value"] in {"1", "2", "3", "4"}], [])
