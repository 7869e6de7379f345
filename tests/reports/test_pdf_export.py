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
        for number in ["157,000", "150", "fewer than 5", "Fondo General", "196"]:
            self.assertIn(number, text)
        self.assertIn("Participants by sex", text)  # a chart's title, drawn in SVG
