"""The factsheet's charts, drawn on the server as SVG so the page needs no JavaScript and the
PDF shows the same pictures. Each takes a section's figures as `reports.figures` returns them
(exact or publishable: groups shown as "fewer than 5" are not drawn); reports/sections.py says
which section has which chart."""

import datetime
import json
import re
from collections.abc import Callable

import pygal
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries
from pygal.style import Style

from reports.disclosure import SMALL, WITHHELD
from reports.figures import half_up

SCRIPT = re.compile(r"<script.*?</script>", re.DOTALL)
IOM_STYLE = Style(
    background="white",
    plot_background="white",
    # IOM blue first; each colour at least 3:1 against the white background (WCAG 1.4.11).
    colors=("#0033a0", "#5b92e5", "#b35c00", "#1f7a6d", "#c8102e", "#6b6e70", "#3d7d22"),
    font_family="Helvetica, Arial, sans-serif",
    # Read at the size of the PDF's column (about 90 mm for 600 units): 20 units is 9 pt.
    title_font_size=22,
    label_font_size=20,
    major_label_font_size=20,
    value_font_size=20,
    legend_font_size=20,
    # Values are written past the end of their bar (print_values_position="top" on the bars):
    # dark on white, readable however short the bar.
    value_colors=("#222222",),
)


DRAWN_KEPT = 512  # charts kept drawn, by their figures and language (see `drawn`)
_drawn: dict[tuple, SafeString] = {}


def drawn(chart: Callable[[dict], SafeString], figures: dict) -> SafeString:
    """`chart(figures)`, drawn once for the same figures in the same language: every view of
    the figures page, the factsheet and its PDF shows the same few charts again, and pygal
    takes milliseconds to draw each. The figures themselves are the key, so a changed
    number is a new chart."""
    key = (
        chart.__qualname__,
        get_language(),
        json.dumps(figures, sort_keys=True, cls=DjangoJSONEncoder),
    )
    svg = _drawn.get(key)
    if svg is None:
        if len(_drawn) >= DRAWN_KEPT:
            _drawn.clear()
        svg = _drawn[key] = chart(figures)
    return svg


def _number(value) -> str:
    """As the text writes it (157,214): the charts and the sentences must read alike."""
    return intcomma(half_up(value)) if isinstance(value, int | float) else ""


def _config(**options) -> dict:
    # js=[]: pygal would otherwise link its tooltip script from a CDN.
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": IOM_STYLE,
        "width": 600,
        "height": 300,
        "print_values": True,
        "value_formatter": _number,
        "no_data_text": _("No data"),
        # Names whole (-1: never cut with "…"): a bar's label or a legend is the only key to it.
        "truncate_legend": -1,
        "truncate_label": -1,
        **options,
    }


def _svg(chart) -> SafeString:
    # pygal writes its settings into a <script> even with js=[]; the picture does without.
    svg = SCRIPT.sub("", chart.render(is_unicode=True))
    # Its one style attribute, on the hidden tooltip, said as an SVG attribute: the page's
    # Content-Security-Policy allows no style attributes.
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    # A picture to screen readers, named by its <title> (the chart's title); its numbers are
    # also in the section's text.
    svg = svg.replace("<svg ", '<svg role="img" ', 1)
    return mark_safe(svg)  # noqa: S308 - drawn by pygal from numbers and escaped labels


def _hidden(value) -> str | None:
    """A number shown in words ("fewer than 5", withheld), or None when it is drawn."""
    return {SMALL: _("fewer than 5"), WITHHELD: _("withheld")}.get(value)


def _add(chart, rows: list[tuple[str, object]]) -> bool:
    """Draws the shown numbers; a hidden one ("fewer than 5", withheld) is named in the legend
    and not drawn, so no share is drawn that the table hides. False when nothing is drawn."""
    drawn = False
    for label, value in rows:
        if isinstance(value, int | float):
            chart.add(label, value)
            drawn = True
        elif _hidden(value):
            chart.add(f"{label}: {_hidden(value)}", None)
    return drawn


