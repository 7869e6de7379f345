"""Administrators publish a period's factsheet as a frozen version, after a preview whose
warnings they acknowledge; publishing again corrects it, with a reason readers see."""

import csv
import datetime
import io
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from reports.disclosure import SMALL
from reports.figures import Period
from reports.models import PublishedFactsheet, PublishingRefused
from tests.factories import make_reach
from tests.reports.dataset import FIRST, LAST, DatasetTestCase

PERIOD = {"start": "2023-07-01", "end": "2023-09-30"}
# The dataset's quarter has records pending review (a legal case and a reach edited after
# approval); nothing else to warn about.
ACKNOWLEDGED = PERIOD | {"acknowledged": ["pending"]}
JULY = {"start": "2023-07-01", "end": "2023-07-31"}


class PreviewTest(DatasetTestCase):
    def preview(self, data=PERIOD, language="en"):
        self.login(self.admin)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return self.client.get(reverse("reports:preview"), data)

    def test_the_figures_page_offers_a_preview_not_a_one_click_publication(self) -> None:
        self.login(self.admin)
        response = self.client.get(reverse("reports:figures"), PERIOD)
        self.assertContains(response, reverse("reports:preview"))
        self.assertNotContains(response, f'method="post" action="{reverse("reports:publish")}"')

    def test_the_preview_shows_the_public_page_in_both_languages_and_publishes_nothing(self):
        response = self.preview(PERIOD | {"lang": "en"})
        self.assertContains(response, "157,000")
        self.assertContains(response, "fewer than 5")
        self.assertContains(response, "<svg")
        self.assertContains(self.preview(PERIOD | {"lang": "es"}), "Comidas")
        self.assertFalse(PublishedFactsheet.objects.exists())

    def test_the_preview_pdf_is_the_pdf_to_be_published(self) -> None:
        self.login(self.admin)
        response = self.client.get(reverse("reports:preview_pdf"), PERIOD | {"lang": "en"})
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        self.assertIn("157,000", text)

    def test_records_pending_review_are_counted_and_linked(self) -> None:
        response = self.preview()
        warnings = {w["message"]: w.get("url") for w in response.context["warnings"]}
        self.assertIn(
            "Legal orientation cases of the period still waiting for review: 1.", warnings
        )
        self.assertIn("Communication reach of the period still waiting for review: 1.", warnings)
        self.assertEqual([w["code"] for w in response.context["warnings"]], ["pending", "pending"])
        url = warnings["Communication reach of the period still waiting for review: 1."]
        self.assertContains(response, url.replace("&", "&amp;"))
        pending = self.client.get(url).context["page"]
        self.assertEqual(len(pending), 1)

    def test_sections_without_data_and_a_missing_flow_statistic_are_warned(self) -> None:
        # July has no approved SNM statistic, and no partner workshop.
        codes = {w["code"]: w["message"] for w in self.preview(JULY).context["warnings"]}
        self.assertIn("Migrants who crossed the Darién", codes["no_data"])
        self.assertIn("Workshops for partners", codes["no_data"])
        self.assertEqual(
            codes["flows_missing"],
            "The migration flow statistic for 07/2023 is not available yet.",
        )

    def test_the_preview_takes_the_same_queries_whatever_the_versions_published(self) -> None:
        PublishedFactsheet.publish(FIRST, datetime.date(2023, 7, 31), by=self.admin)
        self.preview()
        with CaptureQueriesContext(connection) as before:
            self.preview()
        for month in (8, 9):
            period = Period.month(2023, month)
            PublishedFactsheet.publish(period.start, period.end, by=self.admin)
        with self.assertNumQueries(len(before.captured_queries)):
            self.preview()

    def test_a_period_of_part_months_is_not_previewed(self) -> None:
        response = self.preview({"start": "2023-07-01", "end": "2023-08-04"})
        self.assertRedirects(
            response,
            reverse("reports:figures") + "?start=2023-07-01&end=2023-08-04",
            fetch_redirect_response=False,
        )
        self.assertContains(self.client.get(response["Location"]), "whole months")

    def test_a_period_that_has_not_ended_is_warned(self) -> None:
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2023, 9, 20)):
            codes = [w["code"] for w in self.preview().context["warnings"]]
        self.assertIn("not_ended", codes)


