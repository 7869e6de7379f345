"""Each list page costs the same number of queries with 1 row as with 50."""

from django.urls import reverse

from tests.factories import make_avr_case, make_beneficiary, make_legal_case
from tests.personas import PersonasTestCase


class ListQueriesTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_beneficiary(cls.darien, cls.field_a)
        cls.child = make_beneficiary(cls.darien, cls.field_a, given_names="Luis")

    def _assert_same_queries(self, url_name: str, add_row) -> None:
        self.login(self.supervisor_a)
        url = reverse(url_name)
        add_row()
        with self.assertNumQueries(10):
            self.client.get(url)
        for _ in range(49):
            add_row()
        with self.assertNumQueries(10):
            response = self.client.get(url)
        self.assertEqual(len(response.context["page"]), 25)

    def test_the_beneficiary_list(self) -> None:
        self._assert_same_queries(
            "cases:beneficiary_list", lambda: make_beneficiary(self.darien, self.field_a)
        )

    def test_the_legal_orientation_list(self) -> None:
        self._assert_same_queries(
            "cases:legal_list", lambda: make_legal_case(self.person, self.field_a)
        )

    def test_the_avr_list(self) -> None:
        self._assert_same_queries(
            "cases:avr_list",
            lambda: make_avr_case(self.person, self.field_a, family=[self.child]),
        )
