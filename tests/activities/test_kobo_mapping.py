"""An administrator adds a KoboToolbox form and maps it once, checking the mapping on an
export's first rows; then anyone who imports its site's rounds imports its exports."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import KoboForm, SurveyResponse
from iompanama.models import Province
from tests.activities import kobo
from tests.activities.test_kobo_import import QUESTIONS
from tests.personas import PersonasTestCase

FORMS_URL = reverse("activities:kobo_forms")


class KoboMappingTest(PersonasTestCase):
    def add_form(self) -> KoboForm:
        self.login(self.admin)
        response = self.client.post(
            FORMS_URL,
            {
                "name": "Monitoreo de flujos Darién",
                "site": self.darien.pk,
                "provinces": [Province.objects.get(code="PA-5").pk],
                "xlsform": SimpleUploadedFile("fms.xlsx", kobo.xlsform()),
            },
        )
        form = KoboForm.objects.get()
        self.assertRedirects(response, form.get_absolute_url())
        return form

    def mapping_data(self, form: KoboForm) -> dict:
        """The mapping page's fields as it shows them (their guesses), questions chosen."""
        page = self.client.get(form.get_absolute_url())
        shown = page.context["form"]
        data = {name: shown[name].value() or "" for name in shown.fields if name != "sample"}
        return data | {f"q_{target}": question for target, question in QUESTIONS.items()}

    def test_a_form_added_knows_its_questions_and_the_metadata_of_its_exports(self) -> None:
        form = self.add_form()
        self.assertEqual(
            form.mapping["questions"], {"respondent_id": "_uuid", "date": "_submission_time"}
        )
        page = self.client.get(form.get_absolute_url())
        self.assertContains(page, "fuente_principal (select_one)")

    def test_the_mapping_is_saved_with_its_choices_guessed_then_corrected(self) -> None:
        form = self.add_form()
        self.client.post(form.get_absolute_url(), self.mapping_data(form))
        form.refresh_from_db()
        self.assertEqual(form.mapping["questions"]["first_reason"], "motivos")
        self.assertEqual(form.mapping["choices"]["sexo"]["mujer"], "female")
        data = self.mapping_data(form) | {"c_fuente_principal|redes": "news"}
        self.client.post(form.get_absolute_url(), data)
        form.refresh_from_db()
        self.assertEqual(form.mapping["choices"]["fuente_principal"]["redes"], "news")

    def test_the_first_rows_of_an_export_show_what_would_be_imported(self) -> None:
        form = self.add_form()
        self.client.post(form.get_absolute_url(), self.mapping_data(form))
        sample = SimpleUploadedFile("export.csv", kobo.export(labels=True))
        page = self.client.post(
            form.get_absolute_url(), self.mapping_data(form) | {"sample": sample}
        )
        preview = page.context["preview"]
        self.assertEqual(
            preview["rows"][0][1:4],
            ["5d1f0c3e-7a0b-4c4e-9a55-000000000001", "family_friends", "no"],
        )
        self.assertEqual(preview["rejected"], {3})
        self.assertFalse(SurveyResponse.objects.exists())  # a preview imports nothing

    def test_supervisors_import_but_do_not_map(self) -> None:
        form = self.add_form()
        self.login(self.supervisor_a)
        page = self.client.get(FORMS_URL)
        self.assertContains(page, reverse("activities:kobo_import", args=[form.pk]))
        self.assertNotContains(page, form.get_absolute_url() + '"')
        self.assertEqual(self.client.get(form.get_absolute_url()).status_code, 403)
        self.assertEqual(self.client.post(FORMS_URL, {"name": "x"}).status_code, 403)
