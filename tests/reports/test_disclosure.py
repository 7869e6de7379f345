"""No group of fewer than 5 people is published on its own, nor can be worked out."""

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template
from django.test import SimpleTestCase

from reports import figures
from reports.disclosure import SMALL, TOO_FEW, WITHHELD, cells, publishable, ranking, share
from reports.sections import SECTIONS, Section
from tests.reports.dataset import Q3, DatasetTestCase


class DisclosureRulesTest(SimpleTestCase):
    def test_a_small_group_is_shown_as_fewer_than_5_and_zero_is_shown(self) -> None:
        self.assertEqual(cells({"a": 4, "b": 0, "c": 5}), {"a": SMALL, "b": 0, "c": WITHHELD})

    def test_a_second_cell_is_withheld_so_the_total_minus_the_rest_gives_nothing_small(self):
        # Total 16 is shown; with only "a" hidden, 16 - 10 - 3 would give it back.
        shown = cells({"a": 3, "b": 3, "c": 10})
        self.assertEqual(shown, {"a": SMALL, "b": SMALL, "c": 10})  # a + b = 6: nobody alone
        shown = cells({"female": 2, "male": 30, "other": 12})
        self.assertEqual(shown, {"female": SMALL, "male": 30, "other": WITHHELD})

    def test_hidden_cells_add_up_to_5_or_more_whenever_something_is_hidden(self) -> None:
        for values in [{"a": 1, "b": 1, "c": 8, "d": 9}, {"a": 4, "b": 50}, {"a": 1, "b": 2}]:
            shown = cells(values)
            hidden = [values[key] for key, value in shown.items() if value in (SMALL, WITHHELD)]
            total_hidden_is_fine = sum(hidden) >= 5 or len(hidden) == len(values)
            self.assertTrue(total_hidden_is_fine, shown)

    def test_rankings_merge_small_groups_into_other_until_other_is_not_small(self) -> None:
        groups = [
            {"code": "VE", "value": 10},
            {"code": "CO", "value": 6},
            {"code": "HT", "value": 2},
            {"code": "CU", "value": 1},
        ]
        self.assertEqual(
            ranking(groups), [{"code": "VE", "value": 10}, {"code": "other", "value": 9}]
        )
        self.assertEqual(
            ranking([{"code": "VE", "value": 5}, {"code": "CO", "value": 7}]),
            [{"code": "CO", "value": 7}, {"code": "VE", "value": 5}],
        )

    def test_a_percentage_is_withheld_when_the_group_or_the_rest_is_small(self) -> None:
        self.assertEqual(share(6, 8, 75), WITHHELD)  # 2 did have the information
        self.assertEqual(share(7, 20, 35), 35)
        self.assertEqual(share(10, 10, 100), 100)


class PublishableFactsheetTest(DatasetTestCase):
    def test_the_public_version_of_the_quarter_hides_its_small_groups(self) -> None:
        public = publishable(figures.factsheet(Q3))
        self.assertEqual(public["legal_orientation"]["people"], SMALL)  # Ana and Beto
        self.assertEqual(public["avr"]["returned"], SMALL)  # 4
        self.assertEqual(
            public["avr"]["returned_by_nationality"], [{"code": "other", "value": SMALL}]
        )
        self.assertEqual(public["avr"]["guided"], SMALL)
        # Medical attention: 4 boys are a small group; 6 girls are withheld with them, or
        # 42 - 14 - 18 - 6 would give the 4 back.
        self.assertEqual(public["medical_attention"]["attended"], 42)
        self.assertEqual(
            public["medical_attention"]["by_group"],
            {"women_adults": 14, "men_adults": 18, "girls": WITHHELD, "boys": SMALL},
        )
        # 10 respondents: too few for any survey percentage or ranking.
        for key in ("percent_without_pathways_info", "percent_family_friends", "first_reasons"):
            self.assertEqual(public["flow_survey"][key], TOO_FEW)
        self.assertNotIn("pathways_answered", public["flow_survey"])
        # Participants by sex: 12 women, 7 men, 1 other; the second smallest (7) is withheld.
        self.assertEqual(
            public["workshops_migrants"]["by_sex"], {"female": 12, "male": WITHHELD, "other": SMALL}
        )
        self.assertEqual(public["workshops_migrants"]["participants"], 20)

    def test_staff_figures_stay_exact(self) -> None:
        exact = figures.factsheet(Q3)
        publishable(exact)
        self.assertEqual(exact["avr"]["returned"], 4)


class DeclaredOnceTest(SimpleTestCase):
    def test_a_section_counting_people_cannot_be_declared_without_a_disclosure_rule(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "no disclosure rule"):
            Section("new", "residents", "New", figures.communications, counts_people=True)

    def test_only_item_quantities_donors_and_the_mission_are_published_unprotected(self):
        unprotected = {key for key, s in SECTIONS.items() if s.protect is None}
        self.assertEqual(unprotected, {"mission", "donations", "donors"})

    def test_every_section_has_its_text(self) -> None:
        for section in SECTIONS.values():
            with self.subTest(section.key):
                get_template(section.template)  # its text exists
