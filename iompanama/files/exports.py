"""Exports of a list's rows as CSV (streamed: memory stays flat however many rows; written by
PostgreSQL's COPY where it can) or XLSX (its sheet's XML written a chunk of rows at a time,
through a temporary file).

django-import-export builds a whole file in memory, so big exports go around it; its resources
still say what the columns are and how each cell is written (neutralised, see resources.py).
`rows_of` neutralises every cell once; `csv_lines` and `write_xlsx` write the cells as given.
"""

import csv
import datetime
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from xml.sax.saxutils import escape

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Concat, Left, NullIf
from django.db.models.lookups import In
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import widgets
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from iompanama.files.resources import Column, FileResource, RecordResource
from iompanama.files.widgets import (
    FORMULA_STARTS,
    BooleanWidget,
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    NamedWidget,
    NumberWidget,
    SiteWidget,
    neutralise,
)

CHUNK = 2000  # rows read, converted and written at a time

Convert = Callable[[tuple], list]  # a column's values, converted
# The widgets whose `render` _converter does to values read with values_list.
FAST_WIDGETS = (
    NumberWidget,
    DateWidget,
    BooleanWidget,
    SiteWidget,
    ChoiceWidget,
    CountryWidget,
    widgets.CharWidget,
)


def export_resource(resource_class: type[FileResource], user, query: QueryDict) -> FileResource:
    """The resource of an export: for people, or with `codes` in the query for machines."""
    resource = resource_class(user=user)
    return resource.for_machines() if query.get("codes") else resource


def rows_of(resource: RecordResource, records: QuerySet) -> Iterator[Sequence]:
    """The header (and, for machines, the HXL row), then each record's row (one per line, for
    records with lines) with every cell neutralised, fetched in chunks."""
    yield from _head(resource)
    fast = None if resource.lines else fast_rows(resource, records)
    if fast is not None:
        yield from fast
        return
    # Django prefetches each chunk's related rows (topics, lines) with chunk_size.
    for record in resource.export_queryset(records).iterator(chunk_size=CHUNK):
        yield from resource.export_rows(record)


def _head(resource: FileResource) -> list[list[str]]:
    return [resource.headers(), hxl_row(resource)] if resource.machine else [resource.headers()]


def csv_chunks(resource: RecordResource, records: QuerySet) -> Iterator[str | bytes]:
    """The export as CSV: through PostgreSQL's COPY when the database can write every cell
    (`copied_rows`), else through `rows_of` and csv's writer."""
    copied = copied_rows(resource, records)
    if copied is None:
        yield from csv_lines(rows_of(resource, records))
        return
    yield from csv_lines(_head(resource), lineterminator="\n")  # COPY ends its lines so
    yield from copied


def copied_rows(resource: RecordResource, records: QuerySet) -> Iterator[bytes] | None:
    """The rows as CSV written by PostgreSQL's `COPY ... TO STDOUT` (no Python work per row:
    staff exports of hundreds of thousands of rows at the database's speed), the cells being
    those `fast_rows` gives: words for choices, countries and yes/no, neutralised text, ISO
    dates. None when not on PostgreSQL, for records with lines, or when a column needs Python
    (see `_fast_columns`)."""
    if connection.vendor != "postgresql" or resource.lines or _fast_columns(resource) is None:
        return None
    cells = {
        f"cell_{index}": _sql_cell(field.attribute, field.widget)
        for index, field in enumerate(resource.get_export_fields())
    }
    query = records.annotate(**cells).values_list(*cells).query
    return _copy(*query.sql_with_params())


def _copy(sql: str, params: tuple) -> Iterator[bytes]:
    with connection.cursor() as cursor:
        # Django's psycopg cursor binds on the client: the query with its values, for COPY.
        statement = cursor.cursor.mogrify(sql, params)
        with cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                yield bytes(block)


