"""Files made to hurt the server: each ends in a clear message (or a clean import), nothing
written, and the reader holding no more than the rows the file has."""

import io
import tracemalloc

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from activities.models import CommunicationReach
from iompanama.files.imports import UnreadableFile, read_table
from iompanama.files.views import ImportForm
from tests.imports.helpers import REACH_HEADER
from tests.personas import PersonasTestCase

URL = reverse("activities:reach_import")
GOOD = ["R-1", "darien-office", "2023-09-01", "web", "A", "10"]


class Unread(SimpleUploadedFile):
    """An upload that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("The upload was read.")


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

    def test_a_csv_with_bare_carriage_returns_imports_as_its_lines(self) -> None:
        text = "\r".join([",".join(REACH_HEADER), ",".join(GOOD)]) + "\r"
        response = self.client.post(URL, {"file": SimpleUploadedFile("mac.csv", text.encode())})
        self.assertEqual(response.context["report"].errors, [])
        self.assertEqual(response.context["report"].created, 1)

    def test_a_cell_over_the_csv_field_limit_is_a_message(self) -> None:
        huge = ",".join([*GOOD[:4], "x" * 200_000, "10"])
        text = ",".join(REACH_HEADER) + "\n" + huge + "\n"
        self.assertIn("line 2", self.refusal("huge.csv", text.encode()))

    def test_a_quote_that_never_closes_is_a_message(self) -> None:
        text = ",".join(REACH_HEADER) + '\nR-1,"darien-office\n'
        self.assertIn("line 2", self.refusal("open.csv", text.encode()))
