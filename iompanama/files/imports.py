"""Reading an uploaded CSV or XLSX safely, and importing it all or nothing.

`check_file` refuses what is not a table we can read (wrong type, empty, too big, an XLSX that
unpacks to far more than it weighs); `import_rows` validates every row and writes only when no
row is invalid, reporting each invalid row by number, column and a message people understand.
"""

import csv
import gc
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult
from openpyxl.utils import get_column_letter

from iompanama.files.resources import FileResource, RecordResource
from iompanama.files.widgets import neutralise


class UnreadableFile(Exception):
    """The file cannot be imported at all; the message says why, for the person."""


@dataclass
class RowError:
    number: int  # the row's line in the file, the header being line 1
    column: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # rows the file gives as they are stored: not written
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failing_rows: list[int] = field(default_factory=list)  # indexes in the dataset
    reviewed: bool = True  # whether the rows enter review (records) or not (people, answers)
    first_line: int = 2  # the file's line of the first row: 3 under an HXL row

    @property
    def is_valid(self) -> bool:
        return not self.errors


class Table(tablib.Dataset):
    """A file's rows under its header. `unreadable`: the rows (by index) that could not be read
    at all, each kept in its place with empty cells and the reason, which `import_rows` makes
    that row's error, so that the file's other rows are still checked and their errors shown."""

    unreadable: dict[int, str]