class PublishTest(DatasetTestCase):
    def publish(self, data=ACKNOWLEDGED, user=None):
        self.login(user or self.admin)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return self.client.post(reverse("reports:publish"), data)

    def test_an_administrator_publishes_the_public_figures_of_the_period(self) -> None:
        response = self.publish()
        version = PublishedFactsheet.objects.get()
        self.assertRedirects(response, reverse("reports:factsheet", args=[version.pk]))
        self.assertEqual((version.start, version.end, version.version), (FIRST, LAST, 1))
        self.assertEqual(version.published_by, self.admin)
        self.assertEqual(version.figures["communications"]["reached"], 150)
        self.assertEqual(version.figures["avr"]["returned"], SMALL)

    def test_nothing_is_published_until_every_warning_is_acknowledged(self) -> None:
        response = self.publish(PERIOD)
        self.assertRedirects(
            response,
            reverse("reports:preview") + "?start=2023-07-01&end=2023-09-30",
            fetch_redirect_response=False,
        )
        self.assertFalse(PublishedFactsheet.objects.exists())
        self.publish(JULY | {"acknowledged": ["pending", "no_data"]})  # not the flows
        self.assertFalse(PublishedFactsheet.objects.exists())

    def test_a_supervisor_may_not_publish_nor_preview(self) -> None:
        self.assertEqual(self.publish(user=self.supervisor_a).status_code, 403)
        self.assertEqual(self.client.get(reverse("reports:preview"), PERIOD).status_code, 403)
        self.assertFalse(PublishedFactsheet.objects.exists())

    def test_public_periods_are_whole_months(self) -> None:
        self.publish(ACKNOWLEDGED | {"end": "2023-08-04"})
        self.assertFalse(PublishedFactsheet.objects.exists())
        with self.assertRaises(PublishingRefused):
            PublishedFactsheet.publish(FIRST, datetime.date(2023, 8, 5), by=self.admin)

    def test_publishing_figures_identical_to_the_current_version_is_refused(self) -> None:
        self.publish()
        response = self.publish(ACKNOWLEDGED | {"reason": "Otra vez"})
        self.assertEqual(PublishedFactsheet.objects.count(), 1)
        self.assertContains(
            self.client.get(response["Location"]),
            "Nothing changed since version 1: there is nothing to publish.",
            count=2,  # the message, and the preview's notice in place of the button
        )

    def test_a_correction_without_a_reason_is_refused(self) -> None:
        self.publish()
        self.unlock_published()
        self.approved(make_reach(self.darien, self.field_a, date=LAST, people_reached=7))
        response = self.publish()
        self.assertEqual(PublishedFactsheet.objects.count(), 1)
        self.assertContains(self.client.get(response["Location"]), "Say why version 1 is corrected")

    def test_a_published_version_does_not_change_when_records_do(self) -> None:
        version = PublishedFactsheet.publish(FIRST, LAST, by=self.admin)
        self.unlock_published()
        self.approved(make_reach(self.darien, self.field_a, date=LAST, people_reached=7))
        version.refresh_from_db()
        self.assertEqual(version.figures["communications"]["reached"], 150)


class CorrectionTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.first = PublishedFactsheet.publish(FIRST, LAST, by=cls.admin)
        cls.unlock_published()
        cls.approved(make_reach(cls.darien, cls.field_a, date=LAST, people_reached=7))
        cls.second = PublishedFactsheet.publish(
            FIRST, LAST, by=cls.admin, reason="Faltaba un registro de Instagram"
        )

    def get(self, name: str, version, **query):
        return self.client.get(reverse(name, args=[version.pk]), query)

    def test_the_correction_lists_its_changes_in_the_readers_words_with_its_reason(self):
        self.assertEqual(self.second.version, 2)
        with translation.override("en"):
            changes = self.second.changes()
        self.assertIn(
            {
                "figure": "Communications · people reached through digital media",
                "group": "",
                "before": 150,
                "after": 157,
            },
            changes,
        )
        response = self.get("reports:factsheet", self.second, lang="en")
        self.assertContains(response, "Faltaba un registro de Instagram")
        self.assertContains(response, "Communications · by channel")
        self.assertContains(response, "157")
        self.assertNotContains(response, "communications.reached")
        self.assertEqual(list(PublishedFactsheet.objects.latest_versions()), [self.second])

    def test_the_superseded_page_says_when_by_which_version_and_why(self) -> None:
        response = self.get("reports:factsheet", self.first, lang="en")
        self.assertContains(response, "by version 2")
        self.assertContains(response, "Faltaba un registro de Instagram")
        self.assertContains(response, reverse("reports:factsheet", args=[self.second.pk]))
        self.assertNotContains(self.get("reports:factsheet", self.second), 'id="superseded"')

    def test_the_superseded_json_csv_and_pdf_say_so(self) -> None:
        data = self.get("reports:factsheet_json", self.first).json()
        self.assertEqual(data["superseded"]["by_version"], 2)
        self.assertEqual(data["superseded"]["reason"], "Faltaba un registro de Instagram")
        self.assertEqual(data["superseded"]["at"], self.second.published_at.isoformat())
        self.assertIsNone(self.get("reports:factsheet_json", self.second).json()["superseded"])
        self.assertEqual(
            self.get("reports:factsheet_json", self.second).json()["correction_reason"],
            "Faltaba un registro de Instagram",
        )
        for name in ("reports:factsheet_csv", "reports:factsheet_hxl"):
            content = self.get(name, self.first).content.decode()
            lines = list(csv.reader(io.StringIO(content)))
            value = lines[0].index("value")
            rows = {row[2]: row[value] or row[-1] for row in lines}
            self.assertEqual(rows["superseded.by_version"], "2")
            self.assertEqual(rows["superseded.reason"], "Faltaba un registro de Instagram")
        pdf = self.get("reports:factsheet_pdf", self.first, lang="en").content
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        self.assertIn("by version 2", text)
        self.assertIn("Faltaba un registro de Instagram", text)

    def test_earlier_versions_stay_listed_as_corrected(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("reports:factsheet_list"))
        self.assertContains(response, reverse("reports:factsheet", args=[self.first.pk]))
        self.assertContains(response, reverse("reports:factsheet", args=[self.second.pk]))
        self.assertContains(response, "corrected by a later version", count=1)
