import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from activities.models import MedicalAttentionTally
from tests.factories import make_tally
from tests.personas import PersonasTestCase
from tests.records import (
    assert_each_refused_on_its_field,
    assert_hidden_from,
    assert_list_queries_do_not_grow,
)


class CreateTest(PersonasTestCase):
    def _post(self, **changes):
        data = {
            "site": self.darien_etrm.pk,
            "date": "2023-09-15",
            "women_adults": "12",
            "men_adults": "15",
            "girls": "6",
            "boys": "4",
            "total_attended": "37",
        } | changes
        return self.client.post(reverse("activities:medical_create"), data)

    def test_field_staff_save_a_draft_entered_by_them(self) -> None:
        self.login(self.field_a)
        response = self._post()
        record = MedicalAttentionTally.objects.get()
        self.assertRedirects(response, record.get_absolute_url())
        self.assertEqual((record.created_by, record.status), (self.field_a, "draft"))
        self.assertEqual((record.site, record.total_attended), (self.darien_etrm, 37))

    def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        nobody = {"women_adults": "0", "men_adults": "0", "girls": "0", "boys": "0"}
        cases = {
            "parts": ("total_attended", {"total_attended": "40"}, "Las partes suman 37, no 40."),
            "zero": ("total_attended", nobody | {"total_attended": "0"}, "mayor o igual a 1"),
            "future": ("date", {"date": tomorrow}, "Esta fecha está en el futuro"),
            "office": ("site", {"site": self.darien.pk}, "Escoja una opción válida"),
            "elsewhere": ("site", {"site": self.chiriqui_etrm.pk}, "Escoja una opción válida"),
            "negative": ("girls", {"girls": "-1"}, "mayor o igual a 0"),
        }
        self.login(self.field_a)
        assert_each_refused_on_its_field(self, self._post, cases)
        self.assertFalse(MedicalAttentionTally.objects.exists())

    def test_only_their_reception_stations_are_offered(self) -> None:
        self.login(self.field_a)
        response = self.client.get(reverse("activities:medical_create"))
        self.assertEqual(list(response.context["form"].fields["site"].queryset), [self.darien_etrm])


class RulesTest(PersonasTestCase):
    def test_a_tally_at_a_site_other_than_an_etrm_is_refused_on_the_site(self) -> None:
        record = MedicalAttentionTally(
            site=self.darien,
            created_by=self.field_a,
            date=datetime.date(2023, 9, 15),
            women_adults=1,
            men_adults=1,
            girls=1,
            boys=1,
            total_attended=4,
        )
        with self.assertRaises(ValidationError) as refused:
            record.full_clean()
        message = (
            "La atención médica se registra solo en las estaciones temporales de recepción "
            "migratoria (ETRM)."
        )
        self.assertEqual(refused.exception.message_dict, {"site": [message]})

    def test_the_database_refuses_parts_that_do_not_add_up_and_a_zero_total(self) -> None:
        cases = {
            "parts_sum_to_total": {"total_attended": 40},
            "total_attended_positive": dict.fromkeys(
                ["women_adults", "men_adults", "girls", "boys", "total_attended"], 0
            ),
        }
        for constraint, changes in cases.items():
            with (
                self.subTest(constraint),
                self.assertRaisesMessage(IntegrityError, constraint),
                transaction.atomic(),
            ):
                make_tally(self.darien_etrm, self.field_a, **changes)
        self.assertFalse(MedicalAttentionTally.objects.exists())


class ListTest(PersonasTestCase):
    def test_field_staff_see_only_their_sites_records(self) -> None:
        make_tally(self.darien_etrm, self.field_a, date=datetime.date(2023, 9, 1))
        make_tally(self.chiriqui_etrm, self.field_b, date=datetime.date(2023, 9, 2))
        self.login(self.field_b)
        response = self.client.get(reverse("activities:medical_list"))
        self.assertEqual([r.site for r in response.context["page"]], [self.chiriqui_etrm])

    def test_filters_by_status_and_dates(self) -> None:
        make_tally(self.darien_etrm, self.field_a, date=datetime.date(2023, 8, 31))
        make_tally(self.darien_etrm, self.field_a, date=datetime.date(2023, 9, 1)).submit(
            by=self.field_a
        )
        self.login(self.field_a)
        url = reverse("activities:medical_list")

        def dates(**query) -> list[datetime.date]:
            return [r.date for r in self.client.get(url, query).context["page"]]

        self.assertEqual(dates(date_from="2023-09-01"), [datetime.date(2023, 9, 1)])
        self.assertEqual(dates(status="draft"), [datetime.date(2023, 8, 31)])

    def test_the_list_makes_the_same_queries_for_1_and_50_rows(self) -> None:
        self.login(self.supervisor_a)
        assert_list_queries_do_not_grow(
            self,
            reverse("activities:medical_list"),
            lambda: make_tally(self.darien_etrm, self.field_a),
            queries=10,
        )


class DetailTest(PersonasTestCase):
    def test_field_staff_of_chiriqui_cannot_open_a_tally_of_darien(self) -> None:
        assert_hidden_from(self, self.field_b, make_tally(self.darien_etrm, self.field_a))

    def test_the_page_shows_every_count(self) -> None:
        record = make_tally(self.darien_etrm, self.field_a)
        self.login(self.supervisor_a)
        response = self.client.get(record.get_absolute_url())
        for label, value in [("Niñas", 6), ("Niños", 4), ("Total atendido", 37)]:
            self.assertContains(response, f'{label}</dt><dd class="col-sm-8">{value}</dd>')
