"""The record lists and the people list count their rows only as far as a page needs: a
COUNT(*) of everything a site sees read every row (the people, 200 ms at a million records),
where the page itself reads only the rows it shows."""

from unittest.mock import patch

from django.urls import reverse

from tests.factories import make_beneficiary, make_reach
from tests.personas import PersonasTestCase

# 30 with pages of 25: the first page counts to 30 and says "more than"; the second counts to
# 55, which is past the 50 rows there are, and so says how many exactly.
COUNTED_UP_TO = 30


class ListCountTest(PersonasTestCase):
    def setUp(self) -> None:
        self.login(self.field_a)

    def get(self, url: str, page: str | None = None):
        with patch("iompanama.db.COUNTED_UP_TO", COUNTED_UP_TO):
            return self.client.get(url, {"page": page} if page else {})

    def test_a_record_list_says_more_than_where_it_stopped_counting(self) -> None:
        for _ in range(50):
            make_reach(self.darien, self.field_a)
        url = reverse("activities:reach_list")
        first = self.get(url)
        self.assertEqual(first.context["page"].paginator.count, COUNTED_UP_TO + 1)
        self.assertContains(first, "Más de 30 registros")
        self.assertContains(first, "Página 1 de más de 1")
        self.assertContains(first, "page=2")
        second = self.get(url, "2")
        self.assertEqual(len(second.context["page"]), 25)
        self.assertContains(second, "50 registros")
        self.assertContains(second, "Página 2 de 2")
        self.assertNotContains(second, "page=3")

    def test_the_people_list_says_more_than_where_it_stopped_counting(self) -> None:
        for _ in range(COUNTED_UP_TO + 1):
            make_beneficiary(self.darien, self.field_a)
        response = self.get(reverse("cases:beneficiary_list"))
        self.assertContains(response, "Más de 30 personas")
        make_beneficiary(self.chiriqui, self.field_b)  # not theirs: not counted
        response = self.get(reverse("cases:beneficiary_list"), "2")
        self.assertContains(response, "31 personas")

    def test_a_list_under_the_cap_counts_exactly(self) -> None:
        for _ in range(3):
            make_reach(self.darien, self.field_a)
        response = self.get(reverse("activities:reach_list"))
        self.assertContains(response, "3 registros")
        self.assertNotContains(response, "Más de")

    def test_a_page_past_the_end_or_not_a_number_shows_a_page_that_exists(self) -> None:
        for _ in range(50):
            make_reach(self.darien, self.field_a)
        url = reverse("activities:reach_list")
        self.assertEqual(self.get(url, "99").context["page"].number, 2)
        self.assertEqual(self.get(url, "x").context["page"].number, 1)
