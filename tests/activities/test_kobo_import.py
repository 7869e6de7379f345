"""KoboToolbox exports of the flow monitoring survey, imported as they come through a form
mapped once: both flavours (labels or XML values), with or without group paths, `;` or `,`,
select-multiple as its own column, as 0/1 columns or both."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.kobo import read_xlsform
from activities.models import KoboForm, SurveyResponse, SurveyRound
from iompanama.models import Province, ReviewStatus
from tests.activities import kobo
from tests.personas import PersonasTestCase

# What the administrator maps: our field ← the form's question.
QUESTIONS = {
    "respondent_id": "_uuid",
    "date": "_submission_time",
    "main_source": "fuente_principal",
    "regular_pathways_info": "vias_regulares",
    "dangers_info": "peligros",
    "first_reason": "motivos",
    "second_reason": "motivos",
    "sex": "sexo",
    "age_group": "edad",
    "nationality": "nacionalidad",
}
URL_NAME = "activities:kobo_import"


class KoboImportTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.form = KoboForm.objects.create(
            name="Monitoreo de flujos Darién", site=cls.darien, form=read_xlsform(kobo.xlsform())
        )
        cls.form.provinces.set([Province.objects.get(code="PA-5")])
        cls.form.remap(QUESTIONS)

    def setUp(self) -> None:
        self.login(self.supervisor_a)

    def upload(self, content: bytes, name: str = "export.csv"):
        url = reverse(URL_NAME, args=[self.form.pk])
        preview = self.client.post(url, {"file": SimpleUploadedFile(name, content)})
        report = preview.context["report"]
        self.assertEqual(report.errors, [])
        self.client.post(url, {"token": preview.context["token"]})
        return report

    def test_the_guessed_choices_need_no_hand_edit(self) -> None:
        choices = KoboForm.objects.get().mapping["choices"]
        self.assertEqual(choices["vias_regulares"], {"si": "yes", "no": "no", "ns_nr": "no_answer"})
        self.assertEqual(
            choices["nacionalidad"], {"venezuela": "VE", "haiti": "HT", "ecuador": "EC"}
        )
        self.assertEqual(choices["motivos"]["ns_nr"], "")

    def test_an_export_with_xml_values_makes_the_months_round_with_its_respondents(self) -> None:
        report = self.upload(kobo.export())
        self.assertEqual((report.created, report.updated), (3, 0))
        self.assertEqual(len(report.warnings), 1)  # the rejected submission
        survey = SurveyRound.objects.get()
        self.assertEqual((survey.site, survey.month), (self.darien, datetime.date(2023, 9, 1)))
        self.assertEqual(survey.status, ReviewStatus.DRAFT)
        self.assertEqual(list(survey.provinces.values_list("code", flat=True)), ["PA-5"])
        first, second, third = survey.responses.order_by("respondent_id")
        self.assertEqual(
            (first.main_source, first.regular_pathways_info, first.dangers_info),
            ("family_friends", "no", "no_answer"),
        )
        self.assertEqual((first.first_reason, first.second_reason), ("economic", "insecurity"))
        self.assertEqual(
            (first.sex, first.age_group, first.nationality.code), ("female", "30-44", "VE")
        )
        self.assertEqual(second.age_group, "18-29")
        self.assertEqual((third.first_reason, third.second_reason), ("family", "economic"))
        self.assertEqual(third.age_group, "60+")
        self.assertTrue(first.respondent_id.startswith("5d1f0c3e-"))

    def test_every_flavour_of_the_same_export_is_the_same_respondents(self) -> None:
        self.upload(kobo.export())
        before = list(SurveyResponse.objects.order_by("pk").values())
        flavours = {
            "labels": kobo.export(labels=True),
            "no groups": kobo.export(groups=False),
            "labels without groups": kobo.export(labels=True, groups=False),
            "commas": kobo.export(separator=","),
            "summary only": kobo.export(labels=True, multiple_select="summary"),
        }
        for flavour, content in flavours.items():
            with self.subTest(flavour):
                report = self.upload(content)
                self.assertEqual((report.created, report.updated, report.unchanged), (0, 0, 3))
        self.assertEqual(list(SurveyResponse.objects.order_by("pk").values()), before)

    def test_select_multiple_as_0_1_columns_alone_is_read(self) -> None:
        report = self.upload(kobo.export(labels=True, multiple_select="details"))
        self.assertEqual(report.created, 3)
        first = SurveyResponse.objects.order_by("respondent_id").first()
        self.assertEqual((first.first_reason, first.second_reason), ("economic", "insecurity"))

    def test_an_approved_round_takes_its_unchanged_respondents_and_refuses_new_ones(self) -> None:
        self.upload(kobo.export())
        survey = SurveyRound.objects.get()
        survey.submit(by=self.supervisor_a)
        survey.approve(by=self.admin)
        report = self.upload(kobo.export(labels=True))
        self.assertEqual(report.unchanged, 3)
        url = reverse(URL_NAME, args=[self.form.pk])
        changed = kobo.export().replace(b'"mujer";"34"', b'"mujer";"19"')
        preview = self.client.post(url, {"file": SimpleUploadedFile("e.csv", changed)})
        self.assertEqual([error.column for error in preview.context["report"].errors], ["month"])

    def test_a_new_month_gets_its_own_round(self) -> None:
        self.upload(kobo.export())
        report = self.upload(kobo.export(month="2023-10").replace(b"-00000000000", b"-10000000000"))
        self.assertEqual(report.created, 3)
        self.assertEqual(SurveyRound.objects.count(), 2)
