"""A published version as rows (CSV, HXL-tagged CSV): the same numbers as its public page."""

import csv
import io

# Columns of the CSV and, under the header, their HXL hashtags (Humanitarian Exchange Language).
COLUMNS = [
    ("period_start", "#date+start"),
    ("period_end", "#date+end"),
    ("indicator", "#indicator+code"),
    ("group", "#category+code"),
    ("country", "#country+code"),
    ("value", "#indicator+value"),
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
    """The rows of `figures`; a superseded version starts with rows saying by which version,
    when and why, so that a file read on its own cannot pass for the current one."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _tag in COLUMNS])
    if hxl:
        writer.writerow([tag for _name, tag in COLUMNS])
    period = figures["period"]
    for key, value in (superseded or {}).items():
        writer.writerow([period["start"], period["end"], f"superseded.{key}", "", "", value])
    for row in rows(figures):
        writer.writerow([row[name] for name, _tag in COLUMNS])
    return out.getvalue()


def workbook(quarter) -> bytes:
    """The quarter's exact figures for administrators: one sheet per section, one row per
    figure or group, the quarter's months as columns and the whole quarter last (people are
    counted once in the quarter, so it is not always the months' sum)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from reports.figures import Period, factsheet

    months = [Period.month(day.year, day.month) for day in quarter.months()]
    columns = [rows(factsheet(period)) for period in [*months, quarter]]
    values = [{_key(row): row["value"] for row in column} for column in columns]
    book = Workbook()
    book.remove(book.active)
    for row in columns[-1]:
        section = row["indicator"].split(".")[0]
        if section not in book.sheetnames:
            sheet = book.create_sheet(section[:31])
            sheet.append(
                ["indicator", "group", "country", *(f"{m.start:%Y-%m}" for m in months), "total"]
            )
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        book[section].append(
            [
                row["indicator"],
                row["group"],
                row["country"],
                # A month without the row had no data for it: left empty, not 0.
                *(column.get(_key(row), "") for column in values),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _key(row: dict) -> tuple:
    return (row["indicator"], row["group"], row["country"])
