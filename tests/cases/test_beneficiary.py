import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Beneficiary
from tests.factories import make_beneficiary
from tests.personas import PersonasTestCase


def beneficiary_data(site, taken_by, /, **changes) -> dict:
    """What the registration form posts for a new person."""
    return {
        "site": site.pk,
        "given_names": "Yolanda",
        "family_names": "Martínez Ruiz",
        "sex": "female",
        "date_of_birth": "1985-02-11",
        "nationality": "CO",
        "residence_country": "CO",
        "document_type": "passport",
        "document_number": "ax 123-456",
        "phone": "+507 6123 4567",
        "pregnant_or_lactating": "on",
        "consent_given": "on",
        "consent_date": "2023-09-01",
        "consent_taken_by": taken_by.pk,
    } | changes


class ModelTest(PersonasTestCase):
    def _person(self, **fields) -> Beneficiary:
        return Beneficiary(
            **{
                "site": self.darien,
                "given_names": "Ana",
                "family_names": "Ríos",
                "sex": "female",
                "date_of_birth": datetime.date(1990, 1, 1),
                "nationality": "VE",
                "residence_country": "VE",
                "consent_given": True,
                "consent_date": datetime.date(2023, 9, 1),
                "consent_taken_by": self.field_a,
                "created_by": self.field_a,
            }
            | fields
        )

    def _errors(self, person: Beneficiary) -> dict:
        with self.assertRaises(ValidationError) as raised:
            person.full_clean()
        return raised.exception.message_dict

    def test_a_person_without_consent_is_refused_on_the_consent_field(self) -> None:
        self.assertIn("consent_given", self._errors(self._person(consent_given=False)))

    def test_consent_needs_its_date_and_who_took_it(self) -> None:
        errors = self._errors(self._person(consent_date=None, consent_taken_by=None))
        self.assertIn("consent_date", errors)
        self.assertIn("consent_taken_by", errors)

    def test_a_person_needs_a_date_of_birth_or_an_estimated_age(self) -> None:
        errors = self._errors(self._person(date_of_birth=None))
        self.assertIn("date_of_birth", errors)
        self._person(date_of_birth=None, estimated_age=34).full_clean()

    def test_a_date_of_birth_in_the_future_is_refused(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        self.assertIn("date_of_birth", self._errors(self._person(date_of_birth=tomorrow)))

    def test_a_document_number_needs_its_type(self) -> None:
        self.assertIn("document_type", self._errors(self._person(document_number="123")))

    def test_the_database_refuses_a_person_without_consent(self) -> None:
        person = self._person(consent_given=False)
        with self.assertRaises(IntegrityError), transaction.atomic():
            person.register(by=self.field_a)

    def test_registering_keeps_the_normalised_name_and_document(self) -> None:
        person = self._person(
            given_names=" José  Ángel", family_names="Núñez", document_type="passport"
        )
        person.document_number = "ab 12-34"
        person.register(by=self.field_a)
        person.refresh_from_db()
        self.assertEqual(person.name_key, "joseangelnunez")
        self.assertEqual(person.document_number, "AB1234")
        self.assertEqual(person.history.get().history_user, self.field_a)


class CreateTest(PersonasTestCase):
    url = reverse("cases:beneficiary_create")

    def test_field_staff_register_a_person_of_their_site(self) -> None:
        self.login(self.field_a)
        response = self.client.post(self.url, beneficiary_data(self.darien, self.field_a))
        person = Beneficiary.objects.get()
        self.assertRedirects(response, person.get_absolute_url())
        self.assertEqual((person.created_by, person.site), (self.field_a, self.darien))
        self.assertEqual(person.document_number, "AX123456")
        with translation.override("en"):
            self.assertEqual(person.vulnerabilities, ["pregnant or lactating"])

    def test_without_consent_nothing_is_saved_and_the_consent_field_says_why(self) -> None:
        self.login(self.field_a)
        data = beneficiary_data(self.darien, self.field_a)
        del data["consent_given"]
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("consent_given", response.context["form"].errors)
        self.assertFalse(Beneficiary.objects.exists())

    def test_bad_input_is_refused_on_its_field(self) -> None:
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        cases = {
            "site": {"site": self.chiriqui.pk},
            "date_of_birth": {"date_of_birth": ""},
            "consent_date": {"consent_date": tomorrow},
            "nationality": {"nationality": "XX"},
            "consent_taken_by": {"consent_taken_by": self.field_b.pk},
        }
        self.login(self.field_a)
        for field, changes in cases.items():
            with self.subTest(field=field):
                response = self.client.post(
                    self.url, beneficiary_data(self.darien, self.field_a, **changes)
                )
                self.assertIn(field, response.context["form"].errors)
        self.assertFalse(Beneficiary.objects.exists())

    def test_country_names_are_shown_in_the_persons_language(self) -> None:
        self.login(self.field_a)
        self.assertContains(self.client.get(self.url), "Haití")


class EditTest(PersonasTestCase):
    def test_staff_of_the_site_correct_the_data_and_the_change_is_kept_in_history(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        self.login(self.supervisor_a)
        data = beneficiary_data(
            self.darien, self.field_a, given_names="María Josefa", seen_version=person.version
        )
        response = self.client.post(person.get_edit_url(), data)
        self.assertRedirects(response, person.get_absolute_url())
        person.refresh_from_db()
        self.assertEqual(person.name_key, "mariajosefamartinezruiz")
        self.assertEqual(person.history.latest().history_user, self.supervisor_a)
        self.assertContains(self.client.get(person.get_absolute_url()), "María Josefa")

    def test_the_second_of_two_saves_is_refused_and_nothing_is_overwritten(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        opened = person.version
        self.login(self.supervisor_a)
        self.client.post(
            person.get_edit_url(),
            beneficiary_data(self.darien, self.field_a, phone="6000-0001", seen_version=opened),
        )
        self.login(self.field_a)
        response = self.client.post(
            person.get_edit_url(),
            beneficiary_data(self.darien, self.field_a, phone="6000-0002", seen_version=opened),
        )
        self.assertContains(response, "Otra persona modificó este registro")
        person.refresh_from_db()
        self.assertEqual(person.phone, "6000-0001")