class UnreadableRow:
    """A line of a CSV that the csv module refuses (a cell past its size limit, a quote that
    never closes, a NUL byte): what to say about it."""

    def __init__(self, message: str) -> None:
        self.message = message


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a file is imported: an import makes many objects
    that live until it ends, which the collector would otherwise scan again and again (a
    fifth of an import's time), and leaves few cycles, collected once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@collector_paused()
def read_table(name: str, content: bytes) -> Table:
    """The file as a table of text cells with its header row; UnreadableFile if it is not one."""
    if not content:
        raise UnreadableFile(_("The file is empty."))
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise UnreadableFile(too_large())
    lower = name.lower()
    if lower.endswith(".csv"):
        rows = _csv_rows(content)
    elif lower.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    else:
        raise UnreadableFile(_("Upload a CSV or an XLSX (Excel) file."))
    rows = [
        row
        for row in rows
        if isinstance(row, UnreadableRow) or any(cell not in (None, "") for cell in row)
    ]
    if rows and isinstance(rows[0], UnreadableRow):
        raise UnreadableFile(rows[0].message)  # a file whose header cannot be read
    if len(rows) < 2:
        raise UnreadableFile(_("The file has no rows under its header."))
    headers = [str(cell or "").strip() for cell in rows[0]]
    width = len(headers)
    unreadable = {
        index: row.message for index, row in enumerate(rows[1:]) if isinstance(row, UnreadableRow)
    }
    # Each row cut or padded to the header's width here, so that tablib need not check each
    # one (its append does, at a cost that shows in a big import).
    body = [
        [""] * width if index in unreadable else [*row[:width], *[""] * (width - len(row))]
        for index, row in enumerate(rows[1:])
    ]
    table = Table(*body, headers=headers)
    table.unreadable = unreadable
    return table


def too_large() -> str:
    return _("The file is larger than %(size)s MB: split it into smaller files.") % {
        "size": settings.IMPORT_MAX_BYTES // 1_000_000
    }


def _csv_rows(content: bytes) -> list[list[str] | UnreadableRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","

    # Universal newlines: a file saved with bare carriage returns (old Mac Excel) has lines;
    # a stray one splits its row in two, whose cells then say what is missing.
    # Strict: a quote that never closes is an error, not the rest of the file in one cell.
    def reader():
        return csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, strict=True)

    if "\x00" not in text:
        try:
            return list(reader())  # the usual file, read at the csv module's speed
        except csv.Error:
            pass  # read again line by line, each refused line its row's error
    return list(_csv_rows_one_by_one(reader()))


def _csv_rows_one_by_one(reader) -> Iterator[list[str] | UnreadableRow]:
    """Every row; a line the reader refuses is an UnreadableRow, and reading goes on at the
    next line (the csv module starts each row afresh)."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield UnreadableRow(_csv_problem(str(error), line))
            continue
        if any("\x00" in cell for cell in row):
            # A byte no text holds (a broken save, or a file that is not text): PostgreSQL could
            # not store it either.
            yield UnreadableRow(
                _("Line %(line)s holds a NUL character, which no text has: delete it.")
                % {"line": line}
            )
        else:
            yield row


def _csv_problem(error: str, line: int) -> str:
    if error.startswith("field larger than field limit"):
        return _("Line %(line)s cannot be read: a cell is longer than %(limit)s characters.") % {
            "line": line,
            "limit": f"{csv.field_size_limit():,}",
        }
    if error.startswith("unexpected end of data"):
        return _(
            "Line %(line)s cannot be read: a quote opens in it and never closes, so the rest "
            "of the file would be one cell."
        ) % {"line": line}
    return _('Line %(line)s cannot be read as CSV: a quote inside a cell must be doubled ("").') % {
        "line": line
    }


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile(_("This is not a readable XLSX (Excel) file.")) from None
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            _("This XLSX file unpacks to far more than its size: it cannot be imported.")
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise UnreadableFile(_("This is not a readable XLSX (Excel) file.")) from None
    return _sheet_rows(book.worksheets[0])


def _sheet_rows(sheet) -> list[list]:
    """The sheet's rows that hold something, each as wide as the header. Read as the file has
    them, not as its dimension claims (the reader would fill every row and column up to a cell
    at XFD1048576): a cell outside the table, or rows going on past IMPORT_MAX_ROWS, is a
    message, and the rows between are never held."""
    sheet.reset_dimensions()
    rows, width = [], 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > settings.IMPORT_MAX_ROWS + 1:
            raise UnreadableFile(
                _(
                    "The sheet goes on past row %(row)s: split it into smaller files, or delete "
                    "what lies below the table."
                )
                % {"row": settings.IMPORT_MAX_ROWS + 1}
            )
        filled = [index for index, cell in enumerate(row) if cell not in (None, "")]
        if number == 1:
            width = filled[-1] + 1 if filled else 0
        elif filled and filled[-1] >= width:
            raise UnreadableFile(
                _(
                    "Cell %(cell)s lies outside the table, whose header has %(columns)s "
                    "columns: delete it, or give its column a header."
                )
                % {"cell": f"{get_column_letter(filled[-1] + 1)}{number}", "columns": width}
            )
        if filled:
            rows.append(list(row[:width]))
    return rows


@collector_paused()
def import_rows(
    resource: FileResource,
    dataset: tablib.Dataset,
    *,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    source: str = "",
) -> ImportReport:
    """Validate every row; write them (when not `dry_run`) only if all are valid.
    `progress(rows_done)` is called every few hundred rows, for a progress bar; `source` names
    the file (`PendingUpload.source`) on the review steps of the rows."""
    resource.progress = progress
    resource.source = source
    report = ImportReport(reviewed=isinstance(resource, RecordResource))
    unreadable = getattr(dataset, "unreadable", {})
    prepared = resource.prepare(dataset)
    if unreadable and len(prepared) != len(dataset):
        # A survey tool's export made into our rows, not one for one: nothing to point at.
        raise UnreadableFile(next(iter(unreadable.values())))
    dataset = prepared
    # Headed as our exports head them: by name (for machines) or in either language (people).
    by_header = resource.columns_by_header()
    dataset.headers = [by_header.get(name.casefold(), name) for name in dataset.headers]
    if _is_hxl_row(dataset[0]):
        del dataset[0]
        report.first_line = 3
        unreadable = {index - 1: message for index, message in unreadable.items()}
    # By the library's row number, which counts from 1.
    resource.unreadable = {index + 1: message for index, message in unreadable.items()}
    if resource.key_column not in dataset.headers:
        # Rows of new records, as a sheet made by hand has them: each gets its id as in a form.
        dataset.append_col([""] * len(dataset), header=resource.key_column)
    columns = set(dataset.headers)
    missing = [name for name in resource.required_columns() if name not in columns]
    if missing:
        raise UnreadableFile(
            _("These required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    unknown = [name for name in dataset.headers if name not in resource.column_names()]
    if unknown:
        report.warnings.append(
            _("These columns are not ours and were ignored: %(columns)s.")
            % {"columns": ", ".join(unknown)}
        )
        for name in unknown:
            del dataset[name]
    with transaction.atomic():
        # Our transaction, not the library's: rolled back on a dry run or any invalid row.
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=False, raise_errors=False
        )
        _fill(report, resource, result)
        report.warnings.extend(resource.warnings)
        if dry_run or not report.is_valid:
            transaction.set_rollback(True)
    return report


def _is_hxl_row(row) -> bool:
    """An export for machines has its HXL hashtags under the header."""
    cells = [str(cell).strip() for cell in row if cell not in (None, "")]
    return bool(cells) and all(cell.startswith("#") for cell in cells)


def _fill(report: ImportReport, resource: RecordResource, result) -> None:
    if result.base_errors:
        # An error of the whole file (a batch refused by the database): never shown as such.
        report.errors.append(
            RowError(0, "", _("The file could not be saved: nothing was written."))
        )
    # Rows found unchanged only when written, once a record's every line is read.
    report.unchanged = resource.unchanged
    report.updated -= resource.unchanged
    columns = resource.attribute_columns()
    for index, row in enumerate(result.rows):
        number = index + report.first_line
        if row.import_type == RowResult.IMPORT_TYPE_NEW:
            report.created += 1
        elif row.import_type == RowResult.IMPORT_TYPE_UPDATE:
            report.updated += 1
        elif row.import_type == RowResult.IMPORT_TYPE_INVALID:
            report.failing_rows.append(index)
            report.errors.extend(_row_errors(number, row.validation_error, columns))
        elif row.import_type == RowResult.IMPORT_TYPE_ERROR:
            # A database error: never shown as such, but the row is refused.
            report.failing_rows.append(index)
            report.errors.append(
                RowError(number, "", _("This row could not be saved: check its values."))
            )


def _row_errors(number: int, error: ValidationError, columns: dict[str, str]) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(number, "", " ".join(error.messages))]
    return [
        RowError(number, columns.get(name, "" if name == "__all__" else name), message)
        for name, errors in error.message_dict.items()
        for message in errors
    ]


def failing_rows_csv(dataset: tablib.Dataset, report: ImportReport) -> str:
    """The invalid rows as a CSV with the file's header and a last column saying what is wrong
    with each, for the person to fix them; formulas neutralised, as in every file we write."""
    problems: dict[int, list[str]] = {}
    for error in report.errors:
        said = f"{error.column}: {error.message}" if error.column else error.message
        problems.setdefault(error.number, []).append(said)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*dataset.headers, _("Problems")])
    for index in report.failing_rows:
        cells = [neutralise(cell) for cell in dataset[index]]
        writer.writerow([*cells, " ".join(problems.get(index + report.first_line, []))])
    return out.getvalue()
