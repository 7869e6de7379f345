"""The PDF of a published version: A4, with the same numbers and charts as its page."""

import io

from django.urls import reverse
from pypdf import PdfReader

from reports.models import PublishedFactsheet
from tests.reports.dataset import FIRST, LAST, DatasetTestCase


class PdfExportTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.version = PublishedFactsheet.publish(FIRST, LAST, by=cls.admin)

    def test_the_pdf_is_a4_and_holds_the_published_numbers(self) -> None:
        url = reverse("reports:factsheet_pdf", args=[self.version.pk])
        response = self.client.get(url, {"lang": "en"})
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
        self.assertEqual((round(width), round(height)), (595, 842))  # A4 in points
        text = " ".join(page.extract_text() for page in reader.pages)
        for number in ["157,000", "150", "fewer than 5", "General Fund", "196"]:
            self.assertIn(number, text)
        self.assertIn("Participants by sex", text)  # a chart's title, drawn in SVG

    def test_a_quarter_fits_on_two_pages_and_page_one_holds_the_first_three_parts(self) -> None:
        response = self.client.get(
            reverse("reports:factsheet_pdf", args=[self.version.pk]), {"lang": "en"}
        )
        reader = PdfReader(io.BytesIO(response.content))
        self.assertLessEqual(len(reader.pages), 2)
        first_page = reader.pages[0].extract_text().upper()
        for heading in ["IOM IN PANAMA", "ASSISTANCE TO MIGRANTS", "OPERATIONS AND EMERGENCIES"]:
            self.assertIn(heading, first_page)

    def test_the_pdf_has_the_brand_and_the_period_in_words_in_its_header(self) -> None:
        for language, words in [
            ("en", ["IOM Panama", "July, August and September 2023"]),
            ("es", ["OIM Panamá", "julio, agosto y septiembre de 2023"]),
        ]:
            response = self.client.get(
                reverse("reports:factsheet_pdf", args=[self.version.pk]), {"lang": language}
            )
            first_page = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
            for text in words:
                self.assertIn(text, first_page)

    def test_the_charts_in_the_pdf_write_numbers_as_the_text_does(self) -> None:
        response = self.client.get(
            reverse("reports:factsheet_pdf", args=[self.version.pk]), {"lang": "en"}
        )
        text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        # The crossings chart's axis, 82,000 and 75,000 a month in 2023.
        self.assertIn("80,000", text)
        self.assertNotIn("80000", text)

    def test_no_line_of_text_runs_past_the_margins(self) -> None:
        """Each run of the page's own text (not the charts', drawn in their own coordinates)
        starts and, at an average Helvetica width of 0.45 of its size a character (8 points
        of slack for the estimate), ends inside the 11 mm margins."""
        margin, width = 31.2, 595.3
        for language in ("es", "en"):
            response = self.client.get(
                reverse("reports:factsheet_pdf", args=[self.version.pk]), {"lang": language}
            )
            runs = []

            def visit(text, cm, tm, font, size, runs=runs) -> None:
                if text.strip() and round(cm[0], 2) == 0.75:  # CSS pixels: the page's text
                    start = cm[0] * tm[4]
                    runs.append((text, start, start + cm[0] * 0.45 * size * len(text.rstrip())))

            for page in PdfReader(io.BytesIO(response.content)).pages:
                page.extract_text(visitor_text=visit)
            self.assertGreater(len(runs), 50)
            for text, start, end in runs:
                with self.subTest(language=language, text=text):
                    self.assertGreaterEqual(start, margin - 1)
                    self.assertLessEqual(end, width - margin + 8)
