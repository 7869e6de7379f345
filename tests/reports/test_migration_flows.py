"""The Darién section says its months in words, its source and the nationalities of crossings."""

from django.urls import reverse

from reports import figures
from reports.models import PublishedFactsheet
from tests.reports.dataset import FIRST, LAST, Q3, DatasetTestCase


class MigrationFlowsTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.version = PublishedFactsheet.publish(FIRST, LAST, by=cls.admin)

    def page(self, language: str) -> str:
        url = reverse("reports:factsheet", args=[self.version.pk])
        return self.client.get(url, {"lang": language}).content.decode()

    def test_crossings_are_ranked_by_nationality_with_small_ones_in_other(self) -> None:
        self.assertEqual(
            figures.migration_flows(Q3)["by_nationality"],
            [
                {"code": "VE", "value": 40000},
                {"code": "EC", "value": 20000},
                {"code": "HT", "value": 15000},
                {"code": "CN", "value": 3},
            ],
        )
        self.assertEqual(
            self.version.figures["migration_flows"]["by_nationality"],
            [
                {"code": "VE", "value": 40000},
                {"code": "EC", "value": 20000},
                {"code": "other", "value": 15003},
            ],
        )

    def test_the_english_page_says_the_months_and_the_source_in_words(self) -> None:
        page = self.page("en")
        self.assertIn("migrants crossed the Darien jungle in July, August and September 2023", page)
        self.assertIn("Data from September 2023, published by the National Migration Service", page)
        self.assertIn("Venezuela 40,000, Ecuador 20,000, Other 15,003", page)

    def test_the_spanish_page_says_them_in_spanish(self) -> None:
        page = self.page("es")
        self.assertIn("julio, agosto y septiembre de 2023", page)
        self.assertIn("Datos de septiembre de 2023", page)
