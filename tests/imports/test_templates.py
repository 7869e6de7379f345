"""Each import template, filled with its own example row, imports as it is."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from activities.models import Donor
from iompanama.files.widgets import ChoiceWidget
from iompanama.models import Sex
from iompanama.roles import Role
from tests.factories import make_user
from tests.personas import PersonasTestCase

# People first: the cases' example rows name the example person.
KINDS = [
    "cases:beneficiary",
    "cases:legal",
    "cases:avr",
    "activities:reach",
    "activities:medical",
    "activities:flow",
    "activities:training",
    "activities:donation",
]


class TemplateTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Supervisor of Chiriquí: imports for Chiriquí's sites, none of which the examples of
        # the column help name.
        cls.supervisor_b = make_user(
            "supervisor_b", Role.SUPERVISOR, [cls.chiriqui, cls.chiriqui_etrm]
        )
        Donor.objects.create(name="Unión Europea", kind=Donor.Kind.DIRECT)

    def upload_template(self, url_name: str):
        template = self.client.get(reverse(f"{url_name}_import_template"))
        url = reverse(f"{url_name}_import")
        upload = SimpleUploadedFile("template.xlsx", template.content)
        preview = self.client.post(url, {"file": upload})
        return url, preview

    def import_each_template(self) -> None:
        for url_name in KINDS:
            with self.subTest(url_name):
                url, preview = self.upload_template(url_name)
                if preview.status_code == 403:
                    continue  # a kind this person does not import
                report = preview.context["report"]
                self.assertEqual(report.errors, [])
                self.assertEqual(report.created, 1)
                self.client.post(url, {"token": preview.context["token"]})

    def test_each_template_imports_unchanged_for_a_supervisor_of_other_sites(self) -> None:
        self.login(self.supervisor_b)
        self.import_each_template()

    @override_settings(LANGUAGE_CODE="en")
    def test_each_template_imports_unchanged_in_english(self) -> None:
        self.login(self.admin)
        self.import_each_template()

    def test_each_template_imports_unchanged_for_an_administrator(self) -> None:
        self.login(self.admin)
        self.import_each_template()

    def test_each_example_is_one_of_the_allowed_values_the_guide_lists(self) -> None:
        self.login(self.supervisor_b)
        for url_name in KINDS:
            template = self.client.get(reverse(f"{url_name}_import_template"))
            if template.status_code == 403:
                continue
            guide = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[1]
            for name, _required, _help, allowed, example in guide.iter_rows(
                min_row=2, values_only=True
            ):
                if allowed and example:
                    with self.subTest(url_name, column=name):
                        separator = ";" if ";" in allowed else ","
                        values = [value.strip() for value in allowed.split(separator)]
                        self.assertIn(example, values)


class ChoiceWordsTest(PersonasTestCase):
    def test_a_choice_is_read_by_its_code_or_its_label_in_either_language(self) -> None:
        widget = ChoiceWidget(Sex)
        for language in ("es", "en"):
            with self.subTest(language), translation.override(language):
                for word in ("female", "Female", "Femenino", "FEMENINO"):
                    self.assertEqual(widget.clean(word), Sex.FEMALE)


class TemplateDatesTest(PersonasTestCase):
    def test_the_examples_dates_are_date_cells(self) -> None:
        self.login(self.admin)
        template = self.client.get(reverse("activities:reach_import_template"))
        sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
        header = [cell.value for cell in sheet[1]]
        self.assertIsInstance(sheet.cell(2, header.index("date") + 1).value, datetime.datetime)
