"""A person is entered once: the registration form warns of a likely duplicate first.

These run on SQLite and on PostgreSQL: the comparison is made on keys computed in Python."""

from django.urls import reverse

from cases.models import Beneficiary
from tests.cases.test_beneficiary import beneficiary_data
from tests.factories import make_beneficiary
from tests.personas import PersonasTestCase


class DuplicateTest(PersonasTestCase):
    url = reverse("cases:beneficiary_create")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # María José Pérez Gómez, born 17/05/1990, Venezuelan, no document.
        cls.known = make_beneficiary(cls.darien, cls.field_a)

    def _data(self, **changes) -> dict:
        """The known person's data as the form posts them."""
        return (
            beneficiary_data(
                self.darien,
                self.field_a,
                given_names="María José",
                family_names="Pérez Gómez",
                date_of_birth="1990-05-17",
                nationality="VE",
                document_number="",
                document_type="",
            )
            | changes
        )

    def _post(self, **changes):
        return self.client.post(self.url, self._data(**changes))

    def test_the_same_names_written_differently_are_a_likely_duplicate(self) -> None:
        self.login(self.field_a)
        for given, family in [
            ("Maria Jose", "Perez Gomez"),
            ("MARÍA JOSÉ", "PÉREZ GÓMEZ"),
            ("  maría   josé ", "pérez  gómez"),
            ("Mariajose", "Pérez Gómez"),
        ]:
            with self.subTest(given=given, family=family):
                response = self._post(given_names=given, family_names=family)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].duplicates, [self.known])
                self.assertIn("not_a_duplicate", response.context["form"].errors)
                self.assertContains(response, self.known.get_absolute_url())
        self.assertEqual(Beneficiary.objects.count(), 1)

    def test_the_same_document_is_a_likely_duplicate_whatever_the_names(self) -> None:
        self.known.document_type = Beneficiary.DocumentType.PASSPORT
        self.known.document_number = "V-12.345.678"
        self.known.save_changes(by=self.field_a, seen_version=self.known.version)
        self.login(self.field_a)
        response = self._post(
            given_names="Otra",
            family_names="Persona",
            date_of_birth="1970-01-01",
            document_type="passport",
            document_number="v 12345678",
        )
        self.assertEqual(response.context["form"].duplicates, [self.known])

    def test_another_date_of_birth_or_nationality_is_not_a_duplicate(self) -> None:
        self.login(self.field_a)
        for changes in [{"date_of_birth": "1990-05-18"}, {"nationality": "CO"}]:
            with self.subTest(**changes):
                response = self._post(**changes)
                self.assertEqual(response.status_code, 302)

    def test_it_saves_after_saying_it_is_a_different_person(self) -> None:
        self.login(self.field_a)
        response = self._post(not_a_duplicate="on")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Beneficiary.objects.count(), 2)

    def test_a_duplicate_at_another_site_is_counted_but_not_shown(self) -> None:
        self.login(self.field_b)
        response = self._post(site=self.chiriqui.pk, consent_taken_by=self.field_b.pk)
        form = response.context["form"]
        self.assertEqual((form.duplicates, form.hidden_duplicates), ([], 1))
        self.assertNotContains(response, self.known.get_absolute_url())
        self.assertEqual(Beneficiary.objects.count(), 1)

    def test_editing_a_person_does_not_find_them_a_duplicate_of_themselves(self) -> None:
        self.login(self.field_a)
        response = self.client.post(
            self.known.get_edit_url(),
            self._data(phone="+507 6000", seen_version=self.known.version),
        )
        self.assertRedirects(response, self.known.get_absolute_url())
