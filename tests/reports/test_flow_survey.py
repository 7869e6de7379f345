"""The DTM section reports the latest survey round up to the period's end, named by its month
and provinces, and writes its reasons for migrating as a sentence."""

import datetime

from django.urls import reverse

from activities.models import SurveyResponse
from iompanama.models import Province, Sex
from reports import figures
from reports.figures import Period
from reports.models import PublishedFactsheet
from tests.factories import make_survey_round
from tests.reports.dataset import DatasetTestCase

AUGUST_SEPTEMBER = Period(datetime.date(2023, 8, 1), datetime.date(2023, 9, 30))


class LatestRoundTest(DatasetTestCase):
    def test_a_period_without_a_round_reports_the_latest_one_before_it(self) -> None:
        # The dataset's rounds: July 2023 (10 respondents) and October 2023 (7).
        survey = figures.flow_survey(AUGUST_SEPTEMBER)
        self.assertEqual((survey["round_month"], survey["respondents"]), ("2023-07", 10))

    def test_a_round_after_the_period_is_not_used(self) -> None:
        survey = figures.flow_survey(Period.month(2023, 10))
        self.assertEqual((survey["round_month"], survey["respondents"]), ("2023-10", 7))

    def test_only_the_latest_months_rounds_count(self) -> None:
        self.assertIsNone(figures.flow_survey(Period.month(2023, 6)))
        survey = figures.flow_survey(Period.quarter(2023, 4))
        self.assertEqual(survey["respondents"], 7)

    def test_the_figures_page_lists_the_round_it_counts(self) -> None:
        self.login(self.admin)
        response = self.client.get(
            reverse("reports:figures"), {"start": "2023-08-01", "end": "2023-09-30"}
        )
        survey = response.context["sections"]["flow_survey"]
        self.assertIn("date_from=2023-07-01", survey["approved_url"])
        self.assertIn("date_to=2023-07-31", survey["approved_url"])


class SurveySentenceTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.unlock_published()
        june = make_survey_round(cls.darien, cls.field_a, month=datetime.date(2023, 6, 1))
        june.provinces.set(Province.objects.filter(code__in=["PA-5", "PA-4"]))
        # 40 respondents: economic first for 30, insecurity second for 35 (of 35 who gave one).
        SurveyResponse.objects.bulk_create(
            SurveyResponse(
                round=june,
                main_source="family_friends",
                regular_pathways_info="no",
                dangers_info="no",
                first_reason="economic" if i < 30 else "family",
                second_reason="insecurity" if i < 35 else "",
                sex=Sex.FEMALE,
                age_group="18-29",
                nationality="VE",
            )
            for i in range(40)
        )
        cls.approved(june)
        cls.version = PublishedFactsheet.publish(
            datetime.date(2023, 6, 1), datetime.date(2023, 6, 30), by=cls.admin
        )

    def test_the_round_is_named_and_the_reasons_are_a_sentence(self) -> None:
        url = reverse("reports:factsheet", args=[self.version.pk])
        english = self.client.get(url, {"lang": "en"}).content.decode()
        self.assertIn(
            "According to the results of the June 2023 Flow Monitoring Survey conducted in "
            "Chiriquí and Darién (40 respondents)",
            english,
        )
        self.assertIn(
            "The main motivation for migration among respondents is economic, while the second "
            "is insecurity or violence.",
            english,
        )
        spanish = self.client.get(url, {"lang": "es"}).content.decode()
        self.assertIn("junio de 2023", spanish)
        self.assertIn("Chiriquí y Darién", spanish)
