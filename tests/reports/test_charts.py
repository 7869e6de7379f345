"""The charts are readable: labels on the bars, numbers in the reader's format, names whole."""

import re

from django.test import SimpleTestCase
from django.utils import translation

from reports import charts
from reports.disclosure import SMALL


def _texts(svg: str) -> list[str]:
    return [text.strip() for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


class ChartReadabilityTest(SimpleTestCase):
    def test_donation_bars_carry_their_category_whole_and_the_quantity_with_commas(self) -> None:
        donations = {
            "by_category": [
                {"code": "meals", "name_es": "Comidas", "name_en": "Meals", "value": 41796},
                {
                    "code": "nfi",
                    "name_es": "Artículos no alimentarios (NFI)",
                    "name_en": "Non-food items (NFI)",
                    "value": 4139,
                },
            ]
        }
        with translation.override("es"):
            texts = _texts(charts.donations_by_category(donations))
        self.assertIn("41,796", texts)
        self.assertIn("4,139", texts)
        self.assertIn("Artículos no alimentarios (NFI)", texts)
        self.assertFalse([text for text in texts if text.endswith("…")])

    def test_nationality_bars_are_labelled_with_the_country(self) -> None:
        avr = {
            "returned_by_nationality": [
                {"code": "VE", "value": 1250},
                {"code": "CO", "value": 9},
                {"code": "other", "value": SMALL},
            ]
        }
        with translation.override("en"):
            texts = _texts(charts.returnees_by_nationality(avr))
        self.assertIn("Venezuela", texts)
        self.assertIn("Colombia", texts)
        self.assertIn("1,250", texts)
        self.assertIn("Other: fewer than 5", texts)

    def test_every_colour_stands_out_from_the_white_background(self) -> None:
        def luminance(colour: str) -> float:
            channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
            r, g, b = [
                c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
            ]
            return 0.2126 * r + 0.7152 * g + 0.0722 * b

        for colour in charts.IOM_STYLE.colors:
            with self.subTest(colour):
                self.assertGreaterEqual(1.05 / (luminance(colour) + 0.05), 3)

    def test_the_pie_writes_each_number_in_its_legend(self) -> None:
        with translation.override("en"):
            texts = _texts(
                charts.participants_by_sex({"by_sex": {"female": 790, "male": 642, "other": 0}})
            )
        self.assertIn("Women: 790", texts)
        self.assertIn("Men: 642", texts)

    def test_a_chart_is_an_image_named_by_its_title(self) -> None:
        svg = charts.donations_by_category(
            {
                "by_category": [
                    {"code": "meals", "name_es": "Comidas", "name_en": "Meals", "value": 9}
                ]
            }
        )
        self.assertIn('<svg role="img" ', svg)
        self.assertIn("<title>", svg)

    def test_the_crossings_chart_names_months_in_words_and_writes_thousands(self) -> None:
        flows = {
            "by_month": [
                {"code": "2023-08", "value": 81946, "previous_year": 31055},
                {"code": "2023-09", "value": 75268, "previous_year": 48204},
            ]
        }
        with translation.override("en"):
            texts = _texts(charts.crossings_by_month(flows))
        self.assertIn("August", texts)
        self.assertIn("80,000", texts)
        self.assertFalse([text for text in texts if re.fullmatch(r"\d{5,}", text)])


class DrawnOnceTest(SimpleTestCase):
    """A chart is drawn once for the same figures in the same language, and never shown for
    figures or a language other than its own."""

    MEALS = {"code": "meals", "name_es": "Comidas", "name_en": "Meals", "value": 41796}

    def drawn(self, value: int, language: str) -> str:
        with translation.override(language):
            return charts.drawn(
                charts.donations_by_category, {"by_category": [{**self.MEALS, "value": value}]}
            )

    def test_the_same_figures_are_drawn_once(self) -> None:
        first = self.drawn(41796, "en")
        self.assertIs(self.drawn(41796, "en"), first)

    def test_a_changed_number_or_language_is_a_new_chart(self) -> None:
        self.assertIn("41,796", _texts(self.drawn(41796, "en")))
        self.assertIn("41,797", _texts(self.drawn(41797, "en")))
        self.assertIn("Comidas", _texts(self.drawn(41796, "es")))
        self.assertIn("Meals", _texts(self.drawn(41796, "en")))
