"""Files made to hurt the server: each ends in a clear message (or a clean import), nothing
written, and the reader holding no more than the rows the file has."""

import base64
import csv
import io
import tracemalloc

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.test.client import ClientHandler
from django.urls import reverse

from activities.models import CommunicationReach
from iompanama.files.imports import UnreadableFile, read_table
from iompanama.files.views import ImportForm
from iompanama.models import PendingUpload
from tests.imports.helpers import REACH_HEADER
from tests.personas import PersonasTestCase

URL = reverse("activities:reach_import")
GOOD = ["R-1", "darien-office", "2023-09-01", "web", "A", "10"]


class Unread(SimpleUploadedFile):
    """An upload that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("The upload was read.")


class LazyBody:
    """A multipart body of `size` bytes holding one file, made as it is read (a test must not
    hold 300 MB), that counts how much of it the server read."""

    BOUNDARY = "lazyboundary"

    def __init__(self, size: int) -> None:
        self.head = (
            f"--{self.BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.size = size
        self.read_bytes = 0

    def readline(self, size: int = -1) -> bytes:
        raise AssertionError("A multipart body is not read by lines.")

    def read(self, size: int = -1) -> bytes:
        start = self.read_bytes
        end = self.size if size is None or size < 0 else min(self.size, start + size)
        self.read_bytes = end
        filler_end = self.size - len(self.tail)
        return b"".join(
            [
                self.head[start:end],
                b"x" * max(0, min(end, filler_end) - max(start, len(self.head))),
                self.tail[max(0, start - filler_end) : max(0, end - filler_end)],
            ]
        )


def sparse_xlsx(cell: str) -> bytes:
    """A few kilobytes: the header, a row, and one cell far away (Excel's last, XFD1048576)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(REACH_HEADER)
    sheet.append(GOOD)
    sheet[cell] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class HostileFileTest(PersonasTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.supervisor_a)

    def refusal(self, name: str, content: bytes) -> str:
        response = self.client.post(URL, {"file": SimpleUploadedFile(name, content)})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(CommunicationReach.objects.exists())
        return str(response.context["form"].errors.get("file", ""))

    def test_a_cell_far_to_the_right_is_a_message_not_an_allocation(self) -> None:
        content = sparse_xlsx("XFD2")
        self.assertLess(len(content), 10_000)
        tracemalloc.start()
        with self.assertRaisesMessage(UnreadableFile, "XFD2"):
            read_table("sparse.xlsx", content)
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.assertLess(peak, 20_000_000)
        self.assertIn("outside the table", self.refusal("sparse.xlsx", content))

    @override_settings(IMPORT_MAX_ROWS=1000)
    def test_a_cell_far_below_is_a_message_not_an_allocation(self) -> None:
        content = sparse_xlsx("XFD1048576")
        tracemalloc.start()
        with self.assertRaises(UnreadableFile):
            read_table("sparse.xlsx", content)
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.assertLess(peak, 20_000_000)
        self.assertIn("past row 1001", self.refusal("sparse.xlsx", content))

    def test_the_reader_holds_the_rows_present_only(self) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(REACH_HEADER)
        sheet["A50000"] = "R-2"  # the rows between are empty: never held
        out = io.BytesIO()
        book.save(out)
        self.assertEqual(len(read_table("gaps.xlsx", out.getvalue())), 1)

    def test_a_huge_upload_is_refused_before_it_is_read(self) -> None:
        upload = Unread("big.csv", b"external_id\n")
        upload.size = 300_000_000
        form = ImportForm({}, {"file": upload}, user=self.supervisor_a)
        self.assertFalse(form.is_valid())
        self.assertIn("larger than", str(form.errors["file"]))

    def post_streamed(self, body: LazyBody, language: str = "en"):
        """Posts `body` as a browser streams it, through the whole stack (middleware, upload
        handlers, view); the test client would build the body in memory first."""
        self.client.cookies["django_language"] = language
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": URL,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": body,
            "wsgi.errors": io.StringIO(),
            "CONTENT_TYPE": f"multipart/form-data; boundary={LazyBody.BOUNDARY}",
            "CONTENT_LENGTH": str(body.size),
            "HTTP_COOKIE": "; ".join(f"{k}={m.value}" for k, m in self.client.cookies.items()),
        }
        return ClientHandler(enforce_csrf_checks=False)(environ)

    @override_settings(IMPORT_MAX_BYTES=1_000_000)
    def test_a_huge_upload_is_stopped_before_its_file_is_read(self) -> None:
        body = LazyBody(300_000_000)
        response = self.post_streamed(body, language="es")
        self.assertContains(response, "El archivo supera los 1 MB: divídalo")
        self.assertLess(body.read_bytes, 200_000)  # the part's headers: not one MB of the file
        self.assertFalse(CommunicationReach.objects.exists())
        self.assertFalse(PendingUpload.objects.exists())

    @override_settings(IMPORT_MAX_BYTES=1_000_000)
    def test_an_upload_past_the_limit_is_stopped_at_the_limit(self) -> None:
        """A request whose declared length leaves room for other fields: its file's bytes are
        counted, and reading stops at the limit."""
        body = LazyBody(2_000_000)
        response = self.post_streamed(body)
        self.assertContains(response, "The file is larger than 1 MB")
        self.assertGreater(body.read_bytes, 1_000_000)
        self.assertLess(body.read_bytes, 1_300_000)
        self.assertFalse(PendingUpload.objects.exists())

    def test_a_csv_with_bare_carriage_returns_imports_as_its_lines(self) -> None:
        """A file saved with bare carriage returns (old Mac Excel) is read as its lines, not
        refused: it holds nothing wrong."""
        text = "\r".join([",".join(REACH_HEADER), ",".join(GOOD)]) + "\r"
        response = self.client.post(URL, {"file": SimpleUploadedFile("mac.csv", text.encode())})
        self.assertEqual(response.context["report"].errors, [])
        self.assertEqual(response.context["report"].created, 1)


