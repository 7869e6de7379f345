"""Exports of a list's rows as CSV (streamed: memory stays flat however many rows) or XLSX
(openpyxl's write-only mode, through a temporary file).

django-import-export builds a whole file in memory, so big exports go around it; its resources
still say what the columns are and how each cell is written (neutralised, see resources.py).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator

import openpyxl
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse

from iompanama.resources import RecordResource, neutralise

CHUNK = 2000


class _Echo:
    """A file whose write returns what it was given, so csv.writer yields lines to stream."""

    def write(self, value: str) -> str:
        return value


def rows_of(resource: RecordResource, records: QuerySet) -> Iterator[list]:
    """The header, then each record's row, fetched in chunks."""
    yield resource.get_export_headers()
    fast = resource.fast_rows(records)
    if fast is not None:
        yield from fast
        return
    queryset = resource.export_queryset(records)
    fields = resource.get_export_fields()
    # Django prefetches each chunk's related rows (topics) with chunk_size.
    for record in queryset.iterator(chunk_size=CHUNK):
        yield [resource.export_field(field, record) for field in fields]


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheets read the accents as UTF-8
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(rows: Iterable[list], out) -> None:
    """The rows into `out` (a path or a binary file), one row in memory at a time."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        # Neutralised, a cell never starts with "=", which openpyxl would write as a formula.
        sheet.append([neutralise(cell) for cell in row])
    book.save(out)


def xlsx_response(rows: Iterable[list], filename: str) -> FileResponse:
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(rows, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
