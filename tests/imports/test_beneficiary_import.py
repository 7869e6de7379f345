"""Beneficiaries imported from a file: the pages and rules of every import, the importer as
the one who entered them and took their consent, and likely duplicates shown as warnings."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Beneficiary, name_key
from iompanama.models import Job
from tests.exports.helpers import csv_rows
from tests.factories import make_beneficiary
from tests.imports.helpers import csv_file, xlsx_file
from tests.personas import PersonasTestCase

URL = reverse("cases:beneficiary_import")
TEMPLATE_URL = reverse("cases:beneficiary_import_template")
HEADER = [
    "external_id",
    "site",
    "given_names",
    "family_names",
    "sex",
    "date_of_birth",
    "estimated_age",
    "nationality",
    "residence_country",
    "document_type",
    "document_number",
    "phone",
    "has_disability",
    "consent_given",
    "consent_date",
]
COMPARED = [
    "site_id",
    "given_names",
    "family_names",
    "name_key",
    "sex",
    "date_of_birth",
    "estimated_age",
    "nationality",
    "residence_country",
    "document_type",
    "document_number",
    "phone",
    *Beneficiary.VULNERABILITY_FIELDS,
    "consent_given",
    "consent_date",
]


def person_row(external_id: str, **cells) -> list:
    values = {
        "external_id": external_id,
        "site": "darien-office",
        "given_names": "Ana",
        "family_names": f"Ríos {external_id}",
        "sex": "female",
        "date_of_birth": "1990-05-17",
        "estimated_age": "",
        "nationality": "VE",
        "residence_country": "Venezuela",
        "document_type": "passport",
        "document_number": f"P-{external_id}",
        "phone": "6123-4567",
        "has_disability": "no",
        "consent_given": "yes",
        "consent_date": "01/09/2023",
    }
    return [(values | cells)[name] for name in HEADER]


def people_file(rows: list[list]):
    return csv_file(rows, header=HEADER)


class BeneficiaryImportTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"

    def upload(self, user, file):
        self.login(user)
        return self.client.post(URL, {"file": file})

    def confirm(self, response):
        return self.client.post(URL, {"token": response.context["token"]})

    def assert_refused(self, response, row: int, column: str, text: str) -> None:
        [error] = response.context["report"].errors
        self.assertEqual((error.number, error.column), (row, column))
        self.assertIn(text, error.message)
        self.assertNotIn("token", response.context)

    def test_a_valid_file_registers_people_entered_and_consented_by_the_importer(self) -> None:
        rows = [
            person_row("B-1", given_names="José  de la", family_names="Cruz", has_disability="yes"),
            person_row("B-2", date_of_birth="", estimated_age="34", document_number="ab 12-3"),
        ]
        response = self.upload(self.supervisor_a, people_file(rows))
        self.assertEqual(response.context["report"].created, 2)
        self.assertFalse(Beneficiary.objects.exists())
        self.assertRedirects(self.confirm(response), reverse("cases:beneficiary_list"))

        first, second = Beneficiary.objects.order_by("external_id")
        self.assertEqual(first.name_key, name_key("José de la", "Cruz"))
        self.assertEqual(first.name_key, "josedelacruz")
        self.assertTrue(first.has_disability)
        self.assertEqual((first.residence_country.code, first.site), ("VE", self.darien))
        self.assertEqual((second.estimated_age, second.document_number), (34, "AB123"))
        for person in (first, second):
            self.assertEqual(person.created_by, self.supervisor_a)
            self.assertEqual(person.consent_taken_by, self.supervisor_a)
            self.assertEqual(person.consent_date, datetime.date(2023, 9, 1))
            [history] = person.history.all()
            self.assertEqual((history.history_type, history.history_user), ("+", self.supervisor_a))
        # Found by the search, which reads the computed keys.
        self.assertEqual(list(Beneficiary.objects.search("jose cruz")), [first])

    def test_importing_the_same_file_again_updates_by_external_id(self) -> None:
        rows = [person_row("B-1")]
        self.confirm(self.upload(self.supervisor_a, people_file(rows)))
        rows = [person_row("B-1", phone="6999-0000", family_names="Ríos Soto")]
        response = self.upload(self.supervisor_a, people_file(rows))
        report = response.context["report"]
        self.assertEqual((report.created, report.updated), (0, 1))
        self.assertEqual(report.warnings, [])  # not a duplicate of itself
        self.confirm(response)
        person = Beneficiary.objects.get()
        self.assertEqual((person.phone, person.name_key), ("6999-0000", "anariossoto"))
        self.assertEqual(person.version, 2)
        self.assertEqual(
            [(entry.history_type, entry.history_user) for entry in person.history.all()],
            [("~", self.supervisor_a), ("+", self.supervisor_a)],
        )

    def test_consent_not_given_is_a_row_error_naming_its_column(self) -> None:
        rows = [person_row("B-1"), person_row("B-2", consent_given="no")]
        response = self.upload(self.supervisor_a, people_file(rows))
        self.assert_refused(response, 3, "consent_given", "only with their informed consent")
        self.assertFalse(Beneficiary.objects.exists())

    def test_an_unknown_country_or_a_wrong_date_of_birth_is_a_row_error(self) -> None:
        rows = [
            person_row("B-1", nationality="Narnia"),
            person_row("B-2", date_of_birth="31/02/1990"),
        ]
        errors = self.upload(self.supervisor_a, people_file(rows)).context["report"].errors
        self.assertEqual(
            [(error.number, error.column) for error in errors],
            [(2, "nationality"), (3, "date_of_birth")],
        )
        self.assertIn("Unknown country “Narnia”", errors[0].message)
        self.assertIn("is not a date", errors[1].message)

    def test_an_external_id_of_a_person_of_another_site_is_refused(self) -> None:
        other = make_beneficiary(self.chiriqui, self.field_b, external_id="B-1")
        response = self.upload(self.supervisor_a, people_file([person_row("B-1")]))
        self.assert_refused(response, 2, "external_id", "belongs to a record of another site")
        other.refresh_from_db()
        self.assertEqual((other.site, other.version), (self.chiriqui, 1))

    def test_an_external_id_also_used_by_another_site_updates_the_importers_own(self) -> None:
        make_beneficiary(self.chiriqui, self.field_b, external_id="B-1")
        own = make_beneficiary(self.darien, self.field_a, external_id="B-1")
        response = self.upload(self.supervisor_a, people_file([person_row("B-1", phone="1")]))
        self.assertEqual(response.context["report"].updated, 1)
        self.confirm(response)
        own.refresh_from_db()
        self.assertEqual(own.phone, "1")

    def test_a_supervisor_importing_a_row_of_a_site_not_theirs_writes_nothing(self) -> None:
        rows = [person_row("B-1"), person_row("B-2", site="los-planes")]
        response = self.upload(self.supervisor_a, people_file(rows))
        self.assert_refused(response, 3, "site", "is not one of your sites")
        self.assertFalse(Beneficiary.objects.exists())

    def test_likely_duplicates_are_warnings_that_do_not_block_the_import(self) -> None:
        stored = make_beneficiary(self.darien, self.field_a)  # María José Pérez Gómez, 1990-05-17
        make_beneficiary(self.chiriqui, self.field_b, given_names="Luis", family_names="Soto")
        rows = [
            person_row("B-1", given_names="maria jose", family_names="PEREZ GÓMEZ"),
            person_row("B-2", given_names="Luis", family_names="Soto"),  # another site's Luis
            person_row("B-3", given_names="Luis", family_names="Soto"),
            person_row(
                "B-4",
                given_names="María José",
                family_names="Pérez Gómez",
                date_of_birth="1991-05-17",
            ),
        ]
        response = self.upload(self.supervisor_a, xlsx_file(rows, header=HEADER))
        report = response.context["report"]
        self.assertEqual(report.errors, [])
        self.assertEqual(
            report.warnings,
            [
                f"Row 2: may be the same person as María José Pérez Gómez (no. {stored.pk}), "
                "already registered at this site with the same date of birth.",
                "Row 4: may be the same person as row 3 of the file.",
            ],
        )
        self.assertContains(response, "Row 4: may be the same person as row 3 of the file.")
        self.confirm(response)
        self.assertEqual(Beneficiary.objects.filter(site=self.darien).count(), 5)

    def test_field_staff_and_viewers_may_not_import(self) -> None:
        for user in (self.field_a, self.viewer):
            self.login(user)
            for url in (URL, TEMPLATE_URL):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
            response = self.client.post(URL, {"file": people_file([person_row("B-1")])})
            self.assertEqual(response.status_code, 403)
        self.assertFalse(Beneficiary.objects.exists())

    def test_the_list_offers_the_import_to_those_who_may_import(self) -> None:
        for user, offered in ((self.field_a, False), (self.supervisor_a, True), (self.admin, True)):
            self.login(user)
            response = self.client.get(reverse("cases:beneficiary_list"))
            self.assertEqual(URL in response.content.decode(), offered, user.username)

    def test_administrators_are_not_offered_to_approve(self) -> None:
        self.login(self.admin)
        self.assertNotIn("approve", self.client.get(URL).context["form"].fields)

    def test_the_template_has_every_column_an_example_and_an_explanation(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.get(TEMPLATE_URL)
        data, guide = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
        header, example = data.iter_rows(values_only=True)
        expected = [name for name in HEADER if name != "has_disability"]
        self.assertEqual([name for name in header if name in expected], expected)
        self.assertEqual(len(header), len(HEADER) + len(Beneficiary.VULNERABILITY_FIELDS) - 1)
        self.assertEqual(example[header.index("consent_given")], "yes")
        explained = {row[0]: row for row in guide.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(set(explained), set(header))
        self.assertIn("taken by you", explained["consent_date"][2])
        self.assertEqual(explained["consent_given"][1], "yes")
        self.assertIn("passport", explained["document_type"][3])

    def test_an_import_of_25_rows_costs_as_many_queries_as_one_of_3(self) -> None:
        make_beneficiary(self.darien, self.field_a)
        self.login(self.supervisor_a)

        def queries(count: int, prefix: str) -> tuple[int, int]:
            # Born on different days: none is a likely duplicate of another.
            rows = [
                person_row(
                    f"{prefix}-{n}", given_names=f"Ana {n}", date_of_birth=f"{1950 + n}-01-01"
                )
                for n in range(count)
            ]
            with CaptureQueriesContext(connection) as checking:
                response = self.client.post(URL, {"file": people_file(rows)})
            with CaptureQueriesContext(connection) as writing:
                self.assertEqual(self.confirm(response).status_code, 302)
            return len(checking), len(writing)

        # 25: SQLite takes at most 999 values in one statement, and a person's version has 36.
        self.assertEqual(queries(3, "S"), queries(25, "LX"))
        self.assertEqual(Beneficiary.objects.count(), 29)

    @override_settings(IMPORT_BACKGROUND_ROWS=1)
    def test_a_big_file_is_imported_by_background_jobs(self) -> None:
        self.login(self.supervisor_a)
        rows = [person_row("B-1"), person_row("B-2")]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(URL, {"file": people_file(rows)})
        job = Job.objects.get()
        self.assertRedirects(response, job.get_absolute_url())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("job_confirm", args=[job.pk]))
        self.assertEqual(Beneficiary.objects.filter(created_by=self.supervisor_a).count(), 2)
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, reverse("cases:beneficiary_list"))


class BeneficiaryRoundTripTest(PersonasTestCase):
    def test_people_exported_then_deleted_are_imported_back_the_same(self) -> None:
        self.client.cookies["django_language"] = "en"
        make_beneficiary(
            self.darien,
            self.field_a,
            phone="+507 6123-4567",
            document_type=Beneficiary.DocumentType.PASSPORT,
            document_number="AB-123",
            pregnant_or_lactating=True,
        )
        make_beneficiary(
            self.chiriqui,
            self.field_b,
            given_names="Luis",
            family_names="=Soto",
            sex="male",
            date_of_birth=None,
            estimated_age=41,
            nationality="CO",
            residence_country="PA",
            has_disability=True,
            other_vulnerability=True,
            consent_date=datetime.date(2023, 8, 2),
        )
        before = list(Beneficiary.objects.order_by("given_names").values(*COMPARED))
        self.client.force_login(self.admin)
        response = self.client.get(reverse("cases:beneficiary_export", args=["csv"]))
        exported = csv_rows(response)
        self.assertEqual(exported[0][:3], ["External ID", "Site", "Given names"])
        content = "\n".join(",".join(f'"{cell}"' for cell in row) for row in exported)
        Beneficiary.objects.all().delete()

        upload = self.client.post(URL, {"file": SimpleUploadedFile("e.csv", content.encode())})
        self.assertEqual(upload.context["report"].errors, [])
        self.client.post(URL, {"token": upload.context["token"]})
        after = list(Beneficiary.objects.order_by("given_names").values(*COMPARED))
        self.assertEqual(after, before)
        self.assertEqual(after[1]["phone"], "+507 6123-4567")
