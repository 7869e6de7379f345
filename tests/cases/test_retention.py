"""Retention and erasure: people are anonymised when their data are no longer needed, or on
their request, and every figure stays exactly as it was."""

import datetime
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Beneficiary, Erasure, LegalOrientationCase
from iompanama.models import PersonalDataAccess, Transition
from reports import figures
from reports.disclosure import publishable
from reports.figures import Period
from tests.factories import make_avr_case, make_beneficiary, make_legal_case
from tests.personas import PersonasTestCase
from tests.reports.dataset import FIRST, LAST, DatasetTestCase

# The test's "today": the dataset's cases (2023) are then more than five years old.
TODAY = datetime.date(2029, 6, 1)


def _today():
    return TODAY


class FiguresAfterAnonymisationTest(DatasetTestCase):
    def figures_of(self, period: Period) -> dict:
        exact = figures.factsheet(period)
        return {"exact": exact, "public": publishable(exact)}

    def staff_figures_page(self) -> dict:
        self.login(self.admin)
        response = self.client.get(
            reverse("reports:figures"), {"start": FIRST.isoformat(), "end": LAST.isoformat()}
        )
        return {key: response.context[key] for key in ("figures", "sections")}

    def test_every_published_and_staff_figure_is_identical_after_anonymising_everyone(self):
        periods = [Period(FIRST, LAST), Period.year(2023), Period.month(2023, 9)]
        before = [self.figures_of(period) for period in periods]
        page_before = self.staff_figures_page()
        for person in Beneficiary.objects.all():
            person.anonymise(by=self.admin, reason="Test")
        self.assertFalse(Beneficiary.objects.filter(anonymised_at__isnull=True).exists())
        self.assertEqual([self.figures_of(period) for period in periods], before)
        self.assertEqual(self.staff_figures_page(), page_before)


class AnonymiseTest(PersonasTestCase):
    def setUp(self) -> None:
        self.person = make_beneficiary(
            self.darien,
            self.field_a,
            date_of_birth=datetime.date(1990, 5, 17),
            document_type=Beneficiary.DocumentType.PASSPORT,
            document_number="AB 123456",
            phone="+507 6000-0000",
            survivor_of_trafficking_or_violence=True,
            external_id="P-1",
        )
        self.case = make_legal_case(self.person, self.field_a, outcome="María obtuvo su permiso")
        self.case.sessions.update(notes="María vive en Curundú")
        self.case.submit(by=self.field_a)
        self.case.return_to_author(by=self.supervisor_a, reason="María: falta la fecha")

    def test_names_document_contact_vulnerabilities_and_free_text_are_removed(self) -> None:
        self.person.anonymise(by=self.admin, reason="Pedido del 3/5")
        person = Beneficiary.objects.get(pk=self.person.pk)
        self.assertEqual(
            (person.given_names, person.family_names, person.name_key, person.date_of_birth),
            ("", "", "", None),
        )
        self.assertEqual((person.document_number, person.phone, person.external_id), ("", "", ""))
        self.assertFalse(person.survivor_of_trafficking_or_violence)
        case = LegalOrientationCase.objects.get(pk=self.case.pk)
        self.assertEqual(case.outcome, "")
        self.assertEqual(list(case.sessions.values_list("notes", flat=True)), [""])
        self.assertNotIn("María", str(list(Transition.objects.values_list("reason", flat=True))))

    def test_sex_nationality_residence_and_an_age_band_are_kept(self) -> None:
        with mock.patch("django.utils.timezone.localdate", _today):
            self.person.anonymise(by=self.admin, reason="Pedido")
        person = Beneficiary.objects.get(pk=self.person.pk)
        self.assertEqual((person.sex, person.nationality.code), ("female", "VE"))
        self.assertEqual(person.residence_country.code, "VE")
        self.assertEqual(person.estimated_age, 25)  # 39 years old in 2029: the 25-39 band

    def test_the_history_keeps_nothing_of_the_person(self) -> None:
        self.person.anonymise(by=self.admin, reason="Pedido")
        self.assertFalse(self.person.history.exists())
        outcomes = LegalOrientationCase.history.filter(id=self.case.pk).values_list(
            "outcome", flat=True
        )
        self.assertEqual(set(outcomes), {""})

    def test_it_is_recorded_with_who_when_and_why(self) -> None:
        self.person.anonymise(by=self.admin, reason="Pedido del 3/5", on_request=True)
        erasure = Erasure.objects.get()
        self.assertEqual(
            (erasure.person, erasure.by, erasure.reason, erasure.on_request),
            (self.person, self.admin, "Pedido del 3/5", True),
        )
        self.assertEqual(str(Beneficiary.objects.get()), f"Persona anonimizada {self.person.pk}")


