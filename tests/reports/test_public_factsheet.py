"""The published factsheet, for anyone: a page in Spanish or English, and JSON."""

from django.urls import reverse
from django.utils import translation

from reports.models import PublishedFactsheet
from reports.templatetags.factsheet import migration_reason
from tests.reports.dataset import FIRST, LAST, DatasetTestCase


class PublicFactsheetTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.version = PublishedFactsheet.publish(FIRST, LAST, by=cls.admin)

    def test_anyone_sees_the_list_of_published_factsheets(self) -> None:
        response = self.client.get(reverse("reports:factsheet_list"))
        self.assertContains(response, reverse("reports:factsheet", args=[self.version.pk]))

    def test_the_page_shows_the_sections_in_the_order_of_the_reference(self) -> None:
        response = self.client.get(reverse("reports:factsheet", args=[self.version.pk]))
        html = response.content.decode()
        ids = ["mission", "residents", "operations", "dtm", "capacities", "communications"]
        positions = [html.index(f'id="{section}"') for section in [*ids, "donors"]]
        self.assertEqual(positions, sorted(positions))

    def test_the_page_shows_the_big_numbers_and_charts_without_javascript(self) -> None:
        response = self.client.get(
            reverse("reports:factsheet", args=[self.version.pk]), {"lang": "en"}
        )
        self.assertContains(response, "157,000")  # crossed the Darién
        self.assertContains(response, "fewer than 5")
        # Not drawn: returnees (all "fewer than 5") and the survey (too few responses).
        self.assertContains(response, '<svg role="img"', count=3)
        self.assertContains(response, "<script", count=1)  # the page's own menu, no chart
        self.assertContains(response, "General Fund")

    def test_reasons_for_migrating_are_named_not_coded(self) -> None:
        with translation.override("en"):
            self.assertEqual(migration_reason("economic"), "Economic")
            self.assertEqual(migration_reason("other"), "Other")

    def test_the_page_speaks_spanish_or_english(self) -> None:
        url = reverse("reports:factsheet", args=[self.version.pk])
        self.assertContains(self.client.get(url, {"lang": "en"}), "Meals")
        self.assertContains(self.client.get(url, {"lang": "es"}), "Comidas")

    def test_the_json_is_the_frozen_figures(self) -> None:
        response = self.client.get(reverse("reports:factsheet_json", args=[self.version.pk]))
        data = response.json()
        self.assertEqual(data["figures"], self.version.figures)
        self.assertEqual(data["figures"]["migration_flows"]["crossed"], 157000)
        self.assertEqual(data["version"], 1)

    def test_an_unknown_version_is_not_found(self) -> None:
        response = self.client.get(reverse("reports:factsheet", args=[self.version.pk + 1]))
        self.assertEqual(response.status_code, 404)
