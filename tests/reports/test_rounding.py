"""One rounding rule for every figure: halves go up, as people round by hand."""

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from reports import figures
from reports.figures import half_up
from tests.reports.dataset import Q3, DatasetTestCase


class HalfUpTest(SimpleTestCase):
    def test_halves_go_up_not_to_the_even_neighbour(self) -> None:
        self.assertEqual([half_up(12.5), half_up(62.5), half_up(99.5)], [13, 63, 100])

    def test_decimals_keep_the_digits_asked_for(self) -> None:
        self.assertEqual(half_up(62.45, 1), 62.5)
        self.assertEqual(figures.percent(5, 8), 62.5)
        self.assertEqual(figures.percent(2, 3), 66.7)

    def test_the_page_shows_whole_percentages_rounded_half_up(self) -> None:
        with translation.override("en"):
            shown = Template("{% load factsheet %}{{ a|percent }} {{ b|percent }}").render(
                Context({"a": 62.5, "b": 12.5})
            )
        self.assertEqual(shown, "63% 13%")


class ExactValuesTest(DatasetTestCase):
    def test_the_flow_ratio_carries_three_decimals_and_percentages_one(self) -> None:
        flows = figures.migration_flows(Q3)
        self.assertEqual(flows["ratio"], 2.013)  # 157,000 / 78,000 = 2.01282...
        self.assertEqual(flows["percent_by_age"], {"adults": 75.2, "minors": 24.8})