def _sql_cell(path: str, widget: widgets.Widget):
    """A column's cell as SQL, the same text as `_converter` makes of its value (an empty text
    as NULL: COPY writes it unquoted, as csv's writer does)."""
    if isinstance(widget, NumberWidget | DateWidget):
        return F(path)
    if isinstance(widget, SiteWidget):
        return NullIf(_neutralised(f"{path}__code"), Value(""))
    if isinstance(widget, BooleanWidget):
        yes, no = (_("yes"), _("no")) if widget.words else ("1", "0")
        return Case(When(**{path: True}, then=Value(yes)), default=Value(no))
    if isinstance(widget, ChoiceWidget | CountryWidget) and widget.words:
        words = [When(**{path: code}, then=Value(widget.render(code))) for code in _codes(widget)]
        return NullIf(Case(*words, default=_neutralised(path)), Value(""))
    return NullIf(_neutralised(path), Value(""))


def _neutralised(path: str) -> Case:
    """The text with a leading apostrophe when a spreadsheet would take it for a formula."""
    return Case(
        When(In(Left(path, 1), FORMULA_STARTS), then=Concat(Value("'"), F(path))),
        default=F(path),
        output_field=CharField(),
    )


def fast_rows(resource: RecordResource, records: QuerySet) -> Iterator[tuple] | None:
    """The export rows straight from `values_list`, without building a model per row (the
    speed of big exports), or None when a column needs the model (many-to-many, a relation
    written by its `str`, a dehydrate method). The same cells as `resource.export_field`."""
    columns = _fast_columns(resource)
    if columns is None:
        return None
    paths, converters = columns
    return _converted(records.values_list(*paths).iterator(chunk_size=CHUNK), converters)


def _converted(values: Iterator[tuple], converters: list[tuple[int, Convert]]) -> Iterator[tuple]:
    """The rows, converted a chunk at a time column by column: a column that needs no
    converter (numbers) costs nothing, dates and booleans no Python call per cell."""
    while chunk := list(islice(values, CHUNK)):
        columns = list(zip(*chunk, strict=True))
        for index, convert in converters:
            columns[index] = convert(columns[index])
        yield from zip(*columns, strict=True)


def _fast_columns(resource: RecordResource) -> tuple[list[str], list[tuple[int, Convert]]] | None:
    """The `values_list` paths of the export's columns and, for the columns whose value is not
    written as read (numbers are), their index and converter; None when one needs the model."""
    model = resource._meta.model
    paths, converters = [], []
    for index, export_field in enumerate(resource.get_export_fields()):
        name, widget = export_field.attribute, export_field.widget
        dehydrate = export_field.get_dehydrate_method(resource.get_field_name(export_field))
        if not name or not isinstance(widget, FAST_WIDGETS):
            return None
        if callable(dehydrate) or hasattr(resource, dehydrate):
            return None
        if isinstance(widget, SiteWidget):
            name = f"{name}__code"
        elif "__" not in name:
            try:
                if model._meta.get_field(name).is_relation:
                    return None  # written as its str, which needs the model
            except FieldDoesNotExist:  # a property or a method
                return None
        paths.append(name)
        convert = _converter(widget)
        if convert is not None:
            converters.append((index, convert))
    return paths, converters


def _converter(widget: widgets.Widget) -> Convert | None:
    """What `widget.render` does to a column of values read with values_list; None when
    nothing."""
    if isinstance(widget, NumberWidget | DateWidget):
        return None
    if isinstance(widget, BooleanWidget):
        yes, no = (_("yes"), _("no")) if widget.words else ("1", "0")
        return lambda column: [yes if value else no for value in column]
    if isinstance(widget, ChoiceWidget | CountryWidget) and widget.words:
        words = {code: widget.render(code) for code in _codes(widget)}
        return lambda column: _texts([words.get(value, value) for value in column])
    return _texts


def _codes(widget: ChoiceWidget | CountryWidget) -> list[str]:
    if isinstance(widget, ChoiceWidget):
        return list(widget.choices.values)
    return [code for code, _name in countries]


def _texts(column: tuple) -> list:
    return list(map(neutralise, ["" if value is None else str(value) for value in column]))