class CsvDialectTest(PersonasTestCase):
    """A line the csv module cannot read is that row's error, said with its line; the other
    rows are still checked and their errors shown; the failing-rows file lists it; nothing is
    written."""

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.login(self.supervisor_a)

    def upload(self, *lines: str):
        text = "\n".join([",".join(REACH_HEADER), *lines]) + "\n"
        response = self.client.post(URL, {"file": SimpleUploadedFile("f.csv", text.encode())})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("token", response.context)
        self.assertFalse(CommunicationReach.objects.exists())
        return response

    def errors(self, response) -> list[tuple[int, str]]:
        return [(error.number, error.message) for error in response.context["report"].errors]

    def failing_rows(self, response) -> list[list[str]]:
        href = response.context["failing_rows_href"]
        text = base64.b64decode(href.split(",", 1)[1]).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def test_a_cell_over_the_csv_field_limit_is_its_rows_error(self) -> None:
        huge = ",".join(["R-2", *GOOD[1:4], "x" * 200_000, "10"])
        bad_date = ",".join(["R-3", "darien-office", "2023-09-31", "web", "C", "10"])
        response = self.upload(",".join(GOOD), huge, bad_date)
        [(number, message), (other, _date)] = self.errors(response)
        self.assertEqual(number, 3)
        self.assertEqual(
            message, "Line 3 cannot be read: a cell is longer than 131,072 characters."
        )
        self.assertEqual(other, 4)  # the next row, read and checked as usual
        [_header, failing, dated] = self.failing_rows(response)
        self.assertEqual(failing[-1], message)
        self.assertEqual(dated[0], "R-3")

    def test_a_nul_character_is_its_rows_error(self) -> None:
        response = self.upload(",".join(GOOD), ",".join(["R-2", "darien\x00", *GOOD[2:]]))
        self.assertEqual(
            self.errors(response),
            [(3, "Line 3 holds a NUL character, which no text has: delete it.")],
        )

    def test_a_quote_that_never_closes_is_its_rows_error(self) -> None:
        """The rest of the file is in the quote: the row it opens in says so."""
        response = self.upload(
            ",".join(["R-1", "darien-office", "ayer", "web", "A", "10"]),
            'R-2,"darien-office',
            ",".join(GOOD),
        )
        [(date_row, _date), (number, message)] = self.errors(response)
        self.assertEqual((date_row, number), (2, 3))
        self.assertIn("Line 3 cannot be read: a quote opens in it and never closes", message)

    def test_a_stray_carriage_return_splits_its_row_whose_halves_say_what_is_missing(
        self,
    ) -> None:
        """A bare carriage return in an otherwise LF file is a line break, as a spreadsheet
        would read it too: the row's two halves are checked as rows, and each says what it
        lacks (a file-level message would hide the rest of the file's errors)."""
        split = ",".join(GOOD[:3]) + "\r" + ",".join(GOOD[3:])
        response = self.upload(split, ",".join(["R-2", *GOOD[1:]]))
        numbers = {number for number, _message in self.errors(response)}
        self.assertEqual(numbers, {2, 3})

    def test_a_header_that_cannot_be_read_refuses_the_file(self) -> None:
        """No column is known: there is no row to blame."""
        text = ",".join(REACH_HEADER).replace("site", "si\x00te") + "\n" + ",".join(GOOD)
        response = self.client.post(URL, {"file": SimpleUploadedFile("f.csv", text.encode())})
        self.assertIn("NUL", str(response.context["form"].errors["file"]))
