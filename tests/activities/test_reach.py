import datetime

from django.urls import reverse
from django.utils import timezone

from activities.models import CommunicationReach
from tests.factories import make_reach
from tests.personas import PersonasTestCase
from tests.records import assert_list_queries_do_not_grow


class CreateTest(PersonasTestCase):
    def _post(self, **changes):
        data = {
            "site": self.darien.pk,
            "date": "2023-09-15",
            "channel": "facebook",
            "campaign": "Migración segura",
            "people_reached": "1200",
        } | changes
        return self.client.post(reverse("activities:reach_create"), data)

    def test_field_staff_save_a_draft_entered_by_them(self) -> None:
        self.login(self.field_a)
        response = self._post()
        record = CommunicationReach.objects.get()
        self.assertRedirects(response, record.get_absolute_url())
        self.assertEqual((record.created_by, record.status), (self.field_a, "draft"))
        self.assertEqual(record.history.get().history_user, self.field_a)

    def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        cases = {
            "people_reached": ({"people_reached": "0"}, "mayor o igual a 1"),
            "date": ({"date": tomorrow}, "Esta fecha está en el futuro"),
            "site": ({"site": self.chiriqui.pk}, "Escoja una opción válida"),
        }
        self.login(self.field_a)
        for field, (changes, message) in cases.items():
            with self.subTest(field=field):
                response = self._post(**changes)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, str(response.context["form"].errors[field]))
        self.assertFalse(CommunicationReach.objects.exists())

    def test_a_negative_count_is_refused(self) -> None:
        self.login(self.field_a)
        response = self._post(people_reached="-5")
        self.assertIn("people_reached", response.context["form"].errors)
        self.assertFalse(CommunicationReach.objects.exists())


class ListTest(PersonasTestCase):
    def test_field_staff_see_only_their_sites_records(self) -> None:
        make_reach(self.darien, self.field_a, campaign="De Darién")
        make_reach(self.chiriqui, self.field_b, campaign="De Chiriquí")
        self.login(self.field_b)
        response = self.client.get(reverse("activities:reach_list"))
        self.assertContains(response, "De Chiriquí")
        self.assertNotContains(response, "De Darién")

    def test_filters_by_channel_status_and_dates(self) -> None:
        make_reach(
            self.darien,
            self.field_a,
            campaign="Radio de agosto",
            channel="radio",
            date=datetime.date(2023, 8, 31),
        )
        make_reach(
            self.darien,
            self.field_a,
            campaign="Radio de septiembre",
            channel="radio",
            date=datetime.date(2023, 9, 1),
        )
        make_reach(
            self.darien, self.field_a, campaign="Web", channel="web", date=datetime.date(2023, 9, 2)
        ).submit(by=self.field_a)
        self.login(self.field_a)
        url = reverse("activities:reach_list")

        def campaigns(**query) -> list[str]:
            return [r.campaign for r in self.client.get(url, query).context["page"]]

        self.assertEqual(
            campaigns(channel="radio", date_from="2023-09-01"), ["Radio de septiembre"]
        )
        self.assertEqual(campaigns(status="submitted"), ["Web"])
        self.assertEqual(len(campaigns(date_to="2023-09-01")), 2)

    def test_the_list_makes_the_same_queries_for_1_and_50_rows(self) -> None:
        self.login(self.supervisor_a)
        assert_list_queries_do_not_grow(
            self,
            reverse("activities:reach_list"),
            lambda: make_reach(self.darien, self.field_a),
            queries=10,
        )


class DetailTest(PersonasTestCase):
    def test_the_page_makes_the_same_queries_however_long_the_history(self) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        self.login(self.supervisor_a)
        with self.assertNumQueries(12):
            self.client.get(record.get_absolute_url())
        for _ in range(5):
            record.return_to_author(by=self.supervisor_a, reason="Corregir")
            record.submit(by=self.field_a)
        with self.assertNumQueries(12):
            response = self.client.get(record.get_absolute_url())
        self.assertEqual(len(response.context["transitions"]), 11)
