from django.db import connection
from django.test import TestCase
from django.urls import reverse

from cases.models import Beneficiary
from tests.factories import make_beneficiary
from tests.personas import PersonasTestCase


class SearchTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.maria = make_beneficiary(cls.darien, cls.field_a)
        cls.jean = make_beneficiary(
            cls.darien,
            cls.field_a,
            given_names="Jean-Pierre",
            family_names="Louis",
            nationality="HT",
            document_type=Beneficiary.DocumentType.PASSPORT,
            document_number="HT 998877",
        )
        cls.chiriqui_maria = make_beneficiary(cls.chiriqui, cls.field_b)

    def _names(self, user, **query) -> list[str]:
        self.login(user)
        response = self.client.get(reverse("cases:beneficiary_list"), query)
        return [str(person) for person in response.context["page"]]

    def test_names_are_found_ignoring_accents_case_and_word_order(self) -> None:
        for text in ["maria perez", "PÉREZ María", "josé", "gomez"]:
            with self.subTest(text=text):
                self.assertEqual(self._names(self.field_a, q=text), ["María José Pérez Gómez"])

    def test_documents_are_found_ignoring_spaces_and_case(self) -> None:
        for text in ["ht998877", "HT 998", "998877"]:
            with self.subTest(text=text):
                self.assertEqual(self._names(self.field_a, q=text), ["Jean-Pierre Louis"])

    def test_search_stays_within_the_persons_sites(self) -> None:
        self.assertEqual(self._names(self.field_b, q="maría"), ["María José Pérez Gómez"])
        self.assertEqual(
            list(Beneficiary.objects.for_user(self.field_b).search("maría")),
            [self.chiriqui_maria],
        )

    def test_the_list_filters_by_nationality(self) -> None:
        self.assertEqual(self._names(self.field_a, nationality="HT"), ["Jean-Pierre Louis"])

    def test_the_list_is_in_family_name_order_or_another_chosen_one(self) -> None:
        make_beneficiary(self.darien, self.field_a, given_names="Zoe", family_names="Aguilar")
        in_family_order = ["Zoe Aguilar", "Jean-Pierre Louis", "María José Pérez Gómez"]
        self.assertEqual(self._names(self.field_a), in_family_order)
        self.assertEqual(self._names(self.field_a, sort="given_names"), sorted(in_family_order))
        self.assertEqual(self._names(self.field_a, sort="not-a-field"), [])


class SearchIndexTest(TestCase):
    def test_postgresql_finds_parts_of_names_through_trigram_indexes_and_sqlite_has_none(
        self,
    ) -> None:
        # LIKE '%word%' reads every person unless PostgreSQL has a trigram index to ask; SQLite
        # has no such index, and the migration that makes them leaves it untouched.
        on_postgresql = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, "cases_beneficiary")
            if on_postgresql:  # the plan it would choose were the table big and the word rare
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
            plan = Beneficiary.objects.search("perez 1234").explain()
        trigrams = {name for name in indexes if name.endswith("_trigrams")}
        expected = {"beneficiary_name_trigrams", "beneficiary_document_trigrams"}
        self.assertEqual(trigrams, expected if on_postgresql else set())
        self.assertEqual(
            [name for name in sorted(expected) if name in plan],
            sorted(expected) if on_postgresql else [],
        )
