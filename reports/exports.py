"""A published version as rows (CSV, HXL-tagged CSV): the same numbers as its public page."""

import csv
import datetime
import io
import re

from django.utils.translation import gettext as _
from django_countries import countries

from iompanama.files.exports import sheet_title
from iompanama.files.widgets import neutralise

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Columns of the CSV.
COLUMNS = ["period_start", "period_end", "indicator", "group", "country", "value"]
# Columns of the HXL-tagged CSV and, under the header, their hashtags (Humanitarian Exchange
# Language), from its core schema only: ISO3 countries, donors as funders, and a value that is
# not a number (a group shown as "<5", a date) in a text column of its own.
HXL_COLUMNS = [
    ("period_start", "#date+start"),
    ("period_end", "#date+end"),
    ("indicator", "#indicator+code"),
    ("group", "#indicator+type"),
    ("country", "#country+code"),
    ("donor", "#org+funder+name"),
    ("value", "#indicator+num"),
    ("value_text", "#indicator+text"),
]
NATIONALITY_LISTS = {"returned_by_nationality", "by_nationality"}
# Missing is not zero: what the page says in words, the files say in these values.
NO_DATA = "no data"
NOT_RECORDED = "not recorded"


def rows(figures: dict) -> list[dict]:
    """Every number of the figures, one row each: indicator "section.figure", and the group
    (a disaggregation's code, a month) or the country it is about. A section with no data is
    one row saying so; a breakdown that was not recorded, one row saying that."""
    period = figures["period"]
    result = []

    def add(indicator: str, value, group: str = "", country: str = "") -> None:
        result.append(
            {
                "period_start": period["start"],
                "period_end": period["end"],
                "indicator": indicator,
                "group": group,
                "country": country,
                "value": value,
            }
        )

    for section, figure in figures.items():
        if section == "period":
            continue
        if figure is None:
            add(section, NO_DATA)
            continue
        if section == "donors":
            for donor in figure:
                add("donors", donor["kind"], group=donor["name_es"])
            continue
        for key, value in figure.items():
            indicator = f"{section}.{key}"
            if isinstance(value, dict):
                for group, number in value.items():
                    add(indicator, number, group=group)
            elif value is None:
                add(indicator, NOT_RECORDED)
            elif isinstance(value, list):
                for entry in value:
                    if isinstance(entry, str):
                        add(indicator, 1, group=entry)
                    elif "value" not in entry:
                        # A list of names (topics by code, the areas of work by their name).
                        add(indicator, 1, group=entry.get("code") or entry["name_es"])
                    elif key in NATIONALITY_LISTS:
                        add(indicator, entry["value"], country=entry["code"])
                    else:
                        add(indicator, entry["value"], group=entry["code"])
                        if "previous_year" in entry:
                            add(f"{indicator}.previous_year", entry["previous_year"], entry["code"])
            else:
                add(indicator, value)
    return result


def to_csv(figures: dict, hxl: bool = False, superseded: dict | None = None) -> str:
    """The rows as CSV, or as HXL-tagged CSV; no cell a formula (a donor's name is text). A
    superseded version starts with rows saying by which version, when and why, so that a file
    read on its own cannot pass for the current one."""
    names = [name for name, _tag in HXL_COLUMNS] if hxl else COLUMNS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    if hxl:
        writer.writerow([tag for _name, tag in HXL_COLUMNS])
    period = figures["period"]
    notices = [
        {
            "period_start": period["start"],
            "period_end": period["end"],
            "indicator": f"superseded.{key}",
            "group": "",
            "country": "",
            "value": value,
        }
        for key, value in (superseded or {}).items()
    ]
    for row in [*notices, *rows(figures)]:
        row = _hxl(row) if hxl else row
        writer.writerow([neutralise(row[name]) for name in names])
    return out.getvalue()


def _hxl(row: dict) -> dict:
    """A row as core HXL has it: a donor in #org+funder (its kind as the group), the country
    in ISO3 ("other", the small nationalities together, as a group), a value that is not a
    number as text."""
    row = row | {"donor": "", "value_text": ""}
    if row["indicator"] == "donors":
        row |= {"donor": row["group"], "group": row["value"], "value": ""}
    if row["country"]:
        iso3 = countries.alpha3(row["country"])
        row |= {"country": iso3} if iso3 else {"country": "", "group": row["country"]}
    if not isinstance(row["value"], int | float):
        row |= {"value": "", "value_text": row["value"]}
    return row


def workbook(quarter) -> bytes:
    """The quarter's exact figures for administrators: one sheet per section, one row per
    figure or group, the quarter's months as columns and the whole quarter last (people are
    counted once in the quarter, so it is not always the months' sum). Sections, figures,
    groups and countries in words for people, their codes in the last columns; dates as date
    cells; no cell a formula (a donor's name is text)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from reports.figures import Period, factsheet
    from reports.words import Words

    months = [Period.month(day.year, day.month) for day in quarter.months()]
    columns = [rows(factsheet(period)) for period in [*months, quarter]]
    values = [{_key(row): row["value"] for row in column} for column in columns]
    words = Words()
    book = Workbook()
    book.remove(book.active)
    for row in columns[-1]:
        section = words.section(row["indicator"])
        if section not in book.sheetnames:
            sheet = book.create_sheet(sheet_title(section))
            sheet.append(
                [
                    _("Figure"),
                    _("Group"),
                    _("Country"),
                    *(f"{m.start:%Y-%m}" for m in months),
                    _("Total"),
                    _("Figure's code"),
                    _("Group's code"),
                    _("Country's code"),
                ]
            )
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        book[sheet_title(section)].append(
            [
                neutralise(words.figure(row["indicator"])),
                neutralise(words.group(row["group"])),
                words.country(row["country"]),
                # A month without the row had no data for it: left empty, not 0.
                *(_cell(column.get(_key(row), "")) for column in values),
                row["indicator"],
                neutralise(row["group"]),
                row["country"],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    """A figure's value as a cell: a date (2023-01-01) as a date, text never as a formula."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return datetime.date.fromisoformat(value)
    return neutralise(value)


def _key(row: dict) -> tuple:
    return (row["indicator"], row["group"], row["country"])
