"""Field entry at phone speed: errors at the top, one action to send for review, defaults, a
person found by typing, and a review queue a supervisor can clear."""

import datetime
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import CommunicationReach
from cases.models import Beneficiary, LegalOrientationCase
from iompanama.models import ReviewStatus
from iompanama.roles import Role
from tests.factories import (
    make_avr_case,
    make_beneficiary,
    make_donation,
    make_legal_case,
    make_reach,
    make_survey_round,
    make_user,
)
from tests.personas import PersonasTestCase

REACH_NEW = reverse("activities:reach_create")


def reach_data(site, **changes) -> dict:
    return {
        "site": str(site.pk),
        "date": "2023-09-15",
        "channel": "facebook",
        "campaign": "Migración segura",
        "people_reached": "120",
    } | changes


class ErrorSummaryTest(PersonasTestCase):
    def test_a_failed_save_lists_each_error_first_with_a_link_to_its_field(self) -> None:
        self.login(self.field_a)
        response = self.client.post(REACH_NEW, reach_data(self.darien, people_reached="-3"))
        page = response.content.decode()
        self.assertIn('id="error-summary"', page)
        self.assertIn('href="#id_people_reached"', page)
        self.assertLess(page.index('id="error-summary"'), page.index("data-keep-typed"))
        self.assertFalse(CommunicationReach.objects.exists())

    def test_an_error_in_a_row_links_to_the_rows_field(self) -> None:
        donation = make_donation(self.darien, self.field_a)
        item = donation.items.get()
        self.login(self.field_a)
        data = {
            "site": str(self.darien.pk),
            "delivery_date": "2023-09-15",
            "recipient": "Escuela",
            "donor": str(donation.donor_id),
            "seen_version": str(donation.version),
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "1",
            "items-0-id": str(item.pk),
            "items-0-category": str(item.category_id),
            "items-0-description": "Kits",
            "items-0-quantity": "0",
            "items-0-unit": "kits",
        }
        response = self.client.post(donation.get_edit_url(), data)
        self.assertContains(response, 'href="#id_items-0-quantity"')


class SendForReviewTest(PersonasTestCase):
    def test_send_for_review_saves_and_submits_in_one_action(self) -> None:
        self.login(self.field_a)
        self.client.post(REACH_NEW, reach_data(self.darien, action="submit"))
        record = CommunicationReach.objects.get()
        self.assertEqual(record.status, ReviewStatus.SUBMITTED)
        self.assertEqual(record.transitions.get().by, self.field_a)

    def test_save_as_draft_keeps_a_draft(self) -> None:
        self.login(self.field_a)
        self.client.post(REACH_NEW, reach_data(self.darien, action="draft"))
        self.assertEqual(CommunicationReach.objects.get().status, ReviewStatus.DRAFT)

    def test_a_returned_record_shows_its_reason_on_the_form_and_is_sent_again_at_once(
        self,
    ) -> None:
        record = make_reach(self.darien, self.field_a)
        record.submit(by=self.field_a)
        record.return_to_author(by=self.supervisor_a, reason="Falta el enlace")
        self.login(self.field_a)
        form = self.client.get(record.get_edit_url())
        self.assertContains(form, "Falta el enlace")
        self.assertContains(form, 'value="submit"')
        data = reach_data(self.darien, seen_version=str(record.version + 0), action="submit")
        record.refresh_from_db()
        data["seen_version"] = str(record.version)
        self.client.post(record.get_edit_url(), data)
        record.refresh_from_db()
        self.assertEqual(record.status, ReviewStatus.SUBMITTED)


