"""Names, documents and contacts are seen only by staff whose sites include the person's site."""

from django.urls import reverse

from cases.models import Beneficiary
from tests.cases.test_beneficiary import beneficiary_data
from tests.factories import make_avr_case, make_beneficiary, make_legal_case
from tests.personas import PersonasTestCase


class ScopingTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_beneficiary(
            cls.darien,
            cls.field_a,
            document_type=Beneficiary.DocumentType.PASSPORT,
            document_number="V12345678",
            phone="+507 6555 1234",
        )

    def test_field_staff_of_another_site_do_not_find_the_person_in_the_list(self) -> None:
        self.login(self.field_b)
        for query in [{}, {"q": "maria"}, {"q": "V12345678"}]:
            with self.subTest(**query):
                response = self.client.get(reverse("cases:beneficiary_list"), query)
                self.assertEqual(response.context["page"].paginator.count, 0)
                self.assertNotContains(response, "Pérez")

    def test_field_staff_of_another_site_can_neither_open_nor_edit_the_person(self) -> None:
        self.login(self.field_b)
        for url in [self.person.get_absolute_url(), self.person.get_edit_url()]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(
            self.person.get_edit_url(),
            beneficiary_data(self.chiriqui, self.field_b, given_names="Cambiado"),
        )
        self.assertEqual(response.status_code, 404)
        self.person.refresh_from_db()
        self.assertEqual(self.person.given_names, "María José")

    def test_a_guessed_address_answers_404_like_one_that_does_not_exist(self) -> None:
        self.login(self.field_b)
        guessed = self.client.get(reverse("cases:beneficiary_detail", args=[self.person.pk]))
        missing = self.client.get(reverse("cases:beneficiary_detail", args=[self.person.pk + 99]))
        self.assertEqual((guessed.status_code, missing.status_code), (404, 404))
        self.assertNotContains(guessed, "Pérez", status_code=404)

    def test_cases_of_another_site_answer_404(self) -> None:
        legal = make_legal_case(self.person, self.field_a)
        avr = make_avr_case(self.person, self.field_a)
        self.login(self.field_b)
        for url in [legal.get_absolute_url(), avr.get_absolute_url(), avr.get_edit_url()]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_person_of_another_site_cannot_be_put_in_a_case(self) -> None:
        self.login(self.field_b)
        response = self.client.post(
            reverse("cases:legal_create"),
            {"site": self.chiriqui.pk, "beneficiary": self.person.pk, "opened_on": "2023-09-01"},
        )
        self.assertIn("beneficiary", response.context["form"].errors)

    def test_viewers_see_no_person(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.get(reverse("cases:beneficiary_list")).status_code, 403)
        self.assertEqual(self.client.get(self.person.get_absolute_url()).status_code, 404)


class PersonPageTest(PersonasTestCase):
    def test_a_persons_page_lists_the_cases_they_appear_in(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        child = make_beneficiary(self.darien, self.field_a, given_names="Luis", estimated_age=7)
        legal = make_legal_case(person, self.field_a)
        avr = make_avr_case(person, self.field_a, family=[child])
        self.login(self.supervisor_a)
        response = self.client.get(person.get_absolute_url())
        self.assertEqual(list(response.context["legal_cases"]), [legal])
        self.assertEqual(list(response.context["avr_cases"]), [avr])
        self.assertContains(response, avr.get_absolute_url())
        child_page = self.client.get(child.get_absolute_url())
        self.assertEqual(list(child_page.context["avr_cases"]), [avr])
        self.assertEqual(list(child_page.context["legal_cases"]), [])