def csv_lines(rows: Iterable[Sequence], lineterminator: str = "\r\n") -> Iterator[str]:
    """The rows (as `rows_of` makes them: neutralised) as CSV after a byte order mark, one
    string per chunk of rows: csv's C writer does the work, not a Python call per row."""
    yield "\ufeff"  # so that spreadsheets read the accents as UTF-8
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_response(chunks: Iterable[str | bytes], filename: str) -> StreamingHttpResponse:
    """`chunks` as `csv_chunks` or `csv_lines` make them, streamed."""
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(rows: Iterable[Sequence], out, title: str = "") -> None:
    """The rows (as `rows_of` makes them: neutralised) into `out`, a path or a binary file, on
    a sheet named `title`: text, numbers, and dates as date cells. The sheet's XML is written
    here, a chunk of rows at a time, rather than by openpyxl's write-only mode, three times
    slower for the same file (one object per cell). Text is never a formula in this writer;
    control characters that XLSX cannot hold (a vertical tab pasted from Word) become spaces."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in XLSX_PARTS.items():
            book.writestr(name, text)
        title = escape(sheet_title(title) or "Sheet1", {'"': "&quot;"})
        book.writestr("xl/workbook.xml", XLSX_WORKBOOK.format(title=title))
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(XLSX_SHEET_START)
            rows = iter(rows)
            number = 0
            while chunk := list(islice(rows, CHUNK)):
                lines = []
                for number, row in enumerate(chunk, start=number + 1):  # noqa: B020
                    cells = "".join(map(_xlsx_cell, row))
                    lines.append(f'<row r="{number}">{cells}</row>')
                sheet.write("".join(lines).encode())
            sheet.write(XLSX_SHEET_END)


def _xlsx_cell(value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, datetime.date):
        return f'<c s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    text = escape(ILLEGAL_CHARACTERS_RE.sub(" ", str(value)))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


# The parts of an XLSX of one sheet (ECMA-376): what Excel, LibreOffice and openpyxl need.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Style 1: a date as 2024-03-31.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
XLSX_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
XLSX_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
XLSX_SHEET_END = b"</sheetData></worksheet>"


def sheet_title(title: str) -> str:
    """A title as a sheet's name may be: 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", capfirst(str(title)))[:31]


def xlsx_response(rows: Iterable[Sequence], filename: str, title: str = "") -> FileResponse:
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(rows, out, title)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# HXL (Humanitarian Exchange Language) hashtags of the exports for machines, from the HXL core
# schema only. People counted, by the column's name: their sex and age as core attributes.
PEOPLE_ATTRIBUTES = {
    "women": "+f",
    "men": "+m",
    "women_adults": "+f+adults",
    "men_adults": "+m+adults",
    "girls": "+f+children",
    "boys": "+m+children",
    "adults": "+adults",
    "minors": "+children",
    "children_adolescents": "+children",
    "other_or_not_stated": "+i",
    "people_reached": "",
    "total_attended": "",
    "crossed_total": "",
    "nationality_crossed": "",
}
# Other columns whose meaning a core hashtag says better than the widget's default.
NAMED_TAGS = {
    "title": "#activity+name",
    "campaign": "#activity+name",
    "channel": "#channel+code",
    "recipient": "#org+name",
    "donor": "#org+funder+name",
    "facilitators": "#org+impl+name",
    "source": "#meta+source",
    "item_category": "#item+type",
    "item_description": "#item+name",
    "item_unit": "#item+type",
    "phone": "#contact+phone",
}


def hxl_row(resource: FileResource) -> list[str]:
    """The row of HXL hashtags under the header of an export for machines."""
    return [_hxl_tag(resource, column) for column in resource.file_columns]


def _hxl_tag(resource: FileResource, column: Column) -> str:
    widget = resource.widget_of(column)
    name = column.name
    if name == resource.key_column:
        return "#meta+id"
    if name in NAMED_TAGS:
        return NAMED_TAGS[name]
    if name in PEOPLE_ATTRIBUTES:
        return resource.hxl_people + PEOPLE_ATTRIBUTES[name]
    if isinstance(widget, SiteWidget):
        return "#loc+code"
    if isinstance(widget, DateWidget):
        ends = {"start": "+start", "end": "+end"}
        return "#date" + next((tag for word, tag in ends.items() if name.startswith(word)), "")
    if isinstance(widget, CountryWidget):
        return "#country+code+v_iso2"
    if isinstance(widget, NumberWidget | BooleanWidget):
        return "#indicator+num"
    if isinstance(widget, ChoiceWidget | NamedWidget):
        return "#indicator+type"
    return "#description"
