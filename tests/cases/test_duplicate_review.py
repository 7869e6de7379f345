"""Duplicates as a decision: likely pairs are kept for a supervisor or administrator, who
records "different people" (never proposed again) or "same person" (a merge to review).

The pairs are found when a person is registered, edited or imported, by the document, or by
close names with a birth that fits (the same date, or estimated ages within a tolerance)."""

import datetime
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Beneficiary, PersonMerge, PossibleDuplicate
from tests.factories import make_beneficiary
from tests.imports.helpers import xlsx_file
from tests.imports.test_beneficiary_import import HEADER, URL, person_row
from tests.personas import PersonasTestCase

QUEUE = reverse("cases:duplicate_queue")


class ProposedPairsTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # María José Pérez Gómez, born 17/05/1990, Venezuelan, no document.
        cls.known = make_beneficiary(cls.darien, cls.field_a)

    def _register(self, **fields) -> Beneficiary:
        return make_beneficiary(self.darien, self.field_a, **fields)

    def _proposed(self, person: Beneficiary) -> list[Beneficiary]:
        return [
            pair.first if pair.second_id == person.pk else pair.second
            for pair in PossibleDuplicate.objects.involving(person)
        ]

    def test_close_names_of_the_same_birth_and_nationality_are_proposed(self) -> None:
        for fields in [
            {"family_names": "Peres Gómez"},  # one letter apart
            {"given_names": "Maria Josè", "family_names": "Pérez Gomes"},  # accents, one letter
            {"given_names": "Pérez Gómez", "family_names": "María José"},  # swapped
            {"family_names": "Pérez"},  # the second family name missing
        ]:
            with self.subTest(**fields):
                person = self._register(**fields)
                self.assertEqual(self._proposed(person), [self.known])
                person.delete()  # so that the next variant is compared with the known only

    def test_an_estimated_age_is_compared_with_a_tolerance(self) -> None:
        # Consent in 2023: 33 years gives 1990, the known person's year of birth.
        for age, expected in [(33, [self.known]), (35, [self.known]), (36, [])]:
            with self.subTest(age=age):
                person = self._register(family_names="Pérez", date_of_birth=None, estimated_age=age)
                self.assertEqual(self._proposed(person), expected)
                person.delete()

    def test_other_names_births_or_nationalities_are_not_proposed(self) -> None:
        for fields in [
            {"family_names": "Pérez Gómez de Ríos", "given_names": "Ana"},
            {"date_of_birth": datetime.date(1990, 5, 18)},
            {"nationality": "CO"},
            {"family_names": "Ruiz Gómez"},
        ]:
            with self.subTest(**fields):
                person = self._register(**fields)
                self.assertEqual(self._proposed(person), [])
                person.delete()

    def test_the_same_document_is_proposed_whatever_the_names(self) -> None:
        self.known.document_type, self.known.document_number = "passport", "V123"
        self.known.save_changes(by=self.field_a, seen_version=self.known.version)
        person = self._register(
            given_names="Otra",
            family_names="Persona",
            document_type="passport",
            document_number="v-123",
            nationality="CO",
        )
        self.assertEqual(self._proposed(person), [self.known])

    def test_an_edit_of_the_names_proposes_the_pair_and_says_so(self) -> None:
        other = self._register(family_names="Ruiz Gómez")
        self.assertEqual(self._proposed(other), [])
        self.login(self.field_a)
        self.client.cookies["django_language"] = "en"
        data = {field: getattr(other, field) for field in ("given_names", "sex", "phone")} | {
            "site": self.darien.pk,
            "family_names": "Pérez Gómez",
            "date_of_birth": "1990-05-17",
            "nationality": "VE",
            "residence_country": "VE",
            "consent_given": "on",
            "consent_date": "2023-09-01",
            "consent_taken_by": self.field_a.pk,
            "seen_version": other.version,
        }
        response = self.client.post(other.get_edit_url(), data, follow=True)
        self.assertEqual(self._proposed(other), [self.known])
        self.assertContains(response, "may be the same person as another record")

    def test_an_import_proposes_people_with_an_estimated_age_only(self) -> None:
        rows = [
            person_row(
                "B-1",
                given_names="María José",
                family_names="Perez",
                date_of_birth="",
                estimated_age="33",
                document_type="",
                document_number="",
            )
        ]
        self.login(self.supervisor_a)
        self.client.cookies["django_language"] = "en"
        response = self.client.post(URL, {"file": xlsx_file(rows, header=HEADER)})
        self.client.post(URL, {"token": response.context["token"]})
        imported = Beneficiary.objects.get(external_id="B-1")
        self.assertEqual(self._proposed(imported), [self.known])


class DecisionTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.known = make_beneficiary(cls.darien, cls.field_a)
        # The same names and birth, entered again with "this is a different person".
        cls.namesake = make_beneficiary(cls.darien_etrm, cls.field_a)
        cls.pair = PossibleDuplicate.objects.get()

    def _decide(self, user, decision):
        self.login(user)
        return self.client.post(
            reverse("cases:duplicate_decide", args=[self.pair.pk]), {"decision": decision}
        )

    def test_different_people_is_recorded_with_who_and_when(self) -> None:
        self._decide(self.supervisor_a, "different")
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.decision, PossibleDuplicate.Decision.DIFFERENT)
        self.assertEqual(self.pair.decided_by, self.supervisor_a)
        self.assertIsNotNone(self.pair.decided_at)

    def test_different_people_are_never_proposed_again_nor_warned_of(self) -> None:
        self._decide(self.supervisor_a, "different")
        self.namesake.phone = "6000-0000"
        self.namesake.save_changes(by=self.field_a, seen_version=self.namesake.version)
        self.assertFalse(Beneficiary.objects.likely_duplicates_of(self.namesake).exists())
        self.assertEqual(PossibleDuplicate.objects.to_decide().count(), 0)
        response = self.client.get(QUEUE)
        self.assertEqual(list(response.context["pairs"]), [])

    def test_same_person_proposes_a_merge_keeping_the_record_chosen(self) -> None:
        self._decide(self.supervisor_a, str(self.known.pk))
        merge = PersonMerge.objects.get()
        self.assertEqual((merge.kept, merge.merged), (self.known, self.namesake))
        self.assertEqual(merge.status, PersonMerge.Status.PROPOSED)
        self.namesake.refresh_from_db()
        self.assertIsNone(self.namesake.merged_into)  # not before a second person approves

    def test_the_page_of_a_person_of_an_undecided_pair_sends_reviewers_to_decide(self) -> None:
        self.login(self.supervisor_a)
        self.assertContains(self.client.get(self.known.get_absolute_url()), 'id="to-decide"')
        self._decide(self.supervisor_a, "different")
        self.assertNotContains(self.client.get(self.known.get_absolute_url()), 'id="to-decide"')
        self.login(self.field_a)
        self.assertNotContains(self.client.get(self.namesake.get_absolute_url()), "to-decide")

    def test_field_staff_do_not_decide(self) -> None:
        self.assertEqual(self._decide(self.field_a, "different").status_code, 403)
        self.assertEqual(self.client.get(QUEUE).status_code, 403)

    def test_the_queue_shows_supervisors_the_pairs_of_their_sites_only(self) -> None:
        self.login(self.supervisor_a)
        response = self.client.get(QUEUE)
        self.assertEqual(list(response.context["pairs"]), [self.pair])
        self.assertContains(response, self.namesake.get_absolute_url())
        chiriqui_supervisor = self._supervisor_of_chiriqui()
        self.login(chiriqui_supervisor)
        self.assertEqual(list(self.client.get(QUEUE).context["pairs"]), [])
        self.assertEqual(self._decide(chiriqui_supervisor, "different").status_code, 404)

    def _supervisor_of_chiriqui(self):
        from iompanama.roles import Role
        from tests.factories import make_user

        return make_user("supervisor_b", Role.SUPERVISOR, [self.chiriqui])

    def test_the_queue_costs_the_same_queries_for_one_pair_or_ten(self) -> None:
        self.login(self.admin)
        with CaptureQueriesContext(connection) as one:
            self.client.get(QUEUE)
        for number in range(9):
            born = datetime.date(1970, 1, 1 + number)  # pairs born on different days
            for _twice in range(2):
                make_beneficiary(self.darien, self.field_a, date_of_birth=born)
        self.assertEqual(PossibleDuplicate.objects.count(), 10)
        with self.assertNumQueries(len(one)):
            response = self.client.get(QUEUE)
        self.assertEqual(len(response.context["pairs"]), 10)

    def test_the_queue_costs_the_same_queries_for_one_merge_or_five(self) -> None:
        days = itertools.count()

        def merges(count: int) -> None:
            """`count` merges proposed and as many in force, each of its own pair."""
            for number in range(2 * count):
                born = datetime.date(1970, 1, 1) + datetime.timedelta(days=next(days))
                for _twice in range(2):
                    make_beneficiary(self.darien, self.field_a, date_of_birth=born)
                pair = PossibleDuplicate.objects.to_decide().exclude(pk=self.pair.pk).get()
                merge = PersonMerge.propose(pair, kept=pair.first, by=self.supervisor_a)
                if number % 2:
                    merge.approve(by=self.admin)

        merges(1)
        self.login(self.admin)
        with CaptureQueriesContext(connection) as one:
            self.client.get(QUEUE)
        merges(4)
        with self.assertNumQueries(len(one)):
            response = self.client.get(QUEUE)
        self.assertEqual(len(response.context["proposed"]), 5)
        self.assertEqual(len(response.context["in_force"]), 5)
