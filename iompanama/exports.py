"""Exports of a list's rows as CSV (streamed: memory stays flat however many rows) or XLSX
(openpyxl's write-only mode, through a temporary file).

django-import-export builds a whole file in memory, so big exports go around it; its resources
still say what the columns are and how each cell is written (neutralised, see resources.py).
`rows_of` neutralises every cell once; `csv_lines` and `write_xlsx` write the cells as given.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

import openpyxl
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from import_export import widgets

from iompanama.resources import (
    BooleanWidget,
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    NumberWidget,
    RecordResource,
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


def rows_of(resource: RecordResource, records: QuerySet) -> Iterator[Sequence]:
    """The header, then each record's row (one per line, for records with lines) with every
    cell neutralised, fetched in chunks."""
    yield [*resource.get_export_headers(), *(column.name for column in resource.line_columns)]
    fast = None if resource.lines else fast_rows(resource, records)
    if fast is not None:
        yield from fast
        return
    # Django prefetches each chunk's related rows (topics, lines) with chunk_size.
    for record in resource.export_queryset(records).iterator(chunk_size=CHUNK):
        yield from resource.export_rows(record)


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
    if isinstance(widget, NumberWidget):
        return None
    if isinstance(widget, DateWidget):
        return _iso_dates
    if isinstance(widget, BooleanWidget):
        yes, no = _("yes"), _("no")
        return lambda column: [yes if value else no for value in column]
    return _texts


def _iso_dates(column: tuple) -> list[str]:
    return [value.isoformat() if value else "" for value in column]


def _texts(column: tuple) -> list:
    return list(map(neutralise, ["" if value is None else str(value) for value in column]))


def csv_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    """The rows (as `rows_of` makes them: neutralised) as CSV after a byte order mark, one
    string per chunk of rows: csv's C writer does the work, not a Python call per row."""
    yield "\ufeff"  # so that spreadsheets read the accents as UTF-8
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_response(rows: Iterable[Sequence], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(rows: Iterable[Sequence], out) -> None:
    """The rows (as `rows_of` makes them: neutralised, so that no cell starts with "=", which
    openpyxl would write as a formula) into `out`, a path or a binary file, one row in memory
    at a time."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    book.save(out)


def xlsx_response(rows: Iterable[Sequence], filename: str) -> FileResponse:
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(rows, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