@mock.patch("django.utils.timezone.localdate", _today)
class RetentionCommandTest(PersonasTestCase):
    def setUp(self) -> None:
        past = timezone.now() - datetime.timedelta(days=8 * 365)
        # Their only case closed in 2023: due.
        self.closed = make_beneficiary(self.darien, self.field_a, given_names="Cerrado")
        make_legal_case(self.closed, self.field_a, is_closed=True)
        # Their case is still open: kept.
        self.open = make_beneficiary(self.darien, self.field_a, given_names="Abierto")
        make_legal_case(self.open, self.field_a)
        # Returned in 2023 with a family member: both due.
        self.returned = make_beneficiary(self.darien, self.field_a, given_names="Retornado")
        self.family = make_beneficiary(self.darien, self.field_a, given_names="Familiar")
        make_avr_case(
            self.returned,
            self.field_a,
            family=[self.family],
            approval_date=datetime.date(2023, 8, 20),
            departure_date=datetime.date(2023, 9, 1),
        )
        # A session of a closed case inside the retention period: kept.
        self.recent = make_beneficiary(self.darien, self.field_a, given_names="Reciente")
        recent = make_legal_case(self.recent, self.field_a, is_closed=True)
        recent.sessions.create(
            date=datetime.date(2026, 1, 5), topic_migration=True, counsellor="Lcda. Ríos"
        )
        Beneficiary.objects.update(created_at=past)
        self.old_access = PersonalDataAccess.objects.create(
            by=self.admin,
            action="view",
            content_type_id=_content_type_of(Beneficiary),
            object_id=self.closed.pk,
            path="/",
        )
        PersonalDataAccess.objects.filter(pk=self.old_access.pk).update(at=past)

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("retention", *args, stdout=out)
        return out.getvalue()

    def anonymised(self) -> set[int]:
        return set(
            Beneficiary.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)
        )

    def test_people_whose_last_case_closed_before_the_period_are_anonymised(self) -> None:
        output = self.run_command()
        self.assertEqual(self.anonymised(), {self.closed.pk, self.returned.pk, self.family.pk})
        self.assertIn("Anonymised 3 people", output)
        self.assertEqual(Erasure.objects.filter(by=None, on_request=False).count(), 3)

    def test_old_access_log_rows_are_deleted(self) -> None:
        self.run_command()
        self.assertFalse(PersonalDataAccess.objects.filter(pk=self.old_access.pk).exists())

    def test_a_dry_run_says_what_it_would_do_and_changes_nothing(self) -> None:
        output = self.run_command("--dry-run")
        self.assertIn("Would anonymise 3 people", output)
        self.assertIn("delete 1 access log rows", output)
        self.assertEqual(self.anonymised(), set())
        self.assertTrue(PersonalDataAccess.objects.filter(pk=self.old_access.pk).exists())

    @override_settings(RETENTION_BENEFICIARY_YEARS=10)
    def test_the_period_is_a_setting(self) -> None:
        self.run_command()
        self.assertEqual(self.anonymised(), set())


class ErasureOnRequestTest(PersonasTestCase):
    def test_an_administrator_erases_a_person_with_a_reason(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        self.login(self.admin)
        url = reverse("admin:cases_beneficiary_erase", args=[person.pk])
        self.assertEqual(self.client.post(url, {"reason": ""}).status_code, 200)
        self.assertIsNone(Beneficiary.objects.get().anonymised_at)
        response = self.client.post(url, {"reason": "Pedido escrito del 3/5/2024"})
        self.assertRedirects(response, reverse("admin:cases_beneficiary_change", args=[person.pk]))
        erasure = Erasure.objects.get()
        self.assertEqual(
            (erasure.by, erasure.on_request, erasure.reason),
            (self.admin, True, "Pedido escrito del 3/5/2024"),
        )
        self.assertIsNotNone(Beneficiary.objects.get().anonymised_at)

    def test_only_administrators_may_erase(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        self.login(self.supervisor_a)
        url = reverse("admin:cases_beneficiary_erase", args=[person.pk])
        self.client.post(url, {"reason": "No"})
        self.assertFalse(Erasure.objects.exists())


def _content_type_of(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk
