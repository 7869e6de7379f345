import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from activities.models import MigrationFlowStatistic
from tests.factories import make_flow_statistic
from tests.personas import PersonasTestCase
from tests.records import (
    assert_each_refused_on_its_field,
    assert_hidden_from,
    assert_list_queries_do_not_grow,
    formset_data,
)

SEPTEMBER_2023 = datetime.date(2023, 9, 1)


def _form_data(**changes) -> dict[str, str]:
    return {
        "month": "2023-09",
        "source": "SNM",
        "publication_date": "2023-10-10",
        "crossed_total": "75268",
        "adults": "57956",
        "minors": "17312",
        "women": "26344",
        "men": "48924",
        **formset_data("by_nationality"),
    } | changes


class CreateTest(PersonasTestCase):
    def _post(self, **changes):
        data = _form_data(site=str(self.darien.pk)) | changes
        return self.client.post(reverse("activities:flow_create"), data)

    def test_field_staff_save_a_draft_entered_by_them_for_the_month(self) -> None:
        self.login(self.field_a)
        response = self._post()
        record = MigrationFlowStatistic.objects.get()
        self.assertRedirects(response, record.get_absolute_url())
        self.assertEqual((record.created_by, record.status), (self.field_a, "draft"))
        self.assertEqual((record.month, record.crossed_total), (SEPTEMBER_2023, 75268))

    def test_a_statistic_is_stored_without_a_split_by_sex_when_the_source_gives_none(self):
        self.login(self.field_a)
        self._post(women="", men="")
        record = MigrationFlowStatistic.objects.get()
        self.assertEqual((record.women, record.men), (None, None))

    def test_one_sex_without_the_other_is_refused(self) -> None:
        self.login(self.field_a)
        response = self._post(men="")
        self.assertIn("Indique mujeres y hombres, o ninguno.", str(response.context["form"].errors))
        self.assertFalse(MigrationFlowStatistic.objects.exists())

    def test_a_day_of_the_month_is_kept_as_the_first_day(self) -> None:
        self.login(self.field_a)
        self._post(month="2023-09-17")
        self.assertEqual(MigrationFlowStatistic.objects.get().month, SEPTEMBER_2023)

    def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        today = timezone.localdate()
        next_month = (today.replace(day=1) + datetime.timedelta(days=31)).strftime("%Y-%m")
        tomorrow = (today + datetime.timedelta(days=1)).isoformat()
        cases = {
            "ages": ("adults", {"adults": "50000"}, "Adultos y menores suman 67312, no 75268."),
            "sexes": ("women", {"men": "40000"}, "Mujeres y hombres suman 66344, no 75268."),
            "month": ("month", {"month": next_month}, "Esta fecha está en el futuro"),
            "published": ("publication_date", {"publication_date": tomorrow}, "en el futuro"),
            "not a month": ("month", {"month": "septiembre"}, "Introduzca una fecha válida"),
            "site": ("site", {"site": self.chiriqui.pk}, "Escoja una opción válida"),
        }
        self.login(self.field_a)
        assert_each_refused_on_its_field(self, self._post, cases)
        self.assertFalse(MigrationFlowStatistic.objects.exists())

    def test_a_second_statistic_for_the_same_month_and_source_is_refused(self) -> None:
        first = make_flow_statistic(self.darien, self.field_a)
        self.login(self.field_a)
        response = self._post(month="2023-09-30")
        message = (
            "Ya hay una estadística de este mes de esta fuente: corrija esa en lugar de crear otra."
        )
        self.assertEqual(response.context["form"].non_field_errors(), [message])
        self.assertContains(response, message)
        self.assertEqual(list(MigrationFlowStatistic.objects.all()), [first])

    def test_another_source_may_publish_the_same_month(self) -> None:
        make_flow_statistic(self.darien, self.field_a)
        self.login(self.field_a)
        self._post(source="DTM")
        self.assertEqual(MigrationFlowStatistic.objects.count(), 2)

    def test_the_database_refuses_parts_that_do_not_add_up_and_a_second_statistic(self) -> None:
        make_flow_statistic(self.darien, self.field_a)
        cases = {
            "age_parts_sum_to_total": {"month": datetime.date(2023, 8, 1), "adults": 1},
            "sex_parts_sum_to_total": {"month": datetime.date(2023, 8, 1), "women": 1},
            "one_statistic_per_month_and_source": {},
        }
        for constraint, changes in cases.items():
            with (
                self.subTest(constraint),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
            ):
                make_flow_statistic(self.darien, self.field_a, **changes)
        self.assertEqual(MigrationFlowStatistic.objects.count(), 1)

    def test_crossings_by_nationality_are_kept_with_the_statistic(self) -> None:
        rows = [{"nationality": "VE", "crossed": "45000"}, {"nationality": "EC", "crossed": "9000"}]
        self.login(self.field_a)
        self._post(**formset_data("by_nationality", *rows))
        record = MigrationFlowStatistic.objects.get()
        kept = [(row.nationality.code, row.crossed) for row in record.by_nationality.all()]
        self.assertEqual(kept, [("VE", 45000), ("EC", 9000)])

    def test_nationalities_adding_up_to_more_than_crossed_save_nothing(self) -> None:
        rows = [{"nationality": "VE", "crossed": "70000"}, {"nationality": "HT", "crossed": "9000"}]
        self.login(self.field_a)
        response = self._post(**formset_data("by_nationality", *rows))
        self.assertIn("79000", str(response.context["formset"].errors))
        self.assertFalse(MigrationFlowStatistic.objects.exists())


class EditTest(PersonasTestCase):
    def test_the_form_shows_the_month_and_saving_it_again_is_no_duplicate(self) -> None:
        record = make_flow_statistic(self.darien, self.field_a)
        self.login(self.field_a)
        url = record.get_edit_url()
        self.assertContains(self.client.get(url), 'type="month" name="month" value="2023-09"')
        data = _form_data(
            site=str(self.darien.pk), crossed_total="75269", adults="57957", men="48925"
        )
        response = self.client.post(url, data | {"seen_version": record.version})
        self.assertRedirects(response, record.get_absolute_url())
        record.refresh_from_db()
        self.assertEqual(record.crossed_total, 75269)


class ListTest(PersonasTestCase):
    def test_field_staff_see_only_their_sites_records(self) -> None:
        make_flow_statistic(self.darien, self.field_a, source="De Darién")
        make_flow_statistic(self.chiriqui, self.field_b, source="De Chiriquí")
        self.login(self.field_b)
        response = self.client.get(reverse("activities:flow_list"))
        self.assertContains(response, "De Chiriquí")
        self.assertNotContains(response, "De Darién")

    def test_the_period_filter_reads_the_month(self) -> None:
        for month in (8, 9):
            make_flow_statistic(self.darien, self.field_a, month=datetime.date(2023, month, 1))
        self.login(self.field_a)
        response = self.client.get(reverse("activities:flow_list"), {"date_to": "2023-08-31"})
        self.assertEqual([r.month for r in response.context["page"]], [datetime.date(2023, 8, 1)])

    def test_the_list_makes_the_same_queries_for_1_and_50_rows(self) -> None:
        self.login(self.supervisor_a)
        sources = iter(range(50))
        assert_list_queries_do_not_grow(
            self,
            reverse("activities:flow_list"),
            lambda: make_flow_statistic(self.darien, self.field_a, source=f"S{next(sources)}"),
            queries=10,
        )


class DetailTest(PersonasTestCase):
    def test_field_staff_of_chiriqui_cannot_open_a_statistic_of_darien(self) -> None:
        assert_hidden_from(self, self.field_b, make_flow_statistic(self.darien, self.field_a))
