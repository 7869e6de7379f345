"""Charts draw public numbers only, and survey results are percentages of enough answers."""

import datetime
import re

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from activities.models import SurveyResponse
from iompanama.models import Sex
from reports import charts
from reports.disclosure import SMALL, TOO_FEW, WITHHELD, ranking, share
from reports.models import PublishedFactsheet
from tests.factories import make_survey_round
from tests.reports.dataset import DatasetTestCase


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


class ChartTest(SimpleTestCase):
    def test_a_hidden_slice_is_named_as_hidden_not_drawn_as_nothing(self) -> None:
        workshop = {"by_sex": {"female": 51, "male": WITHHELD, "other": SMALL}}
        with translation.override("en"):
            texts = _texts(charts.participants_by_sex(workshop))
        self.assertIn("Men: withheld", texts)
        self.assertIn("Other or not stated: fewer than 5", texts)
        self.assertNotIn("100%", " ".join(texts))

    def test_other_appears_once_in_a_ranking(self) -> None:
        groups = [
            {"code": "facebook", "value": 10},
            {"code": "other", "value": 5},
            {"code": "radio", "value": 2},
        ]
        self.assertEqual(
            ranking(groups), [{"code": "facebook", "value": 10}, {"code": "other", "value": 7}]
        )

    def test_a_percentage_is_never_fewer_than_5(self) -> None:
        self.assertEqual(share(6, 8, 75.0), WITHHELD)


class SurveyTest(DatasetTestCase):
    def test_a_survey_with_fewer_than_30_answers_is_too_few_to_report(self) -> None:
        # The dataset's July round: 10 respondents.
        version = PublishedFactsheet.publish(
            datetime.date(2023, 7, 1), datetime.date(2023, 9, 30), by=self.admin
        )
        survey = version.figures["flow_survey"]
        self.assertEqual(survey["percent_family_friends"], TOO_FEW)
        self.assertEqual(survey["first_reasons"], TOO_FEW)
        response = self.client.get(reverse("reports:factsheet", args=[version.pk]), {"lang": "en"})
        self.assertContains(response, "too few responses to report")
        html = response.content.decode()
        dtm = html[html.index('id="dtm"') : html.index('id="capacities"')]
        self.assertNotIn("fewer than 5", dtm)

    def test_with_enough_answers_percentages_and_the_ranking_of_reasons_are_kept(self) -> None:
        august = make_survey_round(self.darien, self.field_a, month=datetime.date(2023, 8, 1))
        # 40 respondents: 32 informed by family (80%), economic 25, insecurity 12, family 3.
        answers = [("economic", 25), ("insecurity", 12), ("family", 3)]
        SurveyResponse.objects.bulk_create(
            SurveyResponse(
                round=august,
                main_source="family_friends" if i < 32 else "social_media",
                regular_pathways_info="no" if i < 25 else "yes",
                dangers_info="no",
                first_reason=reason,
                sex=Sex.FEMALE,
                age_group="18-29",
                nationality="VE",
            )
            for i, reason in enumerate(r for r, n in answers for _ in range(n))
        )
        self.approved(august)
        version = PublishedFactsheet.publish(
            datetime.date(2023, 8, 1), datetime.date(2023, 8, 31), by=self.admin
        )
        survey = version.figures["flow_survey"]
        self.assertEqual(survey["percent_family_friends"], 80.0)
        self.assertEqual(survey["percent_without_pathways_info"], 62.5)
        self.assertEqual(survey["percent_without_dangers_info"], 100.0)
        self.assertEqual(
            survey["first_reasons"],
            [
                {"code": "economic", "value": 62.5},
                {"code": "insecurity", "value": 30.0},
                {"code": "other", "value": 7.5},
            ],
        )
        response = self.client.get(reverse("reports:factsheet", args=[version.pk]), {"lang": "en"})
        self.assertContains(response, "63%")  # 62.5, half up
        # As the reference writes it: a sentence, not a table.
        self.assertContains(
            response, "The main motivation for migration among respondents is economic"
        )
