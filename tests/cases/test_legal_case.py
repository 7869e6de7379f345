import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import CounsellingSession, LegalOrientationCase
from tests.factories import make_beneficiary, make_legal_case
from tests.personas import PersonasTestCase


def session_rows(*rows: dict) -> dict:
    data = {
        "sessions-TOTAL_FORMS": str(len(rows)),
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"sessions-{index}-{name}": value for name, value in row.items()}
    return data


FIRST_SESSION = {"date": "2023-09-04", "topic_migration": "on", "counsellor": "Lcda. Ríos"}


class TopicRulesTest(PersonasTestCase):
    def test_a_case_and_a_session_need_at_least_one_topic(self) -> None:
        person = make_beneficiary(self.darien, self.field_a)
        case = LegalOrientationCase(
            site=self.darien,
            beneficiary=person,
            opened_on=datetime.date(2023, 9, 4),
            created_by=self.field_a,
        )
        session = CounsellingSession(case=case, date=case.opened_on, counsellor="Ríos")
        for record, exclude in [(case, None), (session, ["case"])]:
            with self.subTest(record=type(record).__name__):
                with self.assertRaises(ValidationError) as raised:
                    record.full_clean(exclude=exclude)
                self.assertIn("topic_migration", raised.exception.message_dict)


class CreateTest(PersonasTestCase):
    url = reverse("cases:legal_create")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_beneficiary(cls.darien, cls.field_a)

    def _post(self, sessions=(FIRST_SESSION,), **changes):
        data = {
            "site": self.darien.pk,
            "beneficiary": self.person.pk,
            "opened_on": "2023-09-04",
            "topic_migration": "on",
            "topic_work": "on",
            "outcome": "Orientada sobre el permiso de trabajo.",
        } | changes
        return self.client.post(self.url, data | session_rows(*sessions))

    def test_field_staff_save_a_case_with_its_sessions(self) -> None:
        self.login(self.field_a)
        second = {"date": "2023-09-11", "topic_work": "on", "counsellor": "Lcdo. Gil"}
        response = self._post([FIRST_SESSION, second])
        case = LegalOrientationCase.objects.get()
        self.assertRedirects(response, case.get_absolute_url())
        topics = (case.topic_migration, case.topic_work, case.topic_family)
        self.assertEqual(topics, (True, True, False))
        self.assertEqual([s.counsellor for s in case.sessions.all()], ["Lcda. Ríos", "Lcdo. Gil"])

    def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        self.login(self.field_a)
        response = self._post(topic_migration="", topic_work="")
        self.assertIn("topic_migration", response.context["form"].errors)
        response = self._post([{**FIRST_SESSION, "topic_migration": ""}])
        self.assertIn("topic_migration", response.context["formset"].forms[0].errors)
        response = self._post([])
        self.assertTrue(response.context["formset"].non_form_errors())
        self.assertFalse(LegalOrientationCase.objects.exists())


class ListTest(PersonasTestCase):
    def test_the_list_filters_by_topic_and_nationality(self) -> None:
        venezuelan = make_beneficiary(self.darien, self.field_a)
        chinese = make_beneficiary(self.darien, self.field_a, given_names="Wei", nationality="CN")
        migration = make_legal_case(venezuelan, self.field_a)
        family = make_legal_case(chinese, self.field_a, topic_migration=False, topic_family=True)
        self.login(self.field_a)

        def cases(**query) -> list[LegalOrientationCase]:
            return list(self.client.get(reverse("cases:legal_list"), query).context["page"])

        self.assertEqual(cases(topic="family"), [family])
        self.assertEqual(cases(topic="migration"), [migration])
        self.assertEqual(cases(nationality="CN"), [family])
        self.assertEqual(cases(q="maria"), [migration])

    def test_the_case_page_shows_its_sessions(self) -> None:
        case = make_legal_case(make_beneficiary(self.darien, self.field_a), self.field_a)
        self.login(self.supervisor_a)
        self.assertContains(self.client.get(case.get_absolute_url()), "Lcda. Ríos")
