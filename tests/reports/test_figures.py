"""Each figure of the factsheet for the third quarter of 2023, against numbers counted by hand."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Donor
from reports import figures
from reports.figures import Period
from reports.models import PublishedFactsheet
from tests.factories import make_reach, make_training
from tests.reports.dataset import FIRST, LAST, Q3, DatasetTestCase


class PeriodTest(DatasetTestCase):
    def test_presets_cover_whole_months(self) -> None:
        self.assertEqual(Q3, Period(datetime.date(2023, 7, 1), datetime.date(2023, 9, 30)))
        self.assertEqual(Period.month(2024, 2).end, datetime.date(2024, 2, 29))
        self.assertEqual(Period.year(2023).start, datetime.date(2023, 1, 1))

    def test_the_previous_year_is_the_same_dates_a_year_earlier(self) -> None:
        self.assertEqual(
            Q3.previous_year(), Period(datetime.date(2022, 7, 1), datetime.date(2022, 9, 30))
        )
        self.assertEqual(Period.month(2024, 2).previous_year().end, datetime.date(2023, 2, 28))


class FiguresTest(DatasetTestCase):
    def test_a_person_with_two_sessions_counts_once_and_drafts_returned_edited_do_not(self):
        # Ana (migration on 1 July, family on 30 September) and Beto (work on 30 September);
        # not Carla (30 June), Dora (draft), Eva (returned), Fe (edited, pending again).
        self.assertEqual(
            figures.legal_orientation(Q3),
            {
                "people": 2,
                "by_topic": {"migration": 1, "work": 1, "family": 1},
                "by_sex": {"female": 1, "male": 1, "other": 0},
            },
        )

    def test_returnees_include_family_and_the_guided_had_not_departed_by_the_end(self):
        result = figures.avr(Q3)
        # Gil + Hilda + Iván (1 July), Juan (guided and departed in the quarter, 30 Sept).
        self.assertEqual(result["returned"], 4)
        self.assertEqual(
            result["returned_by_nationality"],
            [{"code": "CO", "value": 2}, {"code": "VE", "value": 2}],
        )
        # Karen + Luis (30 September), Mar (departed 1 October).
        self.assertEqual(result["guided"], 3)

    def test_flows_compare_with_the_same_months_a_year_earlier(self) -> None:
        result = figures.migration_flows(Q3)
        self.assertEqual(result["crossed"], 82000 + 75000)
        self.assertEqual(result["crossed_previous_year"], 40000 + 38000)
        self.assertEqual(result["ratio"], 2.013)  # 157,000 / 78,000: twice as high
        self.assertEqual(result["by_age"], {"adults": 118000, "minors": 39000})
        self.assertEqual(result["percent_by_age"], {"adults": 75.2, "minors": 24.8})
        self.assertEqual(
            [(m["code"], m["value"], m["previous_year"]) for m in result["by_month"]],
            [("2023-07", 0, 0), ("2023-08", 82000, 40000), ("2023-09", 75000, 38000)],
        )
        self.assertEqual(result["latest_month"], "2023-09")

    def test_a_period_longer_than_a_year_counts_its_shared_months_in_both_years(self) -> None:
        # August 2022 to September 2023 against August 2021 to September 2022.
        result = figures.migration_flows(Period(datetime.date(2022, 8, 1), LAST))
        self.assertEqual(result["crossed"], 40000 + 38000 + 82000 + 75000)
        self.assertEqual(result["crossed_previous_year"], 40000 + 38000)
        self.assertEqual(result["latest_month"], "2023-09")

    def test_donation_quantities_are_summed_by_category(self) -> None:
        by_category = {c["code"]: c["value"] for c in figures.donations(Q3)["by_category"]}
        self.assertEqual(by_category, {"meals": 120, "nfi": 50, "medical-supplies": 5})

    def test_direct_donors_are_those_of_the_period_donations_general_donors_all(self) -> None:
        Donor.objects.create(name="Gobierno de Canadá", name_en="Government of Canada")
        Donor.objects.create(name="Fondo de la OIM", name_en="IOM Fund", kind="general")
        # In the order the database collates names: which of the two general ones comes first
        # differs between SQLite and PostgreSQL.
        self.assertCountEqual(
            figures.donors(Q3),
            [
                {"name_es": "Unión Europea", "name_en": "European Union", "kind": "direct"},
                {"name_es": "Fondo General", "name_en": "General Fund", "kind": "general"},
                {"name_es": "Fondo de la OIM", "name_en": "IOM Fund", "kind": "general"},
            ],
        )

    def test_donors_are_named_in_the_language_of_the_page_under_direct_and_general(self) -> None:
        version = PublishedFactsheet.publish(Q3.start, Q3.end, by=self.admin)
        url = reverse("reports:factsheet", args=[version.pk])
        english = self.client.get(url, {"lang": "en"}).content.decode()
        self.assertIn("European Union", english)
        self.assertIn("General Fund", english)
        self.assertNotIn("Unión Europea", english)
        self.assertNotIn("Fondo General", english)
        self.assertLess(english.index("Direct donors"), english.index("General donors"))
        spanish = self.client.get(url, {"lang": "es"}).content.decode()
        self.assertIn("Unión Europea", spanish)

    def test_medical_attention_is_summed_by_province(self) -> None:
        result = figures.medical_attention(Q3)
        self.assertEqual(result["attended"], 42)
        self.assertEqual(
            [(row["code"], row["value"]) for row in result["by_province"]],
            [("PA-4", 5), ("PA-5", 37)],
        )
        self.assertEqual(
            result["by_group"], {"women_adults": 14, "men_adults": 18, "girls": 6, "boys": 4}
        )

    def test_survey_percentages_are_over_those_who_answered(self) -> None:
        result = figures.flow_survey(Q3)
        self.assertEqual(result["respondents"], 10)
        self.assertEqual(result["percent_family_friends"], 80)  # 8 of 10
        self.assertEqual(result["percent_without_pathways_info"], 75)  # 6 of 8 who answered
        self.assertEqual(result["percent_without_dangers_info"], 70)  # 7 of 10
        self.assertEqual(
            result["first_reasons"],
            [{"code": "economic", "value": 7}, {"code": "insecurity", "value": 3}],
        )
        self.assertEqual(result["provinces"], [])

    def test_workshop_participants_are_summed_per_audience(self) -> None:
        migrants = figures.workshops(Q3, "migrants")
        self.assertEqual(migrants["participants"], 20)
        self.assertEqual(migrants["sessions"], 1)
        self.assertEqual(migrants["by_sex"], {"female": 12, "male": 7, "other": 1})
        self.assertEqual(migrants["by_age"], {"children_adolescents": 5, "adults": 15})
        self.assertEqual([t["code"] for t in migrants["topics"]], ["regularization"])
        partners = figures.workshops(Q3, "partners")
        self.assertEqual(partners["participants"], 7)
        self.assertEqual([t["code"] for t in partners["topics"]], ["cccm", "labour-migration"])

    def test_people_reached_are_summed(self) -> None:
        self.assertEqual(figures.communications(Q3)["reached"], 150)

    def test_the_mission_profile_is_the_one_valid_at_the_end_of_the_period(self) -> None:
        self.assertEqual(figures.mission_profile(Q3)["staff"], 196)

    def test_the_factsheet_follows_the_order_of_the_reference(self) -> None:
        self.assertEqual(
            list(figures.factsheet(Q3)),
            [
                "period",
                "mission",
                "legal_orientation",
                "workshops_migrants",
                "avr",
                "migration_flows",
                "donations",
                "medical_attention",
                "flow_survey",
                "workshops_partners",
                "communications",
                "donors",
            ],
        )


class QueryCountTest(DatasetTestCase):
    def test_the_factsheet_takes_the_same_queries_whatever_the_number_of_records(self):
        with CaptureQueriesContext(connection) as before:
            figures.factsheet(Q3)
        for day in (FIRST, LAST):
            for _ in range(5):
                self.approved(make_reach(self.darien, self.field_a, date=day))
        with self.assertNumQueries(len(before.captured_queries)):
            figures.factsheet(Q3)
        self.assertEqual(len(before.captured_queries), 21)


class SharedSessionsTest(DatasetTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.approved(
            make_training(
                cls.darien,
                cls.field_a,
                start_date=LAST,
                end_date=LAST,
                audience_government=True,
                children_adolescents=0,
                adults=20,
            )
        )  # both audiences: 12 women, 7 men, 1 other

    def test_a_session_for_both_audiences_counts_in_both_and_each_says_so(self) -> None:
        migrants, partners = figures.workshops(Q3, "migrants"), figures.workshops(Q3, "partners")
        self.assertEqual((migrants["participants"], partners["participants"]), (40, 27))
        self.assertEqual((migrants["shared_sessions"], partners["shared_sessions"]), (1, 1))
        version = PublishedFactsheet.publish(Q3.start, Q3.end, by=self.admin)
        page = self.client.get(reverse("reports:factsheet", args=[version.pk]), {"lang": "en"})
        self.assertContains(
            page, "Including 1 session for both migrants and partners, counted in both sections.", 2
        )
