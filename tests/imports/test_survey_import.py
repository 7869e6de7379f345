from django.urls import reverse

from activities.models import SurveyResponse
from tests.factories import make_survey_round
from tests.imports.helpers import csv_file
from tests.personas import PersonasTestCase

HEADER = [
    "respondent_id",
    "main_source",
    "regular_pathways_info",
    "dangers_info",
    "first_reason",
    "second_reason",
    "sex",
    "age_group",
    "nationality",
]


class SurveyImportTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.survey = make_survey_round(cls.darien, cls.field_a)
        cls.url = reverse("activities:survey_respondents_import", args=[cls.survey.pk])

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.field_a)

    def upload(self, rows):
        return self.client.post(self.url, {"file": csv_file(rows, HEADER)})

    def test_the_survey_tools_codes_are_mapped_to_our_answers(self) -> None:
        rows = [
            [
                "K-1",
                "familia_amigos",
                "0",
                "1",
                "economica",
                "inseguridad",
                "F",
                "18-29",
                "Venezuela",
            ]
        ]
        response = self.upload(rows)
        self.client.post(self.url, {"token": response.context["token"]})
        answer = SurveyResponse.objects.get(round=self.survey)
        self.assertEqual(
            (
                answer.main_source,
                answer.regular_pathways_info,
                answer.dangers_info,
                answer.sex,
                answer.nationality.code,
            ),
            ("family_friends", "no", "yes", "female", "VE"),
        )

    def test_importing_the_same_respondents_again_updates_them(self) -> None:
        rows = [["K-1", "otro", "0", "1", "economica", "", "M", "30-44", "CO"]]
        for _ in range(2):
            response = self.upload(rows)
            self.client.post(self.url, {"token": response.context["token"]})
        self.assertEqual(self.survey.responses.count(), 1)

    def test_an_unknown_code_is_a_row_error_naming_it(self) -> None:
        rows = [["K-1", "telepatia", "0", "1", "economica", "", "M", "30-44", "Colombia"]]
        [error] = self.upload(rows).context["report"].errors
        self.assertEqual(error.column, "main_source")
        self.assertIn("telepatia", error.message)
        self.assertFalse(self.survey.responses.exists())

    def test_an_unknown_country_is_a_row_error(self) -> None:
        rows = [["K-1", "otro", "0", "1", "economica", "", "M", "30-44", "Atlantis"]]
        [error] = self.upload(rows).context["report"].errors
        self.assertEqual(
            (error.column, error.message), ("nationality", "Unknown country “Atlantis”.")
        )

    def test_only_who_may_edit_the_round_imports_into_it(self) -> None:
        self.login(self.supervisor_a)
        self.assertEqual(self.client.get(self.url).status_code, 403)