class DefaultsTest(PersonasTestCase):
    def test_an_only_site_is_chosen_and_the_day_of_entry_is_today(self) -> None:
        lone = make_user("lone", Role.FIELD_STAFF, [self.darien])
        self.login(lone)
        form = self.client.get(REACH_NEW).context["form"]
        self.assertEqual(form["site"].value(), self.darien.pk)
        self.assertEqual(form["date"].value(), timezone.localdate())

    def test_the_day_of_entry_is_panamas_day_not_the_servers(self) -> None:
        # In the evening, Panama is still on a day that servers (in UTC) have left.
        panama_day = datetime.date(2029, 12, 31)
        self.login(self.field_a)
        with mock.patch("django.utils.timezone.localdate", return_value=panama_day):
            form = self.client.get(REACH_NEW).context["form"]
            formset = self.client.get(reverse("cases:legal_create")).context["formset"]
        self.assertEqual(form["date"].value(), datetime.date(2029, 12, 31))
        self.assertEqual(formset.forms[0]["date"].value(), datetime.date(2029, 12, 31))

    def test_the_site_of_the_last_entry_is_offered_first(self) -> None:
        make_reach(self.darien_etrm, self.field_a)
        self.login(self.field_a)
        form = self.client.get(REACH_NEW).context["form"]
        self.assertEqual(form["site"].value(), self.darien_etrm.pk)

    def test_a_new_legal_case_offers_the_persons_last_counsellor(self) -> None:
        make_legal_case(make_beneficiary(self.darien, self.field_a), self.field_a)
        self.login(self.field_a)
        formset = self.client.get(reverse("cases:legal_create")).context["formset"]
        self.assertEqual(formset.forms[0]["counsellor"].value(), "Lcda. Ríos")
        self.assertEqual(formset.forms[0]["date"].value(), timezone.localdate())

    def test_names_sort_as_spanish_does_on_every_database(self) -> None:
        for family in ["Prueba", "Chen", "Pérez", "Cárdenas", "Ávila", "Zamora"]:
            make_beneficiary(self.darien, self.field_a, family_names=family, given_names="Ana")
        names = list(Beneficiary.objects.values_list("family_names", flat=True))
        self.assertEqual(names, ["Ávila", "Cárdenas", "Chen", "Pérez", "Prueba", "Zamora"])


class PersonPickerTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_beneficiary(
            cls.darien, cls.field_a, given_names="Yelitza", family_names="Rondón Paz"
        )
        cls.other = make_beneficiary(
            cls.darien, cls.field_a, given_names="Luis", family_names="Gil"
        )
        cls.elsewhere = make_beneficiary(
            cls.chiriqui, cls.field_b, given_names="Yelitza", family_names="Rondón Mora"
        )

    def search(self, text: str) -> list[int]:
        response = self.client.get(reverse("cases:people_search"), {"q": text})
        return [row["value"] for row in response.json()["results"]]

    def test_people_are_found_by_part_of_a_name_without_accents_within_ones_sites(self) -> None:
        self.login(self.field_a)
        self.assertEqual(self.search("rondon"), [self.person.pk])
        self.assertEqual(self.search("RONDÓN pa"), [self.person.pk])
        self.assertEqual(self.search("r"), [])  # too short to search
        self.login(self.field_b)
        self.assertEqual(self.search("rondon"), [self.elsewhere.pk])

    def test_the_search_makes_the_same_queries_for_1_and_50_people(self) -> None:
        self.login(self.field_a)
        with self.assertNumQueries(6):
            self.search("gil")
        for number in range(49):
            make_beneficiary(
                self.darien, self.field_a, given_names=f"P{number}", family_names="Gil"
            )
        with self.assertNumQueries(6):
            found = self.search("gil")
        self.assertEqual(len(found), 20)

    def test_the_case_form_lists_nobody_but_the_person_chosen(self) -> None:
        self.login(self.field_a)
        page = self.client.get(reverse("cases:legal_create")).content.decode()
        self.assertIn("data-person-search", page)
        self.assertNotIn("Rondón Paz", page)
        page = self.client.get(reverse("cases:legal_create"), {"beneficiary": self.person.pk})
        self.assertContains(page, f'<option value="{self.person.pk}" selected>')
        self.assertNotContains(page, "Luis Gil")
        # Someone of another site cannot be put there by a link.
        page = self.client.get(reverse("cases:legal_create"), {"beneficiary": self.elsewhere.pk})
        self.assertNotContains(page, "Rondón Mora")

    def test_registering_from_a_case_form_returns_to_it_with_the_person_chosen(self) -> None:
        self.login(self.field_a)
        url = reverse("cases:beneficiary_create")
        back = reverse("cases:legal_create")
        data = {
            "site": str(self.darien.pk),
            "given_names": "Nueva",
            "family_names": "Persona",
            "sex": "female",
            "date_of_birth": "1990-01-01",
            "nationality": "CO",
            "residence_country": "CO",
            "consent_given": "on",
            "consent_date": "2023-09-01",
            "consent_taken_by": str(self.field_a.pk),
        }
        response = self.client.post(f"{url}?back={back}&field=beneficiary", data)
        person = Beneficiary.objects.get(given_names="Nueva")
        self.assertRedirects(response, f"{back}?beneficiary={person.pk}")
        response = self.client.post(
            f"{url}?back=https://evil.example/&field=beneficiary",
            data | {"given_names": "Otra", "family_names": "Distinta"},
        )
        self.assertRedirects(
            response, Beneficiary.objects.get(given_names="Otra").get_absolute_url()
        )

    def test_a_persons_page_offers_new_cases_for_them(self) -> None:
        self.login(self.field_a)
        page = self.client.get(self.person.get_absolute_url())
        self.assertContains(page, f"{reverse('cases:legal_create')}?beneficiary={self.person.pk}")
        self.assertContains(page, f"{reverse('cases:avr_create')}?principal={self.person.pk}")
        self.login(self.supervisor_a)
        self.client.post(
            reverse("cases:legal_create"),
            {
                "site": str(self.darien.pk),
                "beneficiary": str(self.elsewhere.pk),
                "opened_on": "2023-09-04",
                "topic_migration": "on",
                "sessions-TOTAL_FORMS": "1",
                "sessions-INITIAL_FORMS": "0",
                "sessions-0-date": "2023-09-04",
                "sessions-0-topic_migration": "on",
                "sessions-0-counsellor": "Ríos",
            },
        )
        self.assertFalse(LegalOrientationCase.objects.exists())


