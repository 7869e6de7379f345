import datetime

from django.urls import reverse

from tests.factories import make_avr_case, make_beneficiary, make_legal_case
from tests.personas import PersonasTestCase

SEPTEMBER = {"date_from": "2023-09-01", "date_to": "2023-09-30"}


class ListDatesTest(PersonasTestCase):
    """The date range of a case list can apply to another date of the case, the one the
    factsheet's figure counts by: counselling sessions, departures."""

    def _pks(self, url_name: str, **query) -> list[int]:
        self.login(self.field_a)
        response = self.client.get(reverse(url_name), query)
        return [record.pk for record in response.context["page"]]

    def test_legal_cases_with_a_session_in_the_range_are_listed_once(self) -> None:
        opened_in_august = datetime.date(2023, 8, 20)
        case = make_legal_case(
            make_beneficiary(self.darien, self.field_a), self.field_a, opened_on=opened_in_august
        )
        for day in (5, 20):
            case.sessions.create(
                date=datetime.date(2023, 9, day), topic_migration=True, counsellor="Ana"
            )
        other = make_beneficiary(self.darien, self.field_a, given_names="Otra")
        make_legal_case(other, self.field_a, opened_on=datetime.date(2023, 8, 10))
        by_session = self._pks("cases:legal_list", dates_of="sessions__date", **SEPTEMBER)
        self.assertEqual(by_session, [case.pk])
        self.assertEqual(self._pks("cases:legal_list", **SEPTEMBER), [])

    def test_avr_cases_are_listed_by_their_departure(self) -> None:
        departed = make_avr_case(
            make_beneficiary(self.darien, self.field_a),
            self.field_a,
            orientation_date=datetime.date(2023, 6, 1),
            application_date=datetime.date(2023, 6, 10),
            approval_date=datetime.date(2023, 7, 1),
            departure_date=datetime.date(2023, 9, 15),
        )
        make_avr_case(
            make_beneficiary(self.darien, self.field_a, given_names="Otra"),
            self.field_a,
            orientation_date=datetime.date(2023, 9, 10),
            application_date=datetime.date(2023, 9, 12),
        )
        by_departure = self._pks("cases:avr_list", dates_of="departure_date", **SEPTEMBER)
        self.assertEqual(by_departure, [departed.pk])
