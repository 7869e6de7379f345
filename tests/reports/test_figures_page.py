"""The staff figures page: exact numbers, links to the approved records behind them, and how
many records still wait for review (the dashboard of the current quarter by default)."""

import datetime
from unittest import mock

from django.conf import settings
from django.urls import reverse

from tests.factories import make_reach
from tests.reports.dataset import LAST, DatasetTestCase

PERIOD = {"start": "2023-07-01", "end": "2023-09-30"}


class FiguresPageTest(DatasetTestCase):
    def get(self, user, data=PERIOD):
        self.login(user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return self.client.get(reverse("reports:figures"), data)

    def test_supervisors_see_exact_figures_where_the_public_sees_fewer_than_5(self) -> None:
        response = self.get(self.supervisor_a)
        figures = response.context["figures"]
        self.assertEqual(figures["avr"]["returned"], 4)
        self.assertEqual(figures["legal_orientation"]["people"], 2)

    def test_each_figure_links_to_the_approved_records_of_the_period(self) -> None:
        response = self.get(self.supervisor_a)
        link = response.context["sections"]["communications"]["approved_url"]
        self.assertEqual(
            link,
            reverse("activities:reach_list")
            + "?status=approved&date_from=2023-07-01&date_to=2023-09-30&media=digital",
        )
        self.assertContains(response, link.replace("&", "&amp;"))
        records = self.client.get(link)
        self.assertEqual(
            sorted(reach.people_reached for reach in records.context["page"]), [50, 100]
        )

    def test_the_avr_and_legal_links_list_exactly_the_cases_their_figures_count(self) -> None:
        response = self.get(self.supervisor_a)
        figures, sections = response.context["figures"], response.context["sections"]
        avr_cases = self.client.get(sections["avr"]["approved_url"]).context["page"]
        returnees = sum(1 + case.family.count() for case in avr_cases)
        self.assertEqual(returnees, figures["avr"]["returned"])
        legal_cases = self.client.get(sections["legal_orientation"]["approved_url"]).context["page"]
        people = {case.beneficiary_id for case in legal_cases}
        self.assertEqual(len(people), figures["legal_orientation"]["people"])

    def test_pending_records_are_counted_per_figure_within_the_persons_sites(self) -> None:
        # The reach edited after approval (Darién) waits for review.
        self.assertEqual(
            self.get(self.supervisor_a).context["sections"]["communications"]["pending"], 1
        )
        make_reach(self.chiriqui, self.field_b, date=LAST).submit(by=self.field_b)
        self.assertEqual(self.get(self.admin).context["sections"]["communications"]["pending"], 2)
        self.assertEqual(
            self.get(self.supervisor_a).context["sections"]["communications"]["pending"], 1
        )

    def test_the_dashboard_is_the_current_quarter_so_far(self) -> None:
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2023, 8, 20)):
            response = self.get(self.supervisor_a, data={})
        period = response.context["period"]
        self.assertEqual(
            (period.start, period.end), (datetime.date(2023, 7, 1), datetime.date(2023, 8, 20))
        )
        self.assertEqual(response.context["figures"]["avr"]["returned"], 3)

    def test_viewers_do_not_see_the_figures_page(self) -> None:
        self.assertEqual(self.get(self.viewer).status_code, 403)

    def test_each_figure_equals_its_drill_down_list_for_every_role(self) -> None:
        # Darién's staff see Darién's records, Chiriquí's only the Chiriquí tally (5 people),
        # administrators all: the figures follow, each the sum of the list it links to.
        def listed(link: str, count) -> int | None:
            page = self.client.get(link).context["page"]
            return sum(count(record) for record in page) if len(page) else None

        def figure(section: dict | None, key: str) -> int | None:
            return section[key] if section else None

        expected_medical = {"field_a": 37, "field_b": 5, "supervisor_a": 37, "admin": 42}
        for user in (self.field_a, self.field_b, self.supervisor_a, self.admin):
            with self.subTest(user.username):
                response = self.get(user)
                data, sections = response.context["figures"], response.context["sections"]
                medical = figure(data["medical_attention"], "attended")
                self.assertEqual(medical, expected_medical[user.username])
                self.assertEqual(
                    medical,
                    listed(
                        sections["medical_attention"]["approved_url"], lambda t: t.total_attended
                    ),
                )
                self.assertEqual(
                    figure(data["communications"], "reached"),
                    listed(sections["communications"]["approved_url"], lambda r: r.people_reached),
                )
                self.assertEqual(
                    figure(data["avr"], "returned"),
                    listed(sections["avr"]["approved_url"], lambda case: 1 + case.family.count()),
                )
                self.assertEqual(
                    figure(data["migration_flows"], "crossed"),
                    listed(sections["migration_flows"]["approved_url"], lambda s: s.crossed_total),
                )

    def test_only_administrators_are_offered_publishing(self) -> None:
        self.assertNotContains(self.get(self.supervisor_a), reverse("reports:preview"))
        self.assertContains(self.get(self.admin), reverse("reports:preview"))