class ReviewQueueTest(PersonasTestCase):
    def test_the_queue_filters_shows_key_figures_and_approves_the_ticked(self) -> None:
        reach = make_reach(self.darien, self.field_a, people_reached=1234)
        donation = make_donation(self.darien_etrm, self.field_a, items=2)
        for record in (reach, donation):
            record.submit(by=self.field_a)
        self.login(self.supervisor_a)
        url = reverse("review_queue")
        page = self.client.get(url)
        self.assertEqual(page.context["waiting"], 2)
        self.assertContains(page, "1,234 personas alcanzadas")
        self.assertContains(page, "50 kits; 50 kits")
        self.assertContains(page, "data-queue-all")
        self.assertNotContains(page, "btn-outline-warning")
        only = self.client.get(url, {"kind": "activities.donation"})
        self.assertEqual([r.pk for r in only.context["review_queue"]], [donation.pk])
        by_site = self.client.get(url, {"site": self.darien.pk})
        self.assertEqual([r.pk for r in by_site.context["review_queue"]], [reach.pk])
        old = self.client.get(url, {"waiting": 7})
        self.assertEqual(old.context["waiting"], 0)
        response = self.client.post(
            reverse("bulk_approve"),
            {"records": [f"activities.communicationreach:{reach.pk}"], "next": url},
            follow=True,
        )
        self.assertEqual(response.context["waiting"], 1)

    def test_the_queue_makes_the_same_queries_for_1_and_50_records(self) -> None:
        self.login(self.supervisor_a)
        make_donation(self.darien, self.field_a).submit(by=self.field_a)
        with self.assertNumQueries(self._queries()):
            self.client.get(reverse("review_queue"))
        for _ in range(49):
            make_donation(self.darien, self.field_a, items=3).submit(by=self.field_a)
        with self.assertNumQueries(self._queries()):
            response = self.client.get(reverse("review_queue"))
        self.assertEqual(len(response.context["review_queue"]), 50)

    def test_the_queue_reads_its_lines_without_grouping_every_waiting_record(self) -> None:
        # Counted over a join, a line's figures (sessions, family, respondents) need a GROUP BY
        # that PostgreSQL computes for every waiting record before it keeps the first page.
        person = make_beneficiary(self.darien, self.field_a)
        make_legal_case(person, self.field_a).submit(by=self.field_a)
        make_avr_case(person, self.field_a).submit(by=self.field_a)
        make_survey_round(self.darien, self.field_a, responses=2).submit(by=self.field_a)
        self.login(self.supervisor_a)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("review_queue"))
        self.assertEqual([q["sql"] for q in queries if "GROUP BY" in q["sql"]], [])

    def _queries(self) -> int:
        # the first rows chosen by their keys in one, read whole in one (the only kind waiting),
        # every kind's count in one; donations' items in one more
        return 9 + 1 + 1 + 1 + 1
