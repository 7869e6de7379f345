"""The factsheet's charts, drawn on the server as SVG so the page needs no JavaScript and the
PDF shows the same pictures. Each takes a section's figures as `reports.figures` returns them
(exact or publishable: groups shown as "fewer than 5" are not drawn); reports/sections.py says
which section has which chart."""

import re

import pygal
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
    colors=("#0033a0", "#5b92e5", "#ffb81c", "#7bc2b1", "#c8102e", "#8a8d8f", "#4c9a2a"),
    font_family="Helvetica, Arial, sans-serif",
)


def _config(**options) -> dict:
    # js=[]: pygal would otherwise link its tooltip script from a CDN.
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": IOM_STYLE,
        "width": 600,
        "height": 300,
        "print_values": True,
        "no_data_text": _("No data"),
        "truncate_legend": -1,
        **options,
    }


def _svg(chart) -> SafeString:
    # pygal writes its settings into a <script> even with js=[]; the picture does without.
    svg = SCRIPT.sub("", chart.render(is_unicode=True))
    # Its one style attribute, on the hidden tooltip, said as an SVG attribute: the page's
    # Content-Security-Policy allows no style attributes.
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    return mark_safe(svg)  # noqa: S308 - drawn by pygal from numbers and escaped labels


def _add(chart, rows: list[tuple[str, object]]) -> bool:
    """Draws the shown numbers; a hidden one ("fewer than 5", withheld) is named in the legend
    and not drawn, so no share is drawn that the table hides. False when nothing is drawn."""
    hidden = {SMALL: _("fewer than 5"), WITHHELD: _("withheld")}
    drawn = False
    for label, value in rows:
        if isinstance(value, int | float):
            chart.add(label, value)
            drawn = True
        elif value in hidden:
            chart.add(f"{label}: {hidden[value]}", None)
    return drawn


def country_name(code: str) -> str:
    return _("Other") if code == "other" else str(countries.name(code) or code)


def name_of(entry: dict) -> str:
    return entry["name_en"] if (get_language() or "es").startswith("en") else entry["name_es"]


def returnees_by_nationality(avr: dict) -> SafeString:
    chart = pygal.HorizontalBar(**_config(show_legend=False))
    chart.title = _("Main nationalities of returnees")
    rows = [(country_name(row["code"]), row["value"]) for row in avr["returned_by_nationality"]]
    return _svg(chart) if _add(chart, rows) else mark_safe("")


def crossings_by_month(flows: dict) -> SafeString:
    chart = pygal.Bar(**_config(legend_at_bottom=True, print_values=False))
    chart.title = _("Migrants who crossed the Darién, by month")
    chart.x_labels = [month["code"] for month in flows["by_month"]]
    chart.add(_("This year"), [month["value"] for month in flows["by_month"]])
    chart.add(_("A year earlier"), [month["previous_year"] for month in flows["by_month"]])
    return _svg(chart)


def donations_by_category(donations: dict) -> SafeString:
    chart = pygal.HorizontalBar(**_config(show_legend=True, legend_at_bottom=True))
    chart.title = _("Donations by category")
    for row in donations["by_category"]:
        chart.add(name_of(row), row["value"])
    return _svg(chart)


def participants_by_sex(workshop: dict) -> SafeString:
    chart = pygal.Pie(**_config(inner_radius=0.4, legend_at_bottom=True))
    chart.title = _("Participants by sex")
    labels = {"female": _("Women"), "male": _("Men"), "other": _("Other or not stated")}
    rows = [(labels[k], v) for k, v in workshop["by_sex"].items()]
    return _svg(chart) if _add(chart, rows) else mark_safe("")


def survey_answers(survey: dict) -> SafeString:
    chart = pygal.HorizontalBar(
        **_config(range=(0, 100), legend_at_bottom=True, value_formatter=lambda v: f"{half_up(v)}%")
    )
    chart.title = _("Flow monitoring survey (%)")
    rows = [
        (_("Informed by family and friends"), survey["percent_family_friends"]),
        (_("No information on regular pathways"), survey["percent_without_pathways_info"]),
        (_("Not enough information on the dangers"), survey["percent_without_dangers_info"]),
    ]
    # Too few responses: nothing to draw, the page says so in words.
    return _svg(chart) if _add(chart, rows) else mark_safe("")