def _bars(title: str, rows: list[tuple[str, object]], **options) -> SafeString:
    """Horizontal bars each labelled with its name, whole, and its number, as the text writes
    it; a hidden number is named beside its label and not drawn. Empty when nothing is drawn."""
    drawn = [value for _label, value in rows if isinstance(value, int | float)]
    if not drawn:
        return mark_safe("")
    labels = [f"{label}: {_hidden(value)}" if _hidden(value) else label for label, value in rows]
    # Long names (Spanish ones are) take the chart's width from the bars: the chart widens to
    # keep 360 units for the bars and, past the longest, its number (about 11 units a character
    # at this font size).
    label_width = 11 * max(len(label) for label in labels)
    width = max(600, label_width + 360)
    plot = width - label_width - 40
    number = 11 * max(len(f"{value}") for value in drawn) + 40
    options.setdefault("range", (0, max(drawn) * plot / (plot - number) or 1))
    # The value axis and its guides say nothing the numbers on the bars don't (pygal names the
    # axes of horizontal bars as if they were upright).
    chart = pygal.HorizontalBar(
        **_config(
            show_legend=False,
            show_x_labels=False,
            show_x_guides=False,
            print_values_position="top",
            # Written from just past the bar's end rather than centred on it.
            css=[
                "file://style.css",
                "file://graph.css",
                "inline:.text-overlay text.value{text-anchor:start}",
            ],
            width=width,
            height=90 + 50 * len(rows),
            **options,
        )
    )
    chart.title = title
    # pygal draws the first bar at the bottom: reversed, the largest is on top, as in the text.
    chart.x_labels = labels[::-1]
    chart.add(title, [v if isinstance(v, int | float) else None for _l, v in rows[::-1]])
    return _svg(chart)


def month_in_words(code: str) -> str:
    """ "2023-08" as the reader says it: "August 2023", "agosto de 2023"."""
    month = datetime.date.fromisoformat(f"{code}-01")
    return _("%(month)s %(year)s") % {"month": MONTHS[month.month], "year": month.year}


def country_name(code: str) -> str:
    return _("Other") if code == "other" else str(countries.name(code) or code)


def name_of(entry: dict) -> str:
    """A reference entry's name in the current language. Donors published before they had
    an English name (issue 15) kept one `name`, in Spanish: it is all those versions have."""
    if "name_es" not in entry:
        return entry["name"]
    return entry["name_en"] if (get_language() or "es").startswith("en") else entry["name_es"]


def returnees_by_nationality(avr: dict) -> SafeString:
    rows = [(country_name(row["code"]), row["value"]) for row in avr["returned_by_nationality"]]
    return _bars(_("Main nationalities of returnees"), rows)


def crossings_by_month(flows: dict) -> SafeString:
    chart = pygal.Bar(**_config(legend_at_bottom=True, print_values=False, height=380))
    chart.title = _("Migrants who crossed the Darién, by month")
    # Month names alone: "septiembre de 2023" three times would not fit under the bars.
    chart.x_labels = [
        str(MONTHS[int(month["code"][5:])]).capitalize() for month in flows["by_month"]
    ]
    chart.add(_("This year"), [month["value"] for month in flows["by_month"]])
    chart.add(_("A year earlier"), [month["previous_year"] for month in flows["by_month"]])
    return _svg(chart)


def donations_by_category(donations: dict) -> SafeString:
    rows = [(name_of(row), row["value"]) for row in donations["by_category"]]
    return _bars(_("Donations by category"), rows)


def participants_by_sex(workshop: dict) -> SafeString:
    # One legend entry a line: three side by side would overlap ("Other or not stated...").
    # The numbers are in the legend ("Women: 790"): written on the slices, no one colour of
    # text would be readable on both the dark and the light ones.
    chart = pygal.Pie(
        **_config(
            inner_radius=0.4,
            legend_at_bottom=True,
            legend_at_bottom_columns=1,
            print_values=False,
        )
    )
    chart.title = _("Participants by sex")
    labels = {"female": _("Women"), "male": _("Men"), "other": _("Other or not stated")}
    rows = [
        (f"{labels[k]}: {_number(v)}" if isinstance(v, int) else labels[k], v)
        for k, v in workshop["by_sex"].items()
    ]
    return _svg(chart) if _add(chart, rows) else mark_safe("")


def survey_answers(survey: dict) -> SafeString:
    rows = [
        (_("Informed by family and friends"), survey["percent_family_friends"]),
        (_("No information on regular pathways"), survey["percent_without_pathways_info"]),
        (_("Not enough information on the dangers"), survey["percent_without_dangers_info"]),
    ]
    # Too few responses: nothing to draw, the page says so in words.
    return _bars(
        _("Flow monitoring survey (%)"),
        rows,
        value_formatter=lambda v: f"{half_up(v)}%",
    )
